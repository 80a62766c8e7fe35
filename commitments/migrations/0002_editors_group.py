"""Create the Editors group with exactly the permissions an editor needs (commitments/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from commitments.roles import EDITORS_GROUP, sync_editors_group


def add_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make them now so the group can use them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
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
