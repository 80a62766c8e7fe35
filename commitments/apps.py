from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = "IPP Action Plan commitments"

    def ready(self) -> None:
        from . import tasks  # noqa: F401 - connects the receiver that queues each answer's analysis
        from .public.cache import connect_signals

        connect_signals()
