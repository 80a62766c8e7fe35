"""Celery wired for real: worker processes on the Redis broker run tasks against PostgreSQL."""

import contextlib
import os
import subprocess
import sys
import uuid
from datetime import date
from urllib.parse import urlparse, urlunparse

import pytest
from django.conf import settings
from django.db import connection

from commitments.editorial import record_status_change
from commitments.models import Commitment, QuestionEvent, RecheckRun, WrittenQuestion
from commitments.parliament.recheck import recheck_answers
from commitments.tasks import recheck_answers_task, verify_status_history_task
from tracker.celery import app as celery_app

from .factories import CommitmentFactory
from .parliament import client_for, start_server

pytestmark = pytest.mark.processes


@contextlib.contextmanager
def workers(count: int = 1, **env):
    """`count` real `celery worker` processes on a private queue, pointed at this test database."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    database_url = urlparse(os.environ["DATABASE_URL"])._replace(path=f"/{connection.settings_dict['NAME']}")
    environment = {
        **os.environ,
        "DATABASE_URL": urlunparse(database_url),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        **{key: str(value) for key, value in env.items()},
    }
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tracker",
                "worker",
                "--pool=solo",
                "--queues",
                queue,
                "--hostname",
                f"{queue}-{n}@%h",
                "--loglevel=INFO",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in range(count)
    ]
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield queue, processes
    finally:
        celery_app.conf.task_always_eager = eager
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def test_real_worker_runs_a_task_through_redis_against_postgres(transactional_db):
    healthy = CommitmentFactory()
    record_status_change(healthy, to="delivered", reason="Done", effective_on=date(2024, 1, 1))
    broken = CommitmentFactory()
    record_status_change(broken, to="delivered", reason="Done", effective_on=date(2024, 1, 1))
    Commitment.objects.filter(pk=broken.pk).update(status="delayed")  # behind the service's back

    with workers(1) as (queue, (worker,)):
        result = verify_status_history_task.apply_async(queue=queue)
        assert result.get(timeout=90) == [broken.slug]
        worker.terminate()
        log = worker.communicate(timeout=20)[0]
    assert result.successful()
    assert f"Task commitments.tasks.verify_status_history_task[{result.id}] succeeded" in log


def _state():
    return (
        sorted(WrittenQuestion.objects.values_list("parliament_id", "content_hash")),
        sorted(QuestionEvent.objects.values_list("question__parliament_id", "kind", "content_hash")),
    )


@pytest.mark.parametrize("use_lock", [True, False], ids=["with-the-lock", "constraints-only"])
def test_two_rechecks_at_once_on_two_workers_leave_the_state_of_one(transactional_db, use_lock):
    server = start_server()
    try:
        with workers(
            2,
            PARLIAMENT_API_URL=server.url,
            PARLIAMENT_API_PAGE_SIZE=5,
            PARLIAMENT_API_BACKOFF=0.01,
            RECHECK_USE_LOCK=int(use_lock),
        ) as (queue, _):
            results = [recheck_answers_task.apply_async(queue=queue) for _ in range(2)]
            run_ids = [result.get(timeout=120) for result in results]
        runs = list(RecheckRun.objects.filter(pk__in=run_ids))
        assert len(runs) == 2
        assert {run.outcome for run in runs} <= {"succeeded", "skipped"}
        concurrent = _state()
        # One more run in this process finds nothing to do: the two left exactly one run's state.
        again = recheck_answers(client=client_for(server))
    finally:
        server.stop()
    assert (again.questions_created, again.questions_updated, again.events_created) == (0, 0, 0)
    assert _state() == concurrent
    assert (
        len(concurrent[0]) == len({pid for pid, _ in concurrent[0]}) == sum(r.questions_created for r in runs)
    )


def test_a_beat_schedule_row_saved_before_the_move_still_runs_its_task(transactional_db):
    """django-celery-beat keeps schedules in the database by task name: a row saved when the task
    lived in the flat module must reach the same task through beat's own scheduler and a worker."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    healthy = CommitmentFactory()
    record_status_change(healthy, to="delivered", reason="Done", effective_on=date(2024, 1, 1))
    broken = CommitmentFactory()
    record_status_change(broken, to="delivered", reason="Done", effective_on=date(2024, 1, 1))
    Commitment.objects.filter(pk=broken.pk).update(status="delayed")  # behind the service's back

    with workers(1) as (queue, _):
        row, _ = PeriodicTask.objects.update_or_create(
            name="Audit cached statuses against history",
            defaults={
                "task": "commitments.tasks.verify_status_history_task",  # as saved before the move
                "interval": IntervalSchedule.objects.get_or_create(every=24 * 60, period="minutes")[0],
                "queue": queue,
            },
        )
        scheduler = DatabaseScheduler(app=celery_app, lazy=True)
        result = scheduler.apply_async(scheduler.Entry(row, app=celery_app), advance=False)
        assert result.get(timeout=90) == [broken.slug]


def test_every_beat_schedule_row_names_a_registered_task(db):
    from django_celery_beat.models import PeriodicTask

    names = set(PeriodicTask.objects.values_list("task", flat=True))
    assert names == {
        "commitments.tasks.recheck_answers_task",
        "commitments.tasks.recheck_pending_task",
        "commitments.tasks.recheck_statements_task",
        "commitments.tasks.recheck_contributions_task",
        "commitments.tasks.recheck_publications_task",
        "commitments.tasks.verify_status_history_task",
        "commitments.tasks.audit_record_task",
        "commitments.tasks.send_digests_task",
        "commitments.tasks.alert_passed_deadlines_task",
        "commitments.tasks.send_editors_email_task",
    }
    assert names <= set(celery_app.tasks)
