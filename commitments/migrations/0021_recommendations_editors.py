from django.db import migrations

from commitments.ops.roles import create_all_permissions, sync_editors_group


def grant_recommendations(apps, schema_editor):
    """Editors curate outside recommendations and what became of them, as they curate commitments."""
    create_all_permissions(apps)
    sync_editors_group(apps)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0020_rejected_recommendations_are_not_promises")]

    operations = [migrations.RunPython(grant_recommendations, migrations.RunPython.noop)]
