"""Celery tasks: doorways that take ids or nothing and call one function.

Idempotence lives in the services (unique keys, upserts, the re-check lock), so a task run twice,
or by two workers at once, is harmless. Every name is pinned: django-celery-beat keeps schedules in
the database by task name, so moving a function must never rename its task.
"""

from celery import shared_task
from django.conf import settings

from . import digests, figures, ingest, suggestions
from .models import WrittenQuestion
from .services import status_history_mismatches


@shared_task(name="commitments.tasks.verify_status_history_task")
def verify_status_history_task() -> list[str]:
    """Nightly audit: the slugs of commitments whose cached status disagrees with history."""
    return status_history_mismatches()


@shared_task(name="commitments.tasks.recheck_answers_task", acks_late=True, reject_on_worker_lost=True)
def recheck_answers_task() -> int:
    """Failures are recorded on the RecheckRun (and retried by the next scheduled run), not raised."""
    return ingest.recheck_answers().pk


@shared_task(name="commitments.tasks.recheck_pending_task", acks_late=True, reject_on_worker_lost=True)
def recheck_pending_task() -> int:
    return ingest.recheck_pending().pk


@shared_task(name="commitments.tasks.rewatch_task", acks_late=True, reject_on_worker_lost=True)
def rewatch_task() -> int:
    """After watched terms or bodies change: re-match what we hold, then search the whole window
    again, since a new term was never searched before."""
    ingest.rematch_stored_questions()
    return ingest.recheck_answers(full=True).pk


@shared_task(name="commitments.tasks.analyse_answer_task", acks_late=True, reject_on_worker_lost=True)
def analyse_answer_task(question_id: int) -> dict:
    """After ingest created or changed an answer: suggest the evidence it may be, and store the
    tables it publishes. Both are idempotent, so a redelivered task is harmless."""
    question = WrittenQuestion.objects.filter(pk=question_id).first()
    if question is None:
        return {"skipped": "The question no longer exists."}
    report = suggestions.suggest_evidence(question)
    extraction = figures.extract_figure_tables(question) if not suggestions.why_skipped(question) else None
    return {
        "suggested": report.created,
        "refreshed": report.refreshed,
        "withdrawn": report.withdrawn,
        "skipped": report.skipped,
        "tables": [table.slug for table in extraction.tables] if extraction else [],
        "tables_skipped": extraction.skipped if extraction else [],
    }


@shared_task(
    name="commitments.tasks.send_digests_task",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def send_digests_task(self, frequency: str) -> dict:
    """Plan and send the current period's digests. Deliveries that failed for a passing reason (or
    a run cut short by the email server) are retried later, up to DIGEST_MAX_ATTEMPTS times per
    delivery; those are counted on the delivery rows, so a retry can never send one twice."""
    report = digests.send_digests(frequency=frequency)
    if report.retry_later and self.request.retries < settings.DIGEST_MAX_ATTEMPTS:
        raise self.retry(countdown=settings.DIGEST_RETRY_SECONDS)
    return report.as_dict()
