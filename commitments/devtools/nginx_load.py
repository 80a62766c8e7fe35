"""bench_web's passes through nginx (#34): the production site config in front of gunicorn.

1. Cached: every page kept by nginx, measured with wrk beside nginx serving a static file of the same
   size (a hit should cost about what a file costs).
2. During changes: an editor's save every few seconds (a separate process saving a commitment) while
   wrk's connections read each page in turn; p95 and the slowest request per page. Meanwhile a poller
   asks every page through nginx five times a second and notes, for each save, how long until every
   page carried the new data version in its ETag (the version a page was rendered under: a page is
   fresh when it was rendered after the save).
3. Direct to gunicorn with the page's ETag: what nginx's background revalidation of an unchanged page
   costs Django (a 304).
A measurement, never a test: its figures depend on the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import httpx
from django.conf import settings

from .benchmarks import free_port, worker_rss_megabytes
from .web_stack import gunicorn, nginx

CHANGE_EVERY_SECONDS = 3.0
FRESH_TARGET_SECONDS = 15.0
SLOWEST_TARGET_MS = 250.0


def etag_version(etag: str | None) -> int:
    """The data version a page was rendered under, from its ETag ("<version>-<day>-<address>")."""
    try:
        return int((etag or "").removeprefix("W/").strip('"').split("-")[0])
    except ValueError:
        return 0


def wrk(
    url: str, script: Path, *, seconds: int, connections: int, headers: dict[str, str] | None = None
) -> dict:
    flags = [item for name, value in (headers or {}).items() for item in ("-H", f"{name}: {value}")]
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), *flags, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


@dataclass
class Freshness:
    """For each save: seconds until each page carried its version (None: not within the pass)."""

    changes: list[tuple[float, int]] = field(default_factory=list)
    seconds: dict[int, dict[str, float | None]] = field(default_factory=dict)


def _follow_changes(changer: subprocess.Popen, freshness: Freshness) -> None:
    for line in changer.stdout:
        if line.startswith("{"):
            change = json.loads(line)
            freshness.changes.append((change["at"], change["version"]))


def _poll(base: str, urls: dict[str, str], freshness: Freshness, stop: threading.Event) -> None:
    """Five times a second, every page through nginx; a save's page is fresh at its first response
    rendered under that save's version or a later one."""
    with httpx.Client(base_url=base, timeout=10) as client:
        while not stop.wait(0.2):
            for index, (at, version) in enumerate(list(freshness.changes)):
                pending = freshness.seconds.setdefault(index, dict.fromkeys(urls))
                for name, path in urls.items():
                    if (
                        pending[name] is None
                        and etag_version(client.get(path).headers.get("ETag")) >= version
                    ):
                        pending[name] = time.time() - at


def nginx_passes(
    urls: dict[str, str],
    env: dict[str, str],
    script: Path,
    *,
    folder: Path,
    seconds: int,
    connections: int,
    workers: int,
    stdout: TextIO,
) -> dict:
    """Run the three passes on the benchmark's database (`env`) with everything nginx and gunicorn
    write under `folder`; print the figures and the targets, and return them."""
    pages = {name: path for name, path in urls.items() if name != "healthz"}
    app_port = free_port()
    static = folder / "static"
    static.mkdir(parents=True, exist_ok=True)
    static_port = free_port()
    serve_static = f"    server {{ listen 127.0.0.1:{static_port}; location / {{ root {static}; }} }}"
    results: dict = {"cached": [], "changes": [], "revalidation": []}
    with (
        gunicorn(env, port=app_port, folder=folder / "gunicorn", workers=workers) as app,
        nginx(
            upstream=f"127.0.0.1:{app_port}",
            port=free_port(),
            folder=folder / "nginx",
            extra_http=serve_static,
        ) as proxy,
    ):
        for name, path in pages.items():
            body = httpx.get(proxy.url + path, timeout=30).content
            httpx.get(proxy.url + path, timeout=30)
            (static / f"{len(results['cached'])}.html").write_bytes(body)
            page = wrk(proxy.url + path, script, seconds=seconds, connections=connections)
            file = wrk(
                f"http://127.0.0.1:{static_port}/{len(results['cached'])}.html",
                script,
                seconds=seconds,
                connections=connections,
            )
            results["cached"].append((name, page, file, len(body)))
        for name, path in pages.items():
            etag = httpx.get(app.url + path, timeout=30).headers["ETag"]
            status = httpx.get(app.url + path, headers={"If-None-Match": etag}, timeout=30).status_code
            figures = wrk(
                app.url + path,
                script,
                seconds=seconds,
                connections=connections,
                headers={"If-None-Match": etag},
            )
            results["revalidation"].append((name, figures, status))

        freshness = Freshness()
        changer = subprocess.Popen(
            [
                *(sys.executable, "manage.py", "bench_web", "--phase", "change"),
                *("--every", str(CHANGE_EVERY_SECONDS), "--seconds", str(seconds * len(pages) + 2)),
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        stop = threading.Event()
        followers = [
            threading.Thread(target=_follow_changes, args=(changer, freshness)),
            threading.Thread(target=_poll, args=(proxy.url, pages, freshness, stop)),
        ]
        for thread in followers:
            thread.start()
        try:
            for name, path in pages.items():
                results["changes"].append(
                    (name, wrk(proxy.url + path, script, seconds=seconds, connections=connections))
                )
            changer.wait(timeout=60)
            time.sleep(FRESH_TARGET_SECONDS)  # the last saves' pages still have time to turn fresh
        finally:
            stop.set()
            changer.kill()
            for thread in followers:
                thread.join()
        results["freshness"] = freshness
        results["rss"] = worker_rss_megabytes(app.process.pid)
    _print(results, stdout=stdout, seconds=seconds, connections=connections, workers=workers)
    return results


def _print(results: dict, *, stdout: TextIO, seconds: int, connections: int, workers: int) -> None:
    def rate(figures: dict) -> float:
        return figures["requests"] / figures["seconds"]

    stdout.write(
        f"\nThrough nginx (docker/nginx/default.conf.template), gunicorn {workers} workers, "
        f"wrk {connections} connections, {seconds} s per page:"
    )
    stdout.write(
        f"{'page (kept by nginx)':<28}{'req/s':>9}{'p95 ms':>9}{'file req/s':>12}{'× file':>8}{'KB':>6}"
    )
    cached_p95 = {}
    behind = []
    for name, page, file, size in results["cached"]:
        cached_p95[name] = page["p95"]
        ratio = rate(page) / rate(file)
        behind += [f"{name} ({ratio:.2f}x)"] if ratio < 0.8 else []
        stdout.write(
            f"{name:<28}{rate(page):>9.0f}{page['p95']:>9.1f}{rate(file):>12.0f}{ratio:>8.2f}"
            f"{size // 1024:>6}"
        )
    stdout.write(f"\n{'page (direct, with its ETag)':<28}{'req/s':>9}{'p95 ms':>9}{'answer':>8}")
    for name, figures, status in results["revalidation"]:
        stdout.write(f"{name:<28}{rate(figures):>9.0f}{figures['p95']:>9.1f}{status:>8}")
    saves = len(results["freshness"].changes)
    stdout.write(f"\nWhile an editor saves every {CHANGE_EVERY_SECONDS:.0f} s ({saves} saves):")
    stdout.write(f"{'page':<28}{'req/s':>9}{'p95 ms':>9}{'× kept p95':>12}{'slowest ms':>12}{'errors':>8}")
    slow, doubled = [], []
    for name, figures in results["changes"]:
        times = figures["p95"] / max(cached_p95[name], 0.001)
        doubled += [f"{name} ({times:.1f}x)"] if times > 2 else []
        slow += [f"{name} ({figures['max']:.0f} ms)"] if figures["max"] > SLOWEST_TARGET_MS else []
        stdout.write(
            f"{name:<28}{rate(figures):>9.0f}{figures['p95']:>9.1f}{times:>12.1f}{figures['max']:>12.0f}"
            f"{figures['errors']:>8}"
        )
    freshness = results["freshness"]
    per_save = [
        max((s for s in pages.values() if s is not None), default=None)
        if all(s is not None for s in pages.values())
        else None
        for pages in freshness.seconds.values()
    ]
    measured = [s for s in per_save if s is not None]
    stale = len(per_save) - len(measured)
    stdout.write(
        f"Every page fresh after a save: {len(measured)} of {len(per_save)} saves measured; "
        + (
            f"median {sorted(measured)[len(measured) // 2]:.1f} s, slowest {max(measured):.1f} s"
            if measured
            else "none"
        )
        + (f"; {stale} not fresh on every page before the pass ended" if stale else "")
    )
    rss = results["rss"]
    lines = [
        "p95 during changes <= 2x kept p95: "
        + ("met on every page" if not doubled else "MISSED on " + ", ".join(doubled)),
        f"no request over {SLOWEST_TARGET_MS:.0f} ms during changes: "
        + ("met" if not slow else "MISSED on " + ", ".join(slow)),
        f"every page fresh within {FRESH_TARGET_SECONDS:.0f} s of a save: "
        + ("met" if measured and not stale and max(measured) <= FRESH_TARGET_SECONDS else "MISSED"),
        "kept page >= 0.8x a static file of its size: "
        + ("met on every page" if not behind else "MISSED on " + ", ".join(behind)),
        f"worker memory < 150 MB: {'met' if max(rss, default=0) < 150 else 'MISSED'} "
        f"(largest {max(rss, default=0)} MB)",
    ]
    stdout.write("\nTargets through nginx: " + "; ".join(lines) + ".")
