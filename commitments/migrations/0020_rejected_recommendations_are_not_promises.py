"""The three Justice Committee recommendations the government rejected were shipped as
"discontinued" commitments. They were never promised: take them off the public pages (their
history stays, append-only); load_demo brings them back as recommendations."""

from django.db import migrations

REJECTED_RECOMMENDATIONS = (
    "resentencing-rejected",
    "licence-period-five-years-rejected",
    "recall-oral-hearings-rejected",
)


def unpublish(apps, schema_editor):
    Commitment = apps.get_model("commitments", "Commitment")
    Commitment.objects.filter(slug__in=REJECTED_RECOMMENDATIONS).update(is_published=False)


def republish(apps, schema_editor):
    Commitment = apps.get_model("commitments", "Commitment")
    Commitment.objects.filter(slug__in=REJECTED_RECOMMENDATIONS).update(is_published=True)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0019_official_record")]

    operations = [migrations.RunPython(unpublish, republish)]
