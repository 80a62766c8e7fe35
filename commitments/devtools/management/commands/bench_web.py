"""Benchmark of the public pages at scale: a generated data set in PostgreSQL, gunicorn on loopback,
wrk as the load generator. Pages rendered by gunicorn directly (figures also as a ratio to /healthz
in the same run), then through nginx as deployed (devtools/nginx_load.py): kept, during changes, and
revalidated."""

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from commitments.devtools.benchmarks import free_port, fresh_database, wait_for, worker_rss_megabytes
from commitments.devtools.export_load import exports_pass
from commitments.devtools.nginx_load import nginx_passes
from commitments.devtools.search_load import search_pass, slowest_search_statements

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "seconds": %f, "errors": %d, '
    .. '"p50": %f, "p95": %f, "p99": %f, "max": %f}\\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
      + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
"""


class Command(BaseCommand):
    help = (
        "Load >= 300 commitments and 50,000 written questions into a PostgreSQL database of its own, "
        "serve the site with gunicorn on loopback and drive it with wrk; print requests/s and "
        "p50/p95/p99 for home, a filtered and sorted list, commitment detail, question detail and "
        "/healthz rendered by gunicorn, then through nginx as deployed: kept, while an editor saves, "
        "and revalidated (a 304); the targets met or missed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--commitments", type=int, default=300)
        parser.add_argument("--questions", type=int, default=50_000)
        parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
        parser.add_argument(
            "--exports-only", action="store_true", help="only the exports and searches under load"
        )
        parser.add_argument("--phase", choices=["load", "search-queries", "change"], help="internal")
        parser.add_argument("--every", type=float, default=3.0, help="internal: seconds between saves")

    def handle(
        self,
        *args,
        commitments,
        questions,
        seconds,
        connections,
        workers,
        phase,
        exports_only,
        every,
        **options,
    ):
        if phase == "load":
            self._load(commitments, questions)
        elif phase == "search-queries":
            self.stdout.write(json.dumps(slowest_search_statements()))
        elif phase == "change":
            self._change(every=every, seconds=seconds)
        if phase:  # each internal phase runs in a process of its own on the benchmark's database
            return
        if connection.vendor != "postgresql":
            raise CommandError("Run the benchmark on PostgreSQL (set DATABASE_URL).")
        if not settings.REDIS_URL:
            raise CommandError("Run the benchmark with REDIS_URL set: production caches pages in Redis.")
        for tool in ("wrk",):
            if subprocess.run(["which", tool], capture_output=True).returncode:
                raise CommandError(f"{tool} is missing: apt-get install -y {tool}")
        database_url = fresh_database(f"{connection.settings_dict['NAME']}_web_bench")
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            # Production mode over plain HTTP on loopback, static files from the apps.
            "DJANGO_SETTINGS_MODULE": "tracker.settings.test",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            # Static files come from the apps (above), not collected ones: WhiteNoise's warning that
            # the collected folder is missing, once per worker, would only clutter the figures.
            "PYTHONWARNINGS": ",".join(
                filter(None, [os.environ.get("PYTHONWARNINGS"), "ignore:No directory at:UserWarning"])
            ),
        }
        self.stdout.write(f"Loading {commitments} commitments and {questions:,} questions…")
        started = time.perf_counter()
        loaded = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "bench_web",
                "--phase",
                "load",
                "--commitments",
                str(commitments),
                "--questions",
                str(questions),
            ],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        if loaded.returncode:
            raise CommandError(loaded.stderr[-2000:])
        urls = json.loads(loaded.stdout.strip().splitlines()[-1])
        self.stdout.write(f"Loaded in {time.perf_counter() - started:.0f} s.")
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "report.lua"
            script.write_text(WRK_SCRIPT)
            exports_pass(
                env | {"EXPORTS_DIR": str(Path(folder) / "exports")}, stdout=self.stdout, seconds=seconds
            )
            search_pass(env, stdout=self.stdout, seconds=2 * seconds)
            if exports_only:
                return
            rows, base_rate, sizes = self._measure(
                urls,
                env,
                script,
                seconds=seconds,
                connections=connections,
                workers=workers,
                title="Rendered by gunicorn, no cache in front",
            )
            self._targets(rows, sizes)
            nginx_passes(
                urls,
                env,
                script,
                folder=Path(folder) / "stack",
                seconds=seconds,
                connections=connections,
                workers=workers,
                stdout=self.stdout,
            )

    def _targets(self, rows: list, sizes: list[int]) -> None:
        """Rendered pages: p95 <= 100 ms (the first speed issue's target), workers < 150 MB."""
        slow = [f"{name} ({figures['p95']:.0f} ms)" for name, _, figures in rows if figures["p95"] > 100]
        self.stdout.write(
            "\nTargets, rendered: p95 <= 100 ms: "
            + ("met on every page" if not slow else "MISSED on " + ", ".join(slow))
            + f"; worker memory < 150 MB: {'met' if max(sizes, default=0) < 150 else 'MISSED'} "
            f"(largest {max(sizes, default=0)} MB)."
        )

    def _measure(self, urls, env, script, *, seconds, connections, workers, title):
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "tracker.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/healthz", what="gunicorn")
            rows = []
            for name, path in urls.items():
                subprocess.run(["curl", "-s", "-o", "/dev/null", base + path], check=False)  # warm up
                out = subprocess.run(
                    ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), base + path],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                figures = json.loads(out.strip().splitlines()[-1])
                rows.append((name, path, figures))
            worker_megabytes = worker_rss_megabytes(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=20)
        healthz = next(f for n, _, f in rows if n == "healthz")
        base_rate = healthz["requests"] / healthz["seconds"]
        self.stdout.write(
            f"\n{title}; gunicorn {workers} workers, wrk {connections} connections, {seconds} s per page:"
        )
        self.stdout.write(
            f"{'page':<26}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'× healthz':>11}{'errors':>8}"
        )
        for name, _, figures in rows:
            rate = figures["requests"] / figures["seconds"]
            self.stdout.write(
                f"{name:<26}{rate:>9.0f}{figures['p50']:>9.1f}{figures['p95']:>9.1f}{figures['p99']:>9.1f}"
                f"{rate / base_rate:>11.2f}{figures['errors']:>8}"
            )
        self.stdout.write(f"Worker memory after the run: {', '.join(f'{mb} MB' for mb in worker_megabytes)}")
        return rows, base_rate, worker_megabytes

    # -- the data set ---------------------------------------------------------------------------

    def _change(self, *, every: float, seconds: int) -> None:
        """An editor's save every `every` seconds for `seconds`: one line per save with the time and
        the data version it made, read by the freshness poller (devtools/nginx_load.py)."""
        from commitments.models import Commitment
        from commitments.public.cache import data_version

        commitment = Commitment.objects.order_by("pk").first()
        deadline = time.monotonic() + seconds
        n = 0
        while time.monotonic() + every < deadline:
            time.sleep(every)
            n += 1
            commitment.summary = f"{commitment.summary.split(' [edit')[0]} [edit {n}]"
            commitment.save()
            self.stdout.write(json.dumps({"at": time.time(), "version": data_version()}))
            self.stdout.flush()

    def _load(self, commitment_count: int, question_count: int) -> None:
        from commitments.loading import load_shipped_data
        from commitments.models import (
            Commitment,
            Evidence,
            EvidenceState,
            House,
            QuestionEvent,
            QuestionEventKind,
            Status,
            StatusChange,
            Theme,
            WrittenQuestion,
        )
        from commitments.parliament.events import content_hash

        load_shipped_data()  # the real themes, plans, commitments and seeds, then generated ones beside them
        rng = random.Random(7)
        themes = list(Theme.objects.all())
        statuses = list(Status.values)
        Commitment.objects.bulk_create(
            Commitment(
                slug=f"generated-{n}",
                title=f"Generated commitment {n}",
                theme=rng.choice(themes),
                owner=rng.choice(["HMPPS", "MoJ", "Parole Board", "Probation Service"]),
                summary="A generated commitment for the benchmark.",
                status=rng.choice(statuses),
            )
            for n in range(max(0, commitment_count - Commitment.objects.count()))
        )
        commitments = list(Commitment.objects.all())
        StatusChange.objects.bulk_create(
            StatusChange(
                commitment=c,
                from_status="",
                to_status=c.status,
                effective_on=date(2024, 1, 1),
                reason="Generated for the benchmark.",
                origin="import",
            )
            for c in commitments
            if not c.status_changes.exists()
        )
        start = date(2019, 1, 1)
        batch = []
        for n in range(question_count):
            tabled = start + timedelta(days=n % 2500)
            question = WrittenQuestion(
                parliament_id=30_000_000 + n,
                house=House.COMMONS if n % 3 else House.LORDS,
                uin=f"{'HL' if n % 3 == 0 else ''}{700000 + n}",
                date_tabled=tabled,
                date_answered=tabled + timedelta(days=7),
                heading="Prisoners: Imprisonment for Public Protection",
                question_text=f"To ask the Secretary of State for Justice, question {n} about IPP sentences.",
                answer_text="The IPP Action Plan is regularly reviewed. " * 8,
                answer_html_safe="<p>The IPP Action Plan is regularly reviewed.</p>" * 8,
                answering_body="Ministry of Justice",
                answering_body_id=54,
                is_about_ipp=True,
                matched_terms=["IPP"],
            )
            question.content_hash = content_hash(question)
            batch.append(question)
            if len(batch) == 5000:
                WrittenQuestion.objects.bulk_create(batch)
                batch = []
        WrittenQuestion.objects.bulk_create(batch)
        generated = list(
            WrittenQuestion.objects.filter(parliament_id__gte=30_000_000).values_list("pk", flat=True)
        )
        QuestionEvent.objects.bulk_create(
            QuestionEvent(question_id=pk, kind=QuestionEventKind.ANSWERED, content_hash="")
            for pk in generated
        )
        evidence = [
            Evidence(
                commitment=c,
                question_id=rng.choice(generated),
                state=EvidenceState.CONFIRMED,
                excerpt="The IPP Action Plan is regularly reviewed.",
            )
            for c in commitments
            for _ in range(5)
        ]
        Evidence.objects.bulk_create(evidence, ignore_conflicts=True)
        from django.db import connection as db

        with db.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would soon after a bulk load (PostgreSQL 13+)
        busy = max(commitments, key=lambda c: c.evidence.count())
        theme = Theme.objects.get(slug="electronic-monitoring")
        self.stdout.write(
            json.dumps(
                {
                    "healthz": "/healthz",
                    "home": "/",
                    "list, filtered and sorted": (
                        f"/commitments/?theme={theme.slug}&status=in_progress&sort=-title"
                    ),
                    "commitment detail": f"/commitments/{busy.slug}/",
                    "question detail": f"/questions/{generated[len(generated) // 2]}/",
                    "question list": "/questions/?sort=-date_answered",
                }
            )
        )
