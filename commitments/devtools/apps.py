from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Installed by the development and test settings only, so its management commands (the demo,
    the recorded-API server, the benchmarks, the matcher's evaluation) never reach production."""

    name = "commitments.devtools"
    label = "devtools"
    verbose_name = "Development tools"
