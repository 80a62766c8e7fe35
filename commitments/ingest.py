"""Bringing written questions in: from the research files now, from Parliament's API next.

Everything that upserts a WrittenQuestion goes through here so the content hash and the question
events are computed one way.
"""

from __future__ import annotations

import hashlib
import json

from django.utils import timezone

from .models import QuestionEvent, WrittenQuestion

# The fields whose change is news: a different hash means the answer changed.
HASHED_FIELDS = (
    "question_text",
    "answer_html",
    "answer_text",
    "date_answered",
    "date_answer_corrected",
    "date_holding_answer",
    "answer_is_holding",
    "answer_is_correction",
    "is_withdrawn",
)


# Events that happen at most once per question; the others repeat with each new content.
ONCE_IN_A_LIFE = frozenset(
    {
        QuestionEvent.Kind.TABLED,
        QuestionEvent.Kind.HOLDING_ANSWER,
        QuestionEvent.Kind.ANSWERED,
        QuestionEvent.Kind.WITHDRAWN,
    }
)


def content_hash(question: WrittenQuestion) -> str:
    payload = {name: getattr(question, name) for name in HASHED_FIELDS}
    encoded = json.dumps(payload, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def record_known_events(question: WrittenQuestion, *, detail: str) -> list[QuestionEvent]:
    """Record the tabled / holding / answered / corrected / withdrawn events the record shows.

    Idempotent: an event already recorded for this content is not recorded again.
    """
    milestones = [
        (QuestionEvent.Kind.TABLED, question.date_tabled, True),
        (QuestionEvent.Kind.HOLDING_ANSWER, question.date_holding_answer, question.date_holding_answer),
        (
            QuestionEvent.Kind.ANSWERED,
            question.date_answered,
            question.date_answered and not question.answer_is_holding,
        ),
        (QuestionEvent.Kind.CORRECTED, question.date_answer_corrected, question.answer_is_correction),
        (QuestionEvent.Kind.WITHDRAWN, None, question.is_withdrawn),
    ]
    events = []
    for kind, occurred_on, happened in milestones:
        if not happened:
            continue
        event, created = QuestionEvent.objects.get_or_create(
            question=question,
            kind=kind,
            content_hash="" if kind in ONCE_IN_A_LIFE else question.content_hash,
            defaults={"occurred_on": occurred_on, "detail": detail},
        )
        if created:
            events.append(event)
    return events


def mark_seen(question: WrittenQuestion) -> None:
    question.content_hash = content_hash(question)
    question.last_seen_at = timezone.now()
