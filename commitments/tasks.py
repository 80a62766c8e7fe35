"""Celery tasks: doorways that take ids or nothing and call one function.

Idempotence lives in the services (unique keys, upserts, the one-run-at-a-time lock), so a task
run twice, or by two workers at once, is harmless. Every name is pinned: django-celery-beat keeps
schedules in the database by task name, so moving a function must never rename its task.
"""

from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.dispatch import receiver

from . import digests, integrity
from .analysis.pipeline import analyse_answer
from .analysis.source_suggestions import analyse_source, analyse_sources
from .digests.deadlines import alert_passed_deadlines
from .digests.editors import send_editors_email
from .editorial import status_history_mismatches
from .models import DigestFrequency
from .opendata import builds, snapshots
from .parliament import govuk_recheck, recheck, spoken_recheck
from .parliament.signals import answers_changed, sources_changed
from .public.cache import data_version_changed


@shared_task(name="commitments.tasks.verify_status_history_task")
def verify_status_history_task() -> list[str]:
    """Nightly audit: the slugs of commitments whose cached status disagrees with history."""
    return status_history_mismatches()


@shared_task(name="commitments.tasks.audit_record_task")
def audit_record_task() -> dict:
    """Nightly: what statuses rest on, and the integrity warnings not accepted as known exceptions
    (the same report as `manage.py audit_record`)."""
    return integrity.audit_record().as_dict()


@shared_task(name="commitments.tasks.recheck_answers_task", acks_late=True, reject_on_worker_lost=True)
def recheck_answers_task() -> int:
    """Failures are recorded on the RecheckRun (and retried by the next scheduled run), not raised."""
    return recheck.recheck_answers().pk


@shared_task(name="commitments.tasks.recheck_pending_task", acks_late=True, reject_on_worker_lost=True)
def recheck_pending_task() -> int:
    return recheck.recheck_pending().pk


@shared_task(name="commitments.tasks.recheck_statements_task", acks_late=True, reject_on_worker_lost=True)
def recheck_statements_task() -> int:
    """Written ministerial statements; failures are recorded on the RecheckRun, as for answers."""
    return spoken_recheck.recheck_statements().pk


@shared_task(name="commitments.tasks.recheck_contributions_task", acks_late=True, reject_on_worker_lost=True)
def recheck_contributions_task() -> int:
    """Hansard contributions; failures are recorded on the RecheckRun, as for answers."""
    return spoken_recheck.recheck_contributions().pk


@shared_task(name="commitments.tasks.recheck_publications_task", acks_late=True, reject_on_worker_lost=True)
def recheck_publications_task() -> int:
    """The watched GOV.UK publications; failures are recorded on the RecheckRun, as for answers."""
    return govuk_recheck.recheck_publications().pk


@shared_task(name="commitments.tasks.rewatch_task", acks_late=True, reject_on_worker_lost=True)
def rewatch_task() -> int:
    """After watched terms or bodies change: re-match what we hold, then search the whole window
    again, since a new term was never searched before."""
    recheck.rematch_stored_questions()
    return recheck.recheck_answers(full=True).pk


@shared_task(name="commitments.tasks.analyse_answer_task", acks_late=True, reject_on_worker_lost=True)
def analyse_answer_task(question_id: int) -> dict:
    """After ingest created or changed an answer; a redelivered task is harmless."""
    return analyse_answer(question_id)


@shared_task(
    name="commitments.tasks.send_digests_task",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def send_digests_task(self, frequency: str) -> dict:
    """Plan and send the current period's digests (or as-it-happens alerts). Deliveries that failed
    for a passing reason (or a run cut short by the email server) are retried later, up to
    DIGEST_MAX_ATTEMPTS times per delivery; those are counted on the delivery rows, so a retry can
    never send one twice. Alerts need no retry of their own: the next run, minutes later, sends
    whatever is still pending."""
    report = digests.send_digests(frequency=frequency)
    retries = frequency != DigestFrequency.AS_IT_HAPPENS
    if retries and report.retry_later and self.request.retries < settings.DIGEST_MAX_ATTEMPTS:
        raise self.retry(countdown=settings.DIGEST_RETRY_SECONDS)
    return report.as_dict()


@receiver(answers_changed, dispatch_uid="commitments.analyse_changed_answers")
def analyse_changed_answers(sender, *, questions, **kwargs) -> None:
    """Queue the analysis of each changed answer worth it, once the rows the task reads are
    committed (in-process when Celery runs eagerly, as in the demo)."""
    for pk in questions.worth_analysing().values_list("pk", flat=True):
        transaction.on_commit(partial(analyse_answer_task.delay, pk))


@shared_task(name="commitments.tasks.alert_passed_deadlines_task", acks_late=True, reject_on_worker_lost=True)
def alert_passed_deadlines_task() -> dict:
    """Hourly: tell followers once when a promised date passed undelivered; a re-run, or a run on
    another worker, sends nothing twice (digests/deadlines.py)."""
    return alert_passed_deadlines().as_dict()


@shared_task(name="commitments.tasks.send_editors_email_task", acks_late=True, reject_on_worker_lost=True)
def send_editors_email_task() -> int:
    """Daily: email each editor what needs them; once a day each, however many runs (digests/editors.py)."""
    return send_editors_email()


@shared_task(name="commitments.tasks.analyse_sources_task", acks_late=True, reject_on_worker_lost=True)
def analyse_sources_task(kind: str, pks: list[int]) -> list[dict]:
    """After a re-check created or changed a page of written statements ("statement"), Hansard
    contributions ("contribution") or GOV.UK publications ("publication"); a redelivered task is
    harmless."""
    return analyse_sources(kind, pks)


@shared_task(name="commitments.tasks.analyse_source_task", acks_late=True, reject_on_worker_lost=True)
def analyse_source_task(kind: str, pk: int) -> dict:
    """One statement, contribution or publication: what re-checks queued before a page became one
    message (analyse_sources_task). Kept so messages still waiting in the queue find their task."""
    return analyse_source(kind, pk)


@receiver(sources_changed, dispatch_uid="commitments.analyse_changed_sources")
def analyse_changed_sources(sender, *, kind, sources, **kwargs) -> None:
    """Queue the matching of a page of changed statements, contributions or publications, one
    message for the page, once its rows are committed; only those the matching would not skip."""
    pks = list(sources.worth_matching().values_list("pk", flat=True))
    if pks:
        transaction.on_commit(partial(analyse_sources_task.delay, kind, pks))


@shared_task(name="commitments.tasks.build_exports_task", acks_late=True, reject_on_worker_lost=True)
def build_exports_task() -> dict:
    """Build the current data version's whole exports (the zip, the unfiltered CSVs); a second run,
    or one on another worker, finds them built or the lock held and returns."""
    return builds.build_exports().as_dict()


@receiver(data_version_changed, dispatch_uid="commitments.build_exports_when_data_changes")
def build_exports_when_data_changes(sender, **kwargs) -> None:
    """Queue one build after a burst of committed writes. Not with Celery eager (the demo, the
    tests): a build on every save would make each editor wait; there the first download builds."""
    if build_exports_task.app.conf.task_always_eager:
        return
    snapshots.queue_export_build(delay=settings.EXPORT_BUILD_DELAY_SECONDS)
