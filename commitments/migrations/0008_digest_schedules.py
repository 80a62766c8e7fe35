"""Install the daily and weekly digest schedules (commitments/ops/schedules.py)."""

from django.db import migrations

from commitments.ops.schedules import install_digest_schedules, remove_digest_schedules


def install(apps, schema_editor):
    install_digest_schedules(apps)


def uninstall(apps, schema_editor):
    remove_digest_schedules(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0007_digests"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
