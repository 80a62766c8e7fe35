"""Install the hourly check for promised dates that passed undelivered (commitments/ops/schedules.py),
and let editors curate indicators, their points, statutory duties and deadlines (ops/roles.py)."""

from django.db import migrations

from commitments.ops.roles import create_all_permissions, sync_editors_group
from commitments.ops.schedules import install_periodic_tasks

TASK_NAME = "Alert followers when a promised date passes"


def install(apps, schema_editor):
    install_periodic_tasks(apps)  # get_or_create: only the new schedule is added
    create_all_permissions(apps)
    sync_editors_group(apps)


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0025_indicators_and_deadlines"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, remove)]
