"""Create the Editors group with exactly the permissions an editor needs (commitments/ops/roles.py)."""

from django.db import migrations

from commitments.ops.roles import EDITORS_GROUP, create_all_permissions, sync_editors_group


def add_editors_group(apps, schema_editor):
    create_all_permissions(apps)
    sync_editors_group(apps)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("commitments", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_editors_group, remove_editors_group)]
