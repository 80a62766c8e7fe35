"""The Editors group and exactly the permissions an editor needs.

Used by a data migration (with the historical app registry) and by the test suite's autouse
fixture (with the live one), so both build the same group.
"""

from __future__ import annotations

EDITORS_GROUP = "Editors"

# (app_label, codename). Editors curate commitments and evidence and record status changes; the
# history itself (status changes, question events) is add/view only, never change or delete.
EDITOR_PERMISSIONS: tuple[tuple[str, str], ...] = (
    *(
        ("commitments", f"{action}_{model}")
        for model in (
            "actionplan",
            "theme",
            "commitment",
            "evidence",
            "figuretable",
            "figurerow",
            "figurecolumn",
            "figurecell",
        )
        for action in ("view", "add", "change")
    ),
    ("commitments", "view_writtenquestion"),
    ("commitments", "change_writtenquestion"),
    ("commitments", "view_statuschange"),
    ("commitments", "add_statuschange"),
    ("commitments", "view_questionevent"),
    *(
        ("commitments", f"view_historical{model}")
        for model in (
            "actionplan",
            "theme",
            "commitment",
            "evidence",
            "figuretable",
            "figurerow",
            "figurecolumn",
        )
    ),
)


def sync_editors_group(apps) -> None:
    """Create or reset the Editors group to exactly EDITOR_PERMISSIONS."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    wanted = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in EDITOR_PERMISSIONS
    ]
    group.permissions.set(wanted)
