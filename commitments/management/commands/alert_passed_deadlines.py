from django.core.management.base import BaseCommand

from commitments.digests.deadlines import alert_passed_deadlines


class Command(BaseCommand):
    help = (
        "Email each follower of a commitment once when one of its promised dates has passed with nothing "
        "delivered: the same work as the hourly scheduled task. An alert already sent is never sent again."
    )

    def handle(self, *args, **options):
        report = alert_passed_deadlines()
        style = self.style.WARNING if report.failed else self.style.SUCCESS
        self.stdout.write(
            style(f"Planned {report.planned}, sent {report.sent}, failed {len(report.failed)}.")
        )
