import contextlib
import logging
import os
from collections import Counter

from celery.signals import task_failure, task_success
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from commitments.devtools.recorded_api import RECORDINGS_DIR, FakeParliamentServer, RecordedData
from commitments.loading.spoken import apply_spoken_research, suggest_labelled_evidence
from commitments.management.commands.recheck_answers import run_summary
from commitments.parliament.recheck import recheck_answers
from commitments.parliament.spoken_recheck import recheck_contributions, recheck_statements


@contextlib.contextmanager
def tasks_summarised():
    """Celery logs a line per task it runs in-process; count them instead (failures still log), and
    yield the summary's builder: one line such as "Tasks run in-process: 14 analyse_answer_task"."""
    outcomes: Counter[tuple[str, str]] = Counter()

    def succeeded(sender=None, **kwargs):
        outcomes[sender.name.rpartition(".")[2], "succeeded"] += 1

    def failed(sender=None, **kwargs):
        outcomes[sender.name.rpartition(".")[2], "failed"] += 1

    def summary() -> str:
        if not outcomes:
            return "Tasks run in-process: none."
        parts = [
            f"{count} {name}" + (" FAILED" if outcome == "failed" else "")
            for (name, outcome), count in sorted(outcomes.items())
        ]
        return "Tasks run in-process: " + ", ".join(parts) + "."

    trace_logger = logging.getLogger("celery.app.trace")
    level = trace_logger.level
    trace_logger.setLevel(logging.WARNING)
    task_success.connect(succeeded, weak=False)
    task_failure.connect(failed, weak=False)
    try:
        yield summary
    finally:
        task_success.disconnect(succeeded)
        task_failure.disconnect(failed)
        trace_logger.setLevel(level)


class Command(BaseCommand):
    help = (
        "The demo: start the recorded-API server on loopback (Parliament cannot be reached from here), "
        "point PARLIAMENT_API_URL at it, re-check it so answers arrive through the real client, then "
        "serve the site (like runserver, without autoreload)."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="Where to serve the site.")
        parser.add_argument("--api-port", type=int, default=8765, help="Port for the recorded API (0 = any).")
        parser.add_argument("--data", default=str(RECORDINGS_DIR), help="Recorded data folder.")

    def handle(self, *args, addrport, api_port, data, **options):
        recorded = RecordedData.load(data)
        try:
            server = FakeParliamentServer(recorded, port=api_port).start()
        except OSError:
            server = FakeParliamentServer(recorded, port=0).start()
        settings.PARLIAMENT_API_URL = os.environ["PARLIAMENT_API_URL"] = server.url
        settings.HANSARD_API_URL = os.environ["HANSARD_API_URL"] = server.url
        stats = server.state.stats()
        self.stdout.write(
            f"Recorded Parliament API: {server.url} ({stats['questions']} questions, "
            f"{stats['statements']} written statements, {stats['contributions']} Hansard contributions)"
        )
        with tasks_summarised() as tasks_summary:
            for recheck in (recheck_answers, recheck_statements, recheck_contributions):
                run = recheck()
                self.stdout.write(f"{run.get_kind_display()}: {run_summary(run)}")
            apply_spoken_research()  # where each research copy was read, and whether it stopped short
            suggested = suggest_labelled_evidence()
        self.stdout.write(
            f"Research labels of statements and contributions: {suggested} more suggestion(s) to review."
        )
        self.stdout.write(tasks_summary())
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            server.stop()
