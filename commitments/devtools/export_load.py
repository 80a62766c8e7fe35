"""bench-web's exports pass: is /healthz answered while clients download whole exports that a
Celery worker builds, as in production? Its own module, like the search pass, so bench_web.py stays
readable."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import httpx
from django.conf import settings
from django.core.management.base import OutputWrapper

from .benchmarks import free_port, wait_for


def exports_pass(
    env: dict, *, stdout: OutputWrapper, seconds: int, workers: int = 3, downloaders: int = 3
) -> None:
    """Is /healthz answered while clients download exports? Downloaders fetch the zip and
    questions.csv in a loop, cold at the start, while /healthz is asked every 50 ms; a Celery
    worker builds the exports, as in production (no request builds one)."""
    port = free_port()
    celery = [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool=solo", "-l", "WARNING"]
    builder = subprocess.Popen(celery, cwd=settings.BASE_DIR, env=env | {"CELERY_TASK_ALWAYS_EAGER": "0"})
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tracker.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(workers), "--log-level", "warning"],
        cwd=settings.BASE_DIR,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    outcomes: list[tuple[str, int, float]] = []
    stop = threading.Event()

    def download(n: int) -> None:
        paths = ["/exports/ipp-tracker-data.zip", "/exports/questions.csv"]
        with httpx.Client(base_url=base, timeout=120) as client:
            while not stop.is_set():
                path = paths[n % 2]
                n += 1
                started = time.perf_counter()
                status = client.get(path).status_code
                outcomes.append((path, status, time.perf_counter() - started))
                if status == 503:
                    time.sleep(1)  # as Retry-After asks, only sooner

    try:
        wait_for(base + "/healthz", what="gunicorn")
        threads = [threading.Thread(target=download, args=(n,)) for n in range(downloaders)]
        for thread in threads:
            thread.start()
        latencies = []
        deadline = time.perf_counter() + seconds
        with httpx.Client(base_url=base, timeout=60) as client:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                client.get("/healthz")
                latencies.append((time.perf_counter() - started) * 1000)
                time.sleep(0.05)
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        for process in (server, builder):
            process.terminate()
            process.wait(timeout=20)
    latencies.sort()
    stdout.write(
        f"\nExports under load: gunicorn {workers} workers and a Celery worker building, {downloaders} "
        f"clients downloading the zip and questions.csv for {seconds} s from a cold start, /healthz "
        "every 50 ms:"
    )
    for path in ("/exports/ipp-tracker-data.zip", "/exports/questions.csv"):
        done = [(status, took) for p, status, took in outcomes if p == path]
        served = [took for status, took in done if status == 200]
        stdout.write(
            f"  {path}: {len(served)} served (slowest {max(served, default=0):.2f} s), "
            f"{sum(status == 503 for status, _ in done)} told to retry before the worker's first build, "
            f"{sum(status not in (200, 503) for status, _ in done)} other"
        )
    p95 = latencies[int(len(latencies) * 0.95)] if latencies else 0
    healthy = bool(latencies) and latencies[-1] < 1000
    stdout.write(
        f"  /healthz: {len(latencies)} requests, p50 {latencies[len(latencies) // 2]:.1f} ms, "
        f"p95 {p95:.1f} ms, slowest {latencies[-1]:.1f} ms: target (always under 1 s) "
        f"{'met' if healthy else 'MISSED'}"
    )
