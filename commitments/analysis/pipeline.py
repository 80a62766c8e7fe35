"""What happens to an answer ingest created or changed: the evidence it may be is suggested, then
the tables it publishes are stored. Both steps are idempotent, so running it twice is harmless."""

from __future__ import annotations

from ..models import WrittenQuestion
from .figures import extract_figure_tables
from .suggestions import suggest_evidence, why_skipped


def analyse_answer(question_id: int) -> dict:
    """A summary a task can return: slugs suggested, refreshed and withdrawn, tables stored."""
    question = WrittenQuestion.objects.filter(pk=question_id).first()
    if question is None:
        return {"skipped": "The question no longer exists."}
    report = suggest_evidence(question)
    extraction = extract_figure_tables(question) if not why_skipped(question) else None
    return {
        "suggested": report.created,
        "refreshed": report.refreshed,
        "withdrawn": report.withdrawn,
        "skipped": report.skipped,
        "tables": [table.slug for table in extraction.tables] if extraction else [],
        "tables_skipped": extraction.skipped if extraction else [],
    }
