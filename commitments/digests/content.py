"""What a digest says: the changes recorded in a period's window, fetched once for the window and
then cut down per set of themes, so building content costs the same whatever the number of
subscribers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator

from ..models import (
    DigestFrequency,
    Evidence,
    QuestionEvent,
    QuestionEventKind,
    StatusChange,
    WrittenQuestion,
)

# Stand-ins for the per-subscriber links, replaced after rendering once per set of themes. They
# survive HTML escaping unchanged, and so do the signed tokens that replace them.
MANAGE_URL = "__DIGEST_MANAGE_URL__"
UNSUBSCRIBE_URL = "__DIGEST_UNSUBSCRIBE_URL__"
ANSWER_EXCERPT_WORDS = 60

ThemeSet = frozenset[int] | None  # None: every theme


@dataclass
class NewAnswer:
    """An answer (or correction) to a question already linked to commitments by confirmed evidence."""

    question: WrittenQuestion
    kind: str
    evidence: list[Evidence]
    theme_ids: frozenset[int]

    @property
    def excerpt(self) -> str:
        return Truncator(self.question.answer_text).words(ANSWER_EXCERPT_WORDS)


@dataclass
class DigestContent:
    """Status changes, newly confirmed evidence and new answers recorded in [starts_at, ends_at)."""

    frequency: str
    starts_at: datetime
    ends_at: datetime
    status_changes: list[StatusChange] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    answers: list[NewAnswer] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.status_changes) + len(self.evidence) + len(self.answers)

    @property
    def is_empty(self) -> bool:
        return self.count == 0

    @property
    def theme_ids(self) -> set[int]:
        """Every theme something in this window is about: a theme set sees content only if it meets this."""
        return (
            {change.commitment.theme_id for change in self.status_changes}
            | {item.commitment.theme_id for item in self.evidence}
            | {theme for answer in self.answers for theme in answer.theme_ids}
        )

    def for_themes(self, themes: ThemeSet) -> DigestContent:
        """Only what concerns `themes` (None: all). An answer whose evidence is new in this digest is
        shown once, under evidence."""
        if themes is None:
            changes, evidence, answers = self.status_changes, self.evidence, self.answers
        else:
            changes = [c for c in self.status_changes if c.commitment.theme_id in themes]
            evidence = [e for e in self.evidence if e.commitment.theme_id in themes]
            answers = [a for a in self.answers if a.theme_ids & themes]
        evidenced = {item.question_id for item in evidence}
        return DigestContent(
            frequency=self.frequency,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            status_changes=changes,
            evidence=evidence,
            answers=[answer for answer in answers if answer.question.pk not in evidenced],
        )


def build_content(*, frequency: str, starts_at: datetime, ends_at: datetime) -> DigestContent:
    """Everything public recorded in the window, in three queries.

    - status changes of published commitments, by when they were recorded (`created_at`), not by
      their effective date, so a change back-dated by an editor is still news;
    - evidence confirmed in the window (`reviewed_at`), with its quote;
    - new answers "on their themes": an answer or correction Parliament gave, observed in the window
      (a question event), to a question that confirmed evidence already links to a published
      commitment. The theme comes from those commitments: a question has no theme of its own.
    """
    window = {"gte": starts_at, "lt": ends_at}
    changes = list(
        StatusChange.objects.published()
        .filter(created_at__gte=window["gte"], created_at__lt=window["lt"])
        .select_related("commitment__theme", "question")
        .order_by("commitment__theme__name", "commitment__title", "created_at", "pk")
    )
    evidence = list(
        Evidence.objects.published()
        .filter(reviewed_at__gte=window["gte"], reviewed_at__lt=window["lt"])
        .select_related("commitment__theme", "question")
        .order_by("commitment__theme__name", "commitment__title", "-question__date_answered", "pk")
    )
    answered = {QuestionEvent.Kind.ANSWERED, QuestionEvent.Kind.CORRECTED}
    linked = list(
        Evidence.objects.published()
        .filter(
            question__events__kind__in=answered,
            question__events__observed_at__gte=window["gte"],
            question__events__observed_at__lt=window["lt"],
        )
        .select_related("commitment__theme", "question")
        .order_by("-question__date_answered", "question_id", "commitment__title")
        .distinct()
    )
    by_question: dict[int, list[Evidence]] = defaultdict(list)
    for item in linked:
        by_question[item.question_id].append(item)
    answers = [
        NewAnswer(
            question=items[0].question,
            kind=(
                QuestionEventKind.CORRECTED
                if items[0].question.answer_is_correction
                else QuestionEventKind.ANSWERED
            ),
            evidence=items,
            theme_ids=frozenset(item.commitment.theme_id for item in items),
        )
        for items in by_question.values()
    ]
    return DigestContent(
        frequency=frequency,
        starts_at=starts_at,
        ends_at=ends_at,
        status_changes=changes,
        evidence=evidence,
        answers=answers,
    )


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    text: str
    html: str

    def for_links(self, *, manage_url: str, unsubscribe_url: str) -> tuple[str, str]:
        """The text and HTML parts with one subscriber's links in place of the stand-ins."""
        return tuple(
            part.replace(MANAGE_URL, manage_url).replace(UNSUBSCRIBE_URL, unsubscribe_url)
            for part in (self.text, self.html)
        )


def render_digest(content: DigestContent) -> RenderedDigest:
    """Both parts from templates, once per set of themes; links are absolute (SITE_URL)."""
    label = DigestFrequency(content.frequency).label
    last_day = timezone.localtime(content.ends_at) - timedelta(microseconds=1)
    first_day = timezone.localtime(content.starts_at)
    span = (
        f"{first_day:%-d %B %Y}"
        if first_day.date() == last_day.date()
        else f"{first_day:%-d %B} to {last_day:%-d %B %Y}"
    )
    subject = (
        f"IPP tracker {label.lower()} digest, {span}: {content.count} update{'s' * (content.count != 1)}"
    )
    context = {
        "content": content,
        "label": label,
        "span": span,
        "subject": subject,
        "site_url": settings.SITE_URL,
        "manage_url": MANAGE_URL,
        "unsubscribe_url": UNSUBSCRIBE_URL,
    }
    return RenderedDigest(
        subject=subject,
        text=render_to_string("commitments/email/digest.txt", context),
        html=render_to_string("commitments/email/digest.html", context),
    )
