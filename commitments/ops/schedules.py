"""What is watched by default and when the scheduled tasks run: constants shared by the data
migration that installs them and by the test suite that recreates them after a flush.

Migrations import this module, so it imports nothing of the app: the frequencies are
DigestFrequency's values, written out, and the task names are the pinned names in tasks.py."""

from __future__ import annotations

import json

DEFAULT_WATCHED_TERMS = (
    ("imprisonment for public protection", "everywhere"),
    ("IPP", "everywhere"),
)
DEFAULT_WATCHED_BODIES = ((54, "Ministry of Justice"),)

# name -> (task, every N minutes). Editable afterwards in the admin (django-celery-beat).
PERIODIC_TASKS = {
    "Re-check Parliament for new and changed answers": ("commitments.tasks.recheck_answers_task", 60),
    "Re-check pending questions and corrections": ("commitments.tasks.recheck_pending_task", 6 * 60),
    "Re-check written ministerial statements": ("commitments.tasks.recheck_statements_task", 60),
    "Re-check Hansard contributions": ("commitments.tasks.recheck_contributions_task", 6 * 60),
    "Re-check GOV.UK publications": ("commitments.tasks.recheck_publications_task", 6 * 60),
    "Audit cached statuses against history": ("commitments.tasks.verify_status_history_task", 24 * 60),
    "Audit the record's integrity": ("commitments.tasks.audit_record_task", 24 * 60),
    # Hourly, though a date passes once a day: a missed run costs an hour, not a day. Each follower
    # hears once per deadline whatever the number of runs (digests/deadlines.py).
    "Alert followers when a promised date passes": ("commitments.tasks.alert_passed_deadlines_task", 60),
}


# As-it-happens alerts cover windows of this many minutes, sent by a run every this many minutes.
ALERT_MINUTES = 5

# name -> (task, frequency, crontab fields). Digests go out in the morning, London time, once the
# day (or the week, Monday to Monday) they cover has ended; alerts every ALERT_MINUTES.
DIGEST_TASKS = {
    "Send as-it-happens alerts": (
        "commitments.tasks.send_digests_task",
        "as_it_happens",
        {"minute": f"*/{ALERT_MINUTES}", "hour": "*", "day_of_week": "*"},
    ),
    "Send daily digests": (
        "commitments.tasks.send_digests_task",
        "daily",
        {"minute": "0", "hour": "7", "day_of_week": "*"},
    ),
    "Send weekly digests": (
        "commitments.tasks.send_digests_task",
        "weekly",
        {"minute": "0", "hour": "7", "day_of_week": "1"},
    ),
}

# The editors' morning email (digests/editors.py): what needs them, every day at 07:30 London time.
EDITORS_EMAIL_TASK = "Email editors what needs them"
EDITORS_EMAIL = (
    "commitments.tasks.send_editors_email_task",
    {"minute": "30", "hour": "7", "day_of_week": "*"},
)


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


def install_digest_schedules(apps) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, frequency, fields) in DIGEST_TASKS.items():
        schedule, _ = CrontabSchedule.objects.get_or_create(
            **fields, day_of_month="*", month_of_year="*", timezone="Europe/London"
        )
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": schedule, "args": json.dumps([frequency])}
        )


def install_editors_email(apps) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    task, fields = EDITORS_EMAIL
    schedule, _ = CrontabSchedule.objects.get_or_create(
        **fields, day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.get_or_create(name=EDITORS_EMAIL_TASK, defaults={"task": task, "crontab": schedule})


def remove_editors_email(apps) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=EDITORS_EMAIL_TASK).delete()


def remove_digest_schedules(apps) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=DIGEST_TASKS).delete()


def remove_defaults(apps) -> None:
    remove_digest_schedules(apps)
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=PERIODIC_TASKS).delete()
    apps.get_model("commitments", "WatchedTerm").objects.filter(
        term__in=[term for term, _ in DEFAULT_WATCHED_TERMS]
    ).delete()
    apps.get_model("commitments", "WatchedBody").objects.filter(
        answering_body_id__in=[body for body, _ in DEFAULT_WATCHED_BODIES]
    ).delete()
