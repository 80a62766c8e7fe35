"""Install what the re-check watches by default, and the beat schedules (commitments/ops/schedules.py)."""

from django.db import migrations

from commitments.ops.roles import create_all_permissions, sync_editors_group
from commitments.ops.schedules import install_periodic_tasks, install_watch_defaults, remove_defaults


def install(apps, schema_editor):
    install_watch_defaults(apps)
    install_periodic_tasks(apps)
    create_all_permissions(apps)
    sync_editors_group(apps)  # editors now also curate watched terms and bodies


def uninstall(apps, schema_editor):
    remove_defaults(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0003_recheck_and_watch"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
