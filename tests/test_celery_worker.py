"""Celery wired for real: a worker process on the Redis broker runs a task against PostgreSQL."""

import os
import subprocess
import sys
import uuid
from datetime import date
from urllib.parse import urlparse, urlunparse

import pytest
from django.conf import settings
from django.db import connection

from commitments.models import Commitment
from commitments.services import record_status_change
from commitments.tasks import verify_status_history_task
from tracker.celery import app as celery_app

from .factories import CommitmentFactory


@pytest.fixture
def worker_queue(transactional_db):
    """Start `celery worker` on a private queue, pointed at this test database."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    database_url = urlparse(os.environ["DATABASE_URL"])._replace(path=f"/{connection.settings_dict['NAME']}")
    env = {**os.environ, "DATABASE_URL": urlunparse(database_url), "CELERY_TASK_ALWAYS_EAGER": "0"}
    worker = subprocess.Popen(
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
            f"{queue}@%h",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield queue, worker
    finally:
        celery_app.conf.task_always_eager = eager
        worker.terminate()
        worker.wait(timeout=20)


def test_real_worker_runs_a_task_through_redis_against_postgres(worker_queue):
    queue, worker = worker_queue
    healthy = CommitmentFactory()
    record_status_change(healthy, to="delivered", reason="Done", effective_on=date(2024, 1, 1))
    broken = CommitmentFactory()
    record_status_change(broken, to="delivered", reason="Done", effective_on=date(2024, 1, 1))
    Commitment.objects.filter(pk=broken.pk).update(status="delayed")  # behind the service's back

    result = verify_status_history_task.apply_async(queue=queue)

    assert result.get(timeout=90) == [broken.slug]
    assert result.successful()
    worker.terminate()
    log = worker.communicate(timeout=20)[0]
    assert f"Task commitments.tasks.verify_status_history_task[{result.id}] succeeded" in log
