"""A question's life as we observe it: what makes an answer news (its content hash) and the
append-only QuestionEvent rows (tabled, holding answer, answered, corrected, withdrawn, text
changed), each recorded once however often the same record is seen."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from django.utils import timezone

from ..models import QuestionEvent, RecheckRun, WrittenQuestion
from .answer_html import normalised

# Events that happen at most once per question; the others repeat with each new content.
ONCE_IN_A_LIFE = frozenset(
    {
        QuestionEvent.Kind.TABLED,
        QuestionEvent.Kind.HOLDING_ANSWER,
        QuestionEvent.Kind.ANSWERED,
        QuestionEvent.Kind.WITHDRAWN,
    }
)


def event_key(question: WrittenQuestion, kind: str) -> str:
    """What makes an observation the same one again: nothing, for events that happen once in a
    question's life; the corrected answer, for a correction (so a later withdrawal does not repeat
    it); the whole content otherwise."""
    if kind in ONCE_IN_A_LIFE:
        return ""
    if kind == QuestionEvent.Kind.CORRECTED:
        corrected = f"{question.date_answer_corrected}|{normalised(question.answer_text)}"
        return hashlib.sha256(corrected.encode()).hexdigest()
    return question.content_hash


def content_hash(question: WrittenQuestion) -> str:
    """What makes an answer news: its words (whitespace aside), dates and flags."""
    payload = [
        normalised(question.question_text),
        normalised(question.answer_text),
        question.date_answered,
        question.date_answer_corrected,
        question.date_holding_answer,
        question.answer_is_holding,
        question.answer_is_correction,
        question.is_withdrawn,
    ]
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


def mark_seen(question: WrittenQuestion) -> None:
    question.content_hash = content_hash(question)
    question.last_seen_at = timezone.now()


def record_event(
    question: WrittenQuestion,
    kind: str,
    *,
    occurred_on: date | None,
    detail: str = "",
    previous_text: str = "",
    run: RecheckRun | None = None,
) -> QuestionEvent | None:
    """Record one event unless the same observation is already recorded (idempotent)."""
    key = event_key(question, kind)
    event, created = QuestionEvent.objects.get_or_create(
        question=question,
        kind=kind,
        content_hash=key,
        defaults={
            "occurred_on": occurred_on,
            "detail": detail,
            "previous_text": previous_text,
            "recheck_run": run,
        },
    )
    return event if created else None


def known_events(
    question: WrittenQuestion, *, detail: str, run: RecheckRun | None = None
) -> list[QuestionEvent]:
    """The tabled / holding / answered / corrected / withdrawn events a record shows, unsaved."""
    milestones = [
        # Not before the date is known: events are append-only, so a dateless one could never be fixed.
        (QuestionEvent.Kind.TABLED, question.date_tabled, question.date_tabled is not None),
        (QuestionEvent.Kind.HOLDING_ANSWER, question.date_holding_answer, question.date_holding_answer),
        (
            QuestionEvent.Kind.ANSWERED,
            question.date_answered,
            question.date_answered and not question.answer_is_holding,
        ),
        (QuestionEvent.Kind.CORRECTED, question.date_answer_corrected, question.answer_is_correction),
        (QuestionEvent.Kind.WITHDRAWN, None, question.is_withdrawn),
    ]
    return [
        QuestionEvent(
            question=question,
            kind=kind,
            occurred_on=occurred_on,
            detail=detail,
            recheck_run=run,
            content_hash=event_key(question, kind),
        )
        for kind, occurred_on, happened in milestones
        if happened
    ]


def record_known_events(
    question: WrittenQuestion, *, detail: str, run: RecheckRun | None = None
) -> list[QuestionEvent]:
    """Record the events the record shows that are not recorded yet (idempotent)."""
    recorded = []
    for event in known_events(question, detail=detail, run=run):
        saved = record_event(question, event.kind, occurred_on=event.occurred_on, detail=detail, run=run)
        if saved:
            recorded.append(saved)
    return recorded


def change_events(before: WrittenQuestion, after: WrittenQuestion, run: RecheckRun | None):
    text_changed = normalised(before.answer_text) != normalised(after.answer_text) or normalised(
        before.question_text
    ) != normalised(after.question_text)
    corrected_now = after.answer_is_correction and (
        not before.answer_is_correction
        or before.date_answer_corrected != after.date_answer_corrected
        or text_changed
    )
    if corrected_now:
        yield record_event(
            after,
            QuestionEvent.Kind.CORRECTED,
            occurred_on=after.date_answer_corrected,
            detail="The answer was corrected.",
            previous_text=before.answer_text,
            run=run,
        )
    elif text_changed and before.answer_text and not before.answer_is_holding and not after.answer_is_holding:
        yield record_event(
            after,
            QuestionEvent.Kind.TEXT_CHANGED,
            occurred_on=None,
            detail="The text differs from the copy we held.",
            previous_text=before.answer_text,
            run=run,
        )
