"""Celery tasks: doorways that take ids or nothing and call one function."""

from celery import shared_task

from .services import status_history_mismatches


@shared_task
def verify_status_history_task() -> list[str]:
    """Nightly audit: the slugs of commitments whose cached status disagrees with history."""
    return status_history_mismatches()
