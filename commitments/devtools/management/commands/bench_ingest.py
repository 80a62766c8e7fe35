"""Benchmark of the re-check at volume, against the recorded-API server over real HTTP.

Phases run in child processes so each one's peak memory is its own:
- floor: fetch and parse every page (and every detail a cut list item needs), no database work;
- ingest: the same through recheck_answers() into an empty database;
- no-op: a second, incremental re-check with nothing new: HTTP requests and database queries;
- analysis: what workers then do with the answers ingest queued (evidence suggestions and figure
  tables), run one after another in one process. Ingest only queues it, as in production, so the
  ingest phase sends tasks to an in-memory broker instead of running them in-process.
Then the same floor, ingest and no-op for written ministerial statements and for Hansard
contributions, replicated from the research rows (devtools/spoken_bench.py), each against its own
targets; `--kinds` picks which kinds run.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.devtools import spoken_bench
from commitments.devtools.benchmarks import free_port, fresh_database, wait_for
from commitments.devtools.recorded_api import RECORDINGS_DIR, RecordedData
from commitments.devtools.recorded_api.datasets import (
    replicate,
    replicate_contributions,
    replicate_statements,
    write_list_with_full_text,
)
from commitments.ops.schedules import DEFAULT_WATCHED_BODIES, DEFAULT_WATCHED_TERMS
from commitments.parliament.client import ParliamentClient, QuestionSearch

TARGETS = {"ratio": 2.0, "rss_mb": 250, "noop_requests": 3, "noop_queries": 20}


def _peak_rss_mb() -> float:
    """This process's own high-water mark. Not getrusage's ru_maxrss: Linux carries that across
    fork and exec, so a child would report the parent's peak."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _default_searches(since: date) -> list[QuestionSearch]:
    """The searches the default watch makes (one per watched body list, one per IPP term)."""
    bodies = tuple(body for body, _ in DEFAULT_WATCHED_BODIES)
    terms = [term for term, scope in DEFAULT_WATCHED_TERMS if scope == "everywhere"]
    return [QuestionSearch(answering_bodies=bodies, answered_from=since)] + [
        QuestionSearch(search_term=term, answered_from=since) for term in terms
    ]


class Command(BaseCommand):
    help = (
        "Serve N replicated recorded questions (default 10,000, 100 per page), written statements "
        "(default 2,000) and Hansard contributions (default 5,000) from the recorded-API server and "
        "print, per kind, wall time, records/s and peak RSS for the ingest and for its floor (the "
        "same fetching with no database work), their ratio, and the HTTP requests and database "
        "queries of a re-check with nothing new. Uses DATABASE_URL's server with a database of its own."
    )

    def add_arguments(self, parser):
        parser.add_argument("--questions", type=int, default=10_000)
        parser.add_argument("--statements", type=int, default=2_000)
        parser.add_argument("--contributions", type=int, default=5_000)
        parser.add_argument(
            "--kinds",
            default="answers,statements,contributions",
            help="Which kinds to measure, comma-separated (default: %(default)s).",
        )
        parser.add_argument("--page-size", type=int, default=100)
        parser.add_argument(
            "--phase", choices=["floor", "ingest", "noop", "analysis"], help="internal: one child phase"
        )
        parser.add_argument("--kind", default="answers", help="internal: the child phase's kind")
        parser.add_argument("--api", help="internal: the recorded-API URL")

    def handle(self, *args, page_size, phase, api, kind, kinds, **options):
        if phase:
            return self._child(phase, api, page_size, kind)
        wanted = [k.strip() for k in kinds.split(",") if k.strip()]
        unknown = set(wanted) - {"answers", *spoken_bench.KINDS}
        if unknown:
            raise CommandError(f"Unknown kinds: {', '.join(sorted(unknown))}")
        volumes = {k: options["questions" if k == "answers" else k] for k in wanted}
        return self._orchestrate(volumes, page_size)

    # -- the parent ----------------------------------------------------------------------------

    def _orchestrate(self, volumes: dict[str, int], page_size: int) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Run the benchmark on PostgreSQL (set DATABASE_URL), the production shape.")
        bench_db = f"{connection.settings_dict['NAME']}_bench"
        questions = volumes.get("answers", 0)
        with tempfile.TemporaryDirectory() as folder:
            self.stdout.write(f"Writing {questions:,} replicated questions…")
            source = RecordedData.load(RECORDINGS_DIR)
            if questions:
                records = list(replicate(source, count=questions, body_ids={54}))
                write_list_with_full_text(records, Path(folder), "bench")
            else:  # an empty list response: the server needs one file of questions
                (Path(folder) / "bench.list.json").write_text('{"totalResults": 0, "results": []}')
            server_args = []
            for kind, make in (
                ("statements", replicate_statements),
                ("contributions", replicate_contributions),
            ):
                self.stdout.write(f"Writing {volumes.get(kind, 0):,} replicated {kind}…")
                path = Path(folder) / f"{kind}.spoken"  # not *.json: RecordedData reads those
                path.write_text(json.dumps(make(volumes.get(kind, 0))), encoding="utf-8")
                server_args += [f"--{kind}", str(path)]
            port = free_port()
            server = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "fake_parliament_api",
                    "--port",
                    str(port),
                    "--data",
                    folder,
                    *server_args,
                ],
                cwd=settings.BASE_DIR,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                api = f"http://127.0.0.1:{port}"
                wait_for(f"{api}/_fake/stats", what="The recorded-API server")
                database_url = fresh_database(bench_db)
                env = {
                    **os.environ,
                    "DATABASE_URL": database_url,
                    "PARLIAMENT_API_URL": api,
                    "HANSARD_API_URL": api,
                    "PARLIAMENT_API_PAGE_SIZE": str(page_size),
                    "RECHECK_USE_LOCK": "0",  # read only by the test settings
                    "DJANGO_SETTINGS_MODULE": "tracker.settings.test",
                }
                results = {}
                for kind in volumes:
                    phases = ["floor", "ingest", "noop"] + (["analysis"] if kind == "answers" else [])
                    results[kind] = {
                        phase: self._run_child(phase, api, page_size, env, kind) for phase in phases
                    }
            finally:
                server.terminate()
                server.wait(timeout=10)
        met = True
        if "answers" in results:
            met = self._report(questions, page_size, **results["answers"])
        for kind in spoken_bench.KINDS:
            if kind in results:
                rows, kind_met = spoken_bench.report_rows(kind, volumes[kind], **results[kind])
                self._print(rows)
                met = met and kind_met
        self.stdout.write(
            self.style.SUCCESS("All targets met.") if met else self.style.ERROR("A target was missed.")
        )

    def _run_child(self, phase: str, api: str, page_size: int, env: dict, kind: str) -> dict:
        self.stdout.write(f"Running {kind}: {phase}…")
        done = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "bench_ingest",
                "--phase",
                phase,
                "--kind",
                kind,
                "--api",
                api,
                "--page-size",
                str(page_size),
            ],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise CommandError(f"The {kind} {phase} phase failed:\n{done.stderr[-2000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def _print(self, rows: list[tuple[str, str]]) -> None:
        width = max(len(name) for name, _ in rows)
        for name, value in rows:
            self.stdout.write(f"{name:<{width}}  {value}")

    def _report(self, questions, page_size, floor, ingest, noop, analysis) -> bool:
        ratio = ingest["seconds"] / floor["seconds"]
        rows = [
            ("questions served", f"{questions:,} ({-(-questions // page_size)} pages of {page_size})"),
            ("floor: wall time", f"{floor['seconds']:.1f} s"),
            ("floor: questions/s", f"{floor['questions'] / floor['seconds']:.0f}"),
            ("floor: peak RSS", f"{floor['rss_mb']:.0f} MB"),
            ("floor: HTTP requests", f"{floor['requests']:,}"),
            ("ingest: wall time", f"{ingest['seconds']:.1f} s"),
            ("ingest: questions/s", f"{ingest['questions'] / ingest['seconds']:.0f}"),
            ("ingest: peak RSS", f"{ingest['rss_mb']:.0f} MB (target <= {TARGETS['rss_mb']})"),
            (
                "ingest: questions stored",
                f"{ingest['stored']:,}, {ingest['events']:,} events, {ingest['outcome']}",
            ),
            ("ingest / floor", f"{ratio:.2f} (target <= {TARGETS['ratio']})"),
            ("no-op re-check: HTTP requests", f"{noop['requests']} (target <= {TARGETS['noop_requests']})"),
            ("no-op re-check: database queries", f"{noop['queries']} (target <= {TARGETS['noop_queries']})"),
            ("analysis: answers about IPP", f"{analysis['answers']:,}"),
            ("analysis: wall time", f"{analysis['seconds']:.1f} s"),
            ("analysis: answers/s", f"{analysis['answers'] / analysis['seconds']:.0f}"),
            ("analysis: suggestions, tables", f"{analysis['suggested']:,}, {analysis['tables']:,}"),
            ("analysis: peak RSS", f"{analysis['rss_mb']:.0f} MB"),
        ]
        met = (
            ratio <= TARGETS["ratio"]
            and ingest["rss_mb"] <= TARGETS["rss_mb"]
            and noop["requests"] <= TARGETS["noop_requests"]
            and noop["queries"] <= TARGETS["noop_queries"]
        )
        rows.append(("answers: targets", "met" if met else "MISSED"))
        self._print(rows)
        return met

    # -- the children --------------------------------------------------------------------------

    def _child(self, phase: str, api: str, page_size: int, kind: str) -> None:
        from commitments.models import QuestionEvent, WrittenQuestion
        from commitments.parliament.recheck import recheck_answers

        epoch = date.fromisoformat(settings.RECHECK_EPOCH)
        started = time.perf_counter()
        if kind != "answers":
            result = spoken_bench.run_phase(kind, phase, api, page_size)
        elif phase == "floor":
            client = ParliamentClient(api, page_size=page_size)
            seen = set()
            for search in _default_searches(epoch):
                for page in client.iter_pages(search):
                    for item in page.items:
                        if item.id not in seen:
                            seen.add(item.id)
                            client.complete(item)
            result = {"questions": len(seen), "requests": client.stats.requests}
        elif phase == "ingest":
            from tracker.celery import app

            app.conf.task_always_eager = False  # queue the analysis, as a deployed re-check does
            run = recheck_answers(full=True)
            result = {
                "questions": run.questions_created + run.questions_updated + run.questions_unchanged,
                "stored": WrittenQuestion.objects.count(),
                "events": QuestionEvent.objects.count(),
                "outcome": run.outcome,
                "requests": run.requests_made,
            }
        elif phase == "analysis":
            from commitments.loading import load_shipped_data
            from commitments.models import Evidence, FigureTable
            from commitments.tasks import analyse_answer_task

            load_shipped_data()  # the commitments to match against
            started = time.perf_counter()
            answers = list(
                WrittenQuestion.objects.filter(is_about_ipp=True, date_answered__isnull=False).values_list(
                    "pk", flat=True
                )
            )
            for pk in answers:
                analyse_answer_task(pk)  # a direct call runs the task body here, as a worker would
            result = {
                "answers": len(answers),
                "suggested": Evidence.objects.suggested().count(),
                "tables": FigureTable.objects.count(),
            }
        else:
            call_command("check", verbosity=0)  # warm up imports and the connection before counting
            with CaptureQueriesContext(connection) as queries:
                run = recheck_answers()
            result = {"requests": run.requests_made, "queries": len(queries), "outcome": run.outcome}
        result |= {"seconds": time.perf_counter() - started, "rss_mb": _peak_rss_mb()}
        self.stdout.write(json.dumps(result))
