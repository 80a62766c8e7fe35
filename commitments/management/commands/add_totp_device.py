from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Give a staff user a TOTP device for the two-factor admin login and print the otpauth:// "
        "address to add to an authenticator app (it is shown once; keep it secret)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="authenticator app", help="What to call the device.")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called {username!r}.")
        if not user.is_staff:
            raise CommandError(f"{username} is not staff: only staff log in to the admin.")
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        self.stdout.write(f"Added {name!r} for {username}. Add this to the app, then keep it secret:")
        self.stdout.write(device.config_url)
