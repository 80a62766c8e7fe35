from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from commitments.models import RecheckRun
from commitments.parliament.govuk_recheck import recheck_publications
from commitments.parliament.recheck import recheck_answers, recheck_pending
from commitments.parliament.spoken_recheck import recheck_contributions, recheck_statements


def run_summary(run: RecheckRun) -> str:
    seconds = run.duration.total_seconds() if run.duration else 0
    window = f"window from {run.window_from:%d/%m/%Y}" if run.window_from else "every watched page"
    return (
        f"Re-check {run.outcome}: {window}, {run.pages_fetched} pages, "
        f"{run.requests_made} requests, {run.questions_created} created, {run.questions_updated} updated, "
        f"{run.questions_unchanged} unchanged, {run.events_created} events, {len(run.errors)} errors, "
        f"{len(run.failed_records)} records not stored, in {seconds:.1f}s."
    )


class Command(BaseCommand):
    help = (
        "Re-check Parliament's Written Questions API for new and changed answers (the same work as the "
        "scheduled task), from the last successful run minus an overlap, or from --since, or --full. "
        "With --pending, re-check tabled questions, holding answers and corrections instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", type=date.fromisoformat, help="Start of the window, YYYY-MM-DD.")
        parser.add_argument(
            "--full",
            action="store_true",
            help="From RECHECK_EPOCH, ignoring earlier runs, re-reading every question in full.",
        )
        parser.add_argument("--pending", action="store_true", help="Pending questions and corrections.")
        parser.add_argument(
            "--statements", action="store_true", help="Written ministerial statements instead."
        )
        parser.add_argument("--hansard", action="store_true", help="Hansard contributions instead.")
        parser.add_argument(
            "--publications", action="store_true", help="The watched GOV.UK publications instead."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, since, full, pending, statements, hansard, publications, no_progress, **options):
        if sum((pending, statements, hansard, publications)) > 1:
            raise CommandError("Choose one of --pending, --statements, --hansard and --publications.")
        if pending and full:
            raise CommandError("--full applies to new answers, not to --pending.")
        bar = tqdm(unit=" pages", disable=no_progress or options["verbosity"] == 0, file=self.stderr)

        def progress(run: RecheckRun) -> None:
            bar.update(run.pages_fetched - bar.n)
            bar.set_postfix(created=run.questions_created, updated=run.questions_updated)

        if pending:
            run = recheck_pending(since=since, progress=progress)
        elif publications:
            run = recheck_publications(deep=full, progress=progress)
        elif statements or hansard:
            recheck = recheck_statements if statements else recheck_contributions
            run = recheck(since=since, full=full, deep=full, progress=progress)
        else:
            run = recheck_answers(since=since, full=full, deep=full, progress=progress)
        bar.close()
        style = self.style.SUCCESS if run.outcome == RecheckRun.Outcome.SUCCEEDED else self.style.WARNING
        self.stdout.write(style(run_summary(run)))
        for error in run.errors[:20]:
            self.stdout.write(f"  error: {error}")
        for failure in run.failed_records[:20]:
            key = " ".join(filter(None, [failure["house"], failure["uin"]]))
            which = f"record {failure['id']} ({key})"
            self.stdout.write(f"  not stored: {which}: {failure['reason']}")
        if run.outcome == RecheckRun.Outcome.FAILED:
            raise CommandError("The re-check failed; see the error above. Nothing half-written was kept.")
