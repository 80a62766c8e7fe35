"""The Editors group and exactly the permissions an editor needs.

Used by a data migration (with the historical app registry) and by the test suite's autouse
fixture (with the live one), so both build the same group.
"""

from __future__ import annotations

EDITORS_GROUP = "Editors"

# What editors curate, each with django-simple-history's record of its edits.
CURATED_MODELS = (
    "actionplan",
    "theme",
    "commitment",
    "evidence",
    "figuretable",
    "figurerow",
    "figurecolumn",
    "figurecell",
    "watchedterm",
    "watchedbody",
    "promisewording",
    "sourcecopy",
    "recommendation",
    "recommendationdevelopment",
    "indicator",
    "indicatorpoint",
    "statutoryduty",
    "deadline",
)

# (app_label, codename). Editors curate commitments and evidence and record status changes; the
# history itself (status changes, question events) is add/view only, never change or delete.
EDITOR_PERMISSIONS: tuple[tuple[str, str], ...] = (
    *(
        ("commitments", f"{action}_{model}")
        for model in CURATED_MODELS
        for action in ("view", "add", "change")
    ),
    # The review queue is evidence seen through a proxy model, with permissions of its own.
    ("commitments", "view_evidencesuggestion"),
    ("commitments", "change_evidencesuggestion"),
    # The triage screen is answers seen through a proxy model: editors record triage decisions.
    ("commitments", "view_answertotriage"),
    ("commitments", "change_answertotriage"),
    # Questions, their events and re-check runs come from Parliament: read-only to editors.
    ("commitments", "view_writtenquestion"),
    ("commitments", "view_questionevent"),
    ("commitments", "view_recheckrun"),
    ("commitments", "view_writtenstatement"),
    ("commitments", "view_hansardcontribution"),
    ("commitments", "view_sourceevent"),
    ("commitments", "view_publication"),
    # Publications come from GOV.UK; editors change only the passages they paste from attachments.
    ("commitments", "change_publication"),
    ("commitments", "view_statuschange"),
    ("commitments", "add_statuschange"),
    # Readers' suggested corrections: read and decided on (state, note), never added or deleted.
    ("commitments", "view_correction"),
    ("commitments", "change_correction"),
    *(("commitments", f"view_historical{model}") for model in CURATED_MODELS),
)


def create_all_permissions(apps) -> None:
    """Permissions are normally created after all migrations; a data migration that grants them
    must create them first."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def sync_editors_group(apps) -> None:
    """Create or reset the Editors group to exactly EDITOR_PERMISSIONS.

    An early migration runs this before later models exist; it grants what exists then, and each
    migration that adds editor models runs it again (a test checks the final set is exact).
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    wanted = set(EDITOR_PERMISSIONS)
    group.permissions.set(
        permission
        for permission in Permission.objects.filter(codename__in={code for _, code in wanted}).select_related(
            "content_type"
        )
        if (permission.content_type.app_label, permission.codename) in wanted
    )
