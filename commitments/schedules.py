"""What is watched by default and when the scheduled tasks run: constants shared by the data
migration that installs them and by the test suite that recreates them after a flush."""

from __future__ import annotations

DEFAULT_WATCHED_TERMS = (
    ("imprisonment for public protection", "everywhere"),
    ("IPP", "everywhere"),
)
DEFAULT_WATCHED_BODIES = ((54, "Ministry of Justice"),)

# name -> (task, every N minutes). Editable afterwards in the admin (django-celery-beat).
PERIODIC_TASKS = {
    "Re-check Parliament for new and changed answers": ("commitments.tasks.recheck_answers_task", 60),
    "Re-check pending questions and corrections": ("commitments.tasks.recheck_pending_task", 6 * 60),
    "Audit cached statuses against history": ("commitments.tasks.verify_status_history_task", 24 * 60),
}


def install_watch_defaults(apps) -> None:
    WatchedTerm = apps.get_model("commitments", "WatchedTerm")
    WatchedBody = apps.get_model("commitments", "WatchedBody")
    for term, scope in DEFAULT_WATCHED_TERMS:
        WatchedTerm.objects.get_or_create(term=term, defaults={"scope": scope})
    for body_id, name in DEFAULT_WATCHED_BODIES:
        WatchedBody.objects.get_or_create(answering_body_id=body_id, defaults={"name": name})


def install_periodic_tasks(apps) -> None:
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, minutes) in PERIODIC_TASKS.items():
        schedule, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": schedule})


def remove_defaults(apps) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=PERIODIC_TASKS).delete()
    apps.get_model("commitments", "WatchedTerm").objects.filter(
        term__in=[term for term, _ in DEFAULT_WATCHED_TERMS]
    ).delete()
    apps.get_model("commitments", "WatchedBody").objects.filter(
        answering_body_id__in=[body for body, _ in DEFAULT_WATCHED_BODIES]
    ).delete()
