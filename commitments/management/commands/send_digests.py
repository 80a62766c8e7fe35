from django.core.management.base import BaseCommand
from tqdm import tqdm

from commitments import digests
from commitments.models import DigestFrequency


class Command(BaseCommand):
    help = (
        "Send the email digests (or as-it-happens alerts) of one frequency now: the same work as the "
        "scheduled task. Plans the period that ended most recently (yesterday, last week Monday to "
        "Monday, London time, or for alerts the last five minutes) once, "
        "then sends every pending delivery of that frequency, including any a crashed run left; a digest "
        "already sent is never sent again. With --dry-run, only says what would be sent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            choices=DigestFrequency.values,
            required=True,
            help="as_it_happens (alerts), daily or weekly.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Write and send nothing; report only.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, frequency, dry_run, no_progress, **options):
        if dry_run:
            self._dry_run(frequency)
            return
        bar = tqdm(
            unit=" emails",
            disable=no_progress or options["verbosity"] == 0,
            file=self.stderr,
        )
        report = digests.send_digests(frequency=frequency, progress=bar.update)
        bar.close()
        style = self.style.WARNING if report.interrupted or report.failed else self.style.SUCCESS
        self.stdout.write(style(report.summary()))

    def _dry_run(self, frequency: str) -> None:
        plan = digests.plan_preview(frequency)
        period = plan["period"]
        self.stdout.write(f"Period: {period.starts_at:%d/%m/%Y %H:%M} to {period.ends_at:%d/%m/%Y %H:%M}.")
        if plan["already_planned"]:
            self.stdout.write("Already planned by an earlier run.")
        else:
            content = plan["content"]
            self.stdout.write(
                f"Would plan {plan['new_recipients']} digest(s): {len(content.status_changes)} status "
                f"change(s), {len(content.evidence)} new evidence, {len(content.answers)} new answer(s)."
            )
        self.stdout.write(f"Pending from earlier runs: {plan['pending']}. Dry run: nothing written or sent.")
