from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = "IPP Action Plan commitments"

    def ready(self) -> None:
        from .public_cache import connect_signals

        connect_signals()
