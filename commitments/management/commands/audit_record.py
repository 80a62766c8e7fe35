from django.core.management.base import BaseCommand, CommandError

from commitments.integrity import audit_record
from commitments.models import SourceBasis


class Command(BaseCommand):
    help = (
        "Check the public record's integrity (the same audit as the nightly task): count what each "
        "published commitment's current status rests on (an official source, a secondary source with "
        "the reason shown, or nothing), then list every warning, with the known exceptions in "
        "fixtures/record_exceptions.json listed apart with their reasons. With --strict, exits 1 "
        "when any warning is not a known exception."
    )

    def add_arguments(self, parser):
        parser.add_argument("--strict", action="store_true", help="Fail on any warning not accepted.")

    def handle(self, *args, strict, **options):
        report = audit_record()
        self.stdout.write("What the current statuses rest on:")
        for basis in SourceBasis:
            self.stdout.write(f"  {basis.label}: {report.bases[basis]}")
        for warning, reason in report.accepted:
            self.stdout.write(f"Known exception, {warning.commitment_slug} ({warning.check}): {reason}")
        for warning in report.open_warnings:
            self.stdout.write(
                self.style.WARNING(f"{warning.commitment_slug} ({warning.check}): {warning.message}")
            )
        open_count = len(report.open_warnings)
        summary = f"{open_count} warning(s) to act on, {len(report.accepted)} known exception(s)."
        if strict and open_count:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary) if not open_count else summary)
