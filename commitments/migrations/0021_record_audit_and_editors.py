"""Install the nightly audit of the record's integrity (commitments/ops/schedules.py), and let
editors curate promise wordings, source copies and recommendations (commitments/ops/roles.py)."""

from django.db import migrations

from commitments.ops.roles import create_all_permissions, sync_editors_group
from commitments.ops.schedules import install_periodic_tasks


def install(apps, schema_editor):
    install_periodic_tasks(apps)  # get_or_create: only the new schedule is added
    create_all_permissions(apps)
    sync_editors_group(apps)


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="Audit the record's integrity").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0020_rejected_recommendations_are_not_promises"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, remove)]
