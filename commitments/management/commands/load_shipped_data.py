from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from commitments.loading import FIXTURES_DIR, load_shipped_data


class Command(BaseCommand):
    help = (
        "Load the data that ships in fixtures/: action plans, themes, commitments and their "
        "initial statuses, the seed answers, the labelled research answers, confirmed evidence and "
        "the progression-panels figure table. Safe to run again: it creates only what is missing "
        "and never overwrites editors' changes. With TRACKER_DEMO=1 it also creates the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures-dir", default=str(FIXTURES_DIR), help="Folder to load from (default: %(default)s)."
        )

    def handle(self, *args, fixtures_dir, **options):
        report = load_shipped_data(fixtures_dir=Path(fixtures_dir), demo_users=settings.DEMO_MODE)
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if options["verbosity"] > 1:
            for line in report.skipped:
                self.stdout.write(f"  skipped: {line}")
        elif report.skipped:
            self.stdout.write(f"Skipped {len(report.skipped)} records (use -v 2 to list them).")
        if settings.DEMO_MODE:
            self.stdout.write("Demo logins: editor / ipp-demo-editor, admin / ipp-demo-admin")
