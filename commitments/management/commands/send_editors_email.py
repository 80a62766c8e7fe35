from django.core.management.base import BaseCommand

from commitments.digests.editors import send_editors_email


class Command(BaseCommand):
    help = (
        "Email each editor what needs them (answers waiting, corrections, record checks, promised dates): "
        "the same work as the daily scheduled task. An editor already emailed today is not emailed again."
    )

    def handle(self, *args, **options):
        self.stdout.write(self.style.SUCCESS(f"Sent {send_editors_email()} editors' email(s)."))
