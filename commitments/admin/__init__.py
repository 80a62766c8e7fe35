"""The editors' admin, a module per area: each ModelAdmin is configuration plus actions that call
services. Importing the package registers them all (Django's admin autodiscovery imports it)."""

from . import (  # noqa: F401 - they register their admins
    corrections,
    digests,
    evidence,
    figures,
    numbers,
    parliament,
    plan,
    publications,
    recommendations,
    spoken,
    triage,
)
