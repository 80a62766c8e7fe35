"""Whole exports are built off the request, by a Celery task queued on data change or by hand;
requests only serve what is built (commitments/opendata/builds.py, snapshots.py)."""

import contextlib
import csv
import io
import os
import time
import zipfile

import pytest
from celery.signals import before_task_publish
from django.core.management import call_command, load_command_class

from commitments.models import Commitment
from commitments.opendata.builds import build_exports
from commitments.public.cache import data_version
from tracker.celery import app as celery_app

from .factories import CommitmentFactory
from .test_celery_worker import workers

ZIP = "/exports/ipp-tracker-data.zip"
BUILD_TASK = "commitments.tasks.build_exports_task"


@pytest.fixture
def deployed_celery():
    """Celery as deployed: tasks are sent to the suite's Redis, where no worker takes them (unless a
    test starts one). Yields the names of the tasks published."""
    published: list[str] = []

    def record(sender=None, **kwargs):
        published.append(sender)

    before_task_publish.connect(record, weak=False)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield published
    finally:
        celery_app.conf.task_always_eager = eager
        before_task_publish.disconnect(record)
        celery_app.control.purge()  # this run's own queue: nothing left for a later test's worker


def _built(exports_dir) -> list[str]:
    if not exports_dir.exists():
        return []
    return sorted(path.name for path in exports_dir.iterdir() if not path.name.startswith("."))


def _titles(response) -> set[str]:
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {row["title"] for row in csv.DictReader(io.StringIO(archive.read("commitments.csv").decode()))}


def test_a_request_never_builds_it_answers_503_and_queues_one_build(
    client, demo, exports_dir, deployed_celery, django_assert_num_queries
):
    with django_assert_num_queries(0):  # not one row read: nothing was built
        first = client.get(ZIP)
    again = client.get("/exports/questions.csv")
    assert first.status_code == 503 and first["Retry-After"] == "30"
    assert b"being prepared" in first.content
    assert again.status_code == 503
    assert deployed_celery == [BUILD_TASK]  # the second request found a build queued already
    assert _built(exports_dir) == []


def test_once_built_the_file_is_served_without_a_query(
    client, demo, deployed_celery, django_assert_num_queries
):
    assert client.get(ZIP).status_code == 503
    call_command("build_exports", stdout=io.StringIO())
    with django_assert_num_queries(0):
        response = client.get(ZIP)
    commitments_csv = client.get("/exports/commitments.csv")  # its filter's choices take a query
    assert response.status_code == 200 and response["X-Export-Version"] == "current"
    assert commitments_csv.status_code == 200
    assert b"em-gps-domestic-abuse" in b"".join(commitments_csv.streaming_content)
    assert deployed_celery == [BUILD_TASK]


def test_after_a_change_the_previous_file_is_served_until_the_build(
    client, demo, exports_dir, deployed_celery
):
    build_exports()
    commitment = Commitment.objects.get(slug="em-gps-domestic-abuse")
    commitment.title = "A title changed after the build"
    commitment.save()
    previous = client.get(ZIP)
    assert previous.status_code == 200 and previous["X-Export-Version"] == "previous"
    assert previous["Cache-Control"] == "no-cache" and previous["ETag"].startswith('"export-')
    assert "A title changed after the build" not in _titles(previous)
    assert deployed_celery == [BUILD_TASK]
    report = build_exports()
    assert sorted(report.built) == [
        "commitments.csv",
        "ipp-tracker-data.zip",
        "questions.csv",
        "recommendations.csv",
    ]
    current = client.get(ZIP)
    assert current["X-Export-Version"] == "current" and "A title changed after the build" in _titles(current)
    assert len(_built(exports_dir)) == 4  # the previous version's files are gone


def test_a_killed_builders_partial_file_is_never_served_and_is_removed(
    client, demo, exports_dir, deployed_celery
):
    exports_dir.mkdir(parents=True, exist_ok=True)
    partial = exports_dir / ".1--ipp-tracker-data.zip.4242.partial"
    partial.write_bytes(b"PK half a zip")
    an_hour_ago = time.time() - 3600
    os.utime(partial, (an_hour_ago, an_hour_ago))
    assert client.get(ZIP).status_code == 503
    report = build_exports()
    assert report.partials_removed == 1 and not partial.exists()
    assert client.get(ZIP).status_code == 200


def test_a_burst_of_committed_writes_queues_exactly_one_build(
    demo, deployed_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for commitment in Commitment.objects.all()[:3]:
            commitment.title += " (edited)"
            commitment.save()
    with django_capture_on_commit_callbacks(execute=True):
        Commitment.objects.filter(slug="em-gps-domestic-abuse").first().save()
    assert deployed_celery == [BUILD_TASK]


def test_a_second_builder_returns_at_once_while_one_holds_the_lock(demo, exports_dir):
    import fcntl

    exports_dir.mkdir(parents=True, exist_ok=True)
    with open(exports_dir / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        report = build_exports()
    assert report.busy and report.built == [] and _built(exports_dir) == []


def test_in_process_celery_builds_on_the_first_download_not_on_every_save(
    client, demo, exports_dir, django_capture_on_commit_callbacks
):
    """The demo (`make run`): no worker, so the download that finds no file builds it, here."""
    with django_capture_on_commit_callbacks(execute=True):
        Commitment.objects.first().save()
    assert _built(exports_dir) == []
    response = client.get(ZIP)
    assert response.status_code == 200 and response["X-Export-Version"] == "current"
    assert len(_built(exports_dir)) == 4


def test_the_build_exports_command_explains_itself():
    parser = load_command_class("commitments", "build_exports").create_parser("manage.py", "build_exports")
    assert "Build the whole exports" in parser.format_help()


@contextlib.contextmanager
def _routed(task: str, queue: str):
    """Send `task` to `queue`, where the test's own worker listens."""
    routes = celery_app.conf.task_routes
    celery_app.conf.task_routes = {task: {"queue": queue}}
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)  # built from the routes, and kept
    try:
        yield
    finally:
        celery_app.conf.task_routes = routes
        celery_app.amqp.flush_routes()
        celery_app.amqp.__dict__.pop("router", None)


@pytest.mark.processes
def test_a_real_worker_builds_after_a_change_and_requests_serve_its_file(
    transactional_db, client, exports_dir, settings, deployed_celery
):
    settings.EXPORT_BUILD_DELAY_SECONDS = 0
    with workers(1, EXPORTS_DIR=exports_dir) as (queue, _), _routed(BUILD_TASK, queue):
        CommitmentFactory(title="Built by the worker")  # committed at once: the build is queued
        deadline = time.monotonic() + 60
        while not (exports_dir / f"{data_version()}--ipp-tracker-data.zip").exists():
            assert time.monotonic() < deadline, "the worker built no export within 60 s"
            time.sleep(0.2)
        response = client.get(ZIP)
    assert response.status_code == 200 and response["X-Export-Version"] == "current"
    assert "Built by the worker" in _titles(response)
    assert 1 <= deployed_celery.count(BUILD_TASK) <= 2  # a write after the build began queues one more
