from django.core.management.base import BaseCommand

from commitments.opendata.builds import build_exports


class Command(BaseCommand):
    help = (
        "Build the whole exports (the dataset zip and the unfiltered CSVs) for the current data "
        "version, as the Celery task build_exports_task does after a data change: files already built "
        "are kept, half-written .partial files a killed builder left are removed, and older versions' "
        "files are deleted. Returns at once when another builder holds the lock (it builds what is "
        "queued when it is done)."
    )

    def handle(self, *args, **options):
        report = build_exports()
        if report.busy:
            self.stdout.write("Another builder is at work; it builds the current version when done.")
            return
        built = ", ".join(report.built) or "nothing (all built already)"
        self.stdout.write(f"Data version {report.version}: built {built}.")
        if report.partials_removed:
            self.stdout.write(f"Removed {report.partials_removed} partial file(s) a killed builder left.")
