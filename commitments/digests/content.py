"""What a digest or an alert says: the changes recorded in a period's window, fetched once for the
window and then cut down per set of follows (themes and commitments, narrowed to what the window
holds), so building content costs the same whatever the number of subscribers. Each item carries
why the subscriber gets it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator

from .. import recent
from ..models import (
    Commitment,
    DigestFrequency,
    Evidence,
    QuestionEvent,
    QuestionEventKind,
    StatusChange,
    WrittenQuestion,
)
from ..models.evidence import SOURCE_FIELDS

# Stand-ins for the per-subscriber links, replaced after rendering once per set of themes. They
# survive HTML escaping unchanged, and so do the signed tokens that replace them.
MANAGE_URL = "__DIGEST_MANAGE_URL__"
UNSUBSCRIBE_URL = "__DIGEST_UNSUBSCRIBE_URL__"
ANSWER_EXCERPT_WORDS = 60


@dataclass(frozen=True)
class Follows:
    """What one subscriber follows, narrowed to what a window holds, so that subscribers who follow
    different things but would read the same email share one rendering. None stands for everything."""

    themes: frozenset[int] = frozenset()
    commitments: frozenset[int] = frozenset()

    def covers(self, commitment: Commitment) -> bool:
        return commitment.pk in self.commitments or commitment.theme_id in self.themes


@dataclass
class NewAnswer:
    """An answer (or correction) to a question already linked to commitments by confirmed evidence."""

    question: WrittenQuestion
    kind: str
    evidence: list[Evidence]
    theme_ids: frozenset[int]
    commitment_ids: frozenset[int]
    observed_at: datetime | None = None  # when the answer (or correction) was seen, in the window

    @property
    def excerpt(self) -> str:
        return Truncator(self.question.answer_text).words(ANSWER_EXCERPT_WORDS)


@dataclass
class DigestContent:
    """Status changes, newly confirmed evidence and new answers recorded in [starts_at, ends_at);
    `follows` is whose cut of it this is (None: everything)."""

    frequency: str
    starts_at: datetime
    ends_at: datetime
    status_changes: list[StatusChange] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    answers: list[NewAnswer] = field(default_factory=list)
    follows: Follows | None = None

    @property
    def count(self) -> int:
        return len(self.status_changes) + len(self.evidence) + len(self.answers)

    @property
    def is_empty(self) -> bool:
        return self.count == 0

    @property
    def theme_ids(self) -> set[int]:
        """Every theme something in this window is about: a theme's followers see content only if it
        meets this."""
        return (
            {change.commitment.theme_id for change in self.status_changes}
            | {item.commitment.theme_id for item in self.evidence}
            | {theme for answer in self.answers for theme in answer.theme_ids}
        )

    @property
    def commitment_ids(self) -> set[int]:
        """Every commitment something in this window is about."""
        return (
            {change.commitment_id for change in self.status_changes}
            | {item.commitment_id for item in self.evidence}
            | {pk for answer in self.answers for pk in answer.commitment_ids}
        )

    def narrow(self, follows: Follows | None) -> Follows | None:
        """`follows` cut down to what this window holds: the key a rendering is shared by."""
        if follows is None:
            return None
        return Follows(
            themes=follows.themes & frozenset(self.theme_ids),
            commitments=follows.commitments & frozenset(self.commitment_ids),
        )

    def for_follows(self, follows: Follows | None, *, since: datetime | None = None) -> DigestContent:
        """Only what concerns `follows` (None: everything), and only what was recorded at or after
        `since`: a subscriber who confirmed inside the window hears only of what happened after
        (their first alert must not report as news a status recorded before they asked). An answer
        whose evidence is new in this digest is shown once, under evidence."""
        if follows is None:
            changes, evidence, answers = self.status_changes, self.evidence, self.answers
        else:
            changes = [c for c in self.status_changes if follows.covers(c.commitment)]
            evidence = [e for e in self.evidence if follows.covers(e.commitment)]
            answers = [a for a in self.answers if any(follows.covers(e.commitment) for e in a.evidence)]
        if since is not None:
            changes = [c for c in changes if c.created_at >= since]
            evidence = [e for e in evidence if e.recorded_at >= since]
            answers = [a for a in answers if a.observed_at and a.observed_at >= since]
        evidenced = {item.question_id for item in evidence}
        return DigestContent(
            frequency=self.frequency,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            status_changes=changes,
            evidence=evidence,
            answers=[answer for answer in answers if answer.question.pk not in evidenced],
            follows=follows,
        )

    def why(self, commitment: Commitment) -> str:
        """The line saying why this subscriber gets an item about `commitment`: the commitment itself
        if they follow it, else its theme, else everything."""
        if self.follows is None:
            return "you get news on every theme"
        if commitment.pk in self.follows.commitments:
            return f"you follow \u201c{commitment.title}\u201d"
        return f"you follow the theme \u201c{commitment.theme.name}\u201d"

    @property
    def status_change_entries(self) -> list[tuple[StatusChange, str]]:
        return [(change, self.why(change.commitment)) for change in self.status_changes]

    @property
    def evidence_entries(self) -> list[tuple[Evidence, str]]:
        return [(item, self.why(item.commitment)) for item in self.evidence]

    @property
    def answer_entries(self) -> list[tuple[NewAnswer, str]]:
        """An answer can evidence several commitments: every followed one is named, once."""
        entries = []
        for answer in self.answers:
            followed = [
                e.commitment
                for e in answer.evidence
                if self.follows is None or self.follows.covers(e.commitment)
            ]
            reasons = dict.fromkeys(self.why(commitment) for commitment in followed)
            entries.append((answer, "; ".join(reasons)))
        return entries


def build_content(*, frequency: str, starts_at: datetime, ends_at: datetime) -> DigestContent:
    """Everything public recorded in the window, in three queries (two for alerts).

    - status changes of published commitments, by when they were recorded (`created_at`), not by
      their effective date, so a change back-dated by an editor is still news;
    - evidence confirmed in the window (`reviewed_at`, or when stored if not kept), with its quote;
    - new answers (not in as-it-happens alerts): an answer or correction Parliament gave, observed in
      the window (a question event), to a question that confirmed evidence already links to a
      published commitment. The theme comes from those commitments: a question has no theme of its own.
    """
    window = {"gte": starts_at, "lt": ends_at}
    # The one recent-changes query (commitments/recent.py), grouped here by theme and commitment.
    changes = list(
        recent.status_changes(since=starts_at, until=ends_at)
        .select_related("commitment__theme", "question")
        .order_by("commitment__theme__name", "commitment__title", "created_at", "pk")
    )
    evidence = list(
        recent.confirmed_evidence(since=starts_at, until=ends_at)
        .select_related("commitment__theme", *SOURCE_FIELDS)
        .order_by("commitment__theme__name", "commitment__title", "-question__date_answered", "pk")
    )
    answered = {QuestionEvent.Kind.ANSWERED, QuestionEvent.Kind.CORRECTED}
    if frequency == DigestFrequency.AS_IT_HAPPENS:  # alerts are for status changes and evidence only
        return DigestContent(frequency, starts_at, ends_at, status_changes=changes, evidence=evidence)
    linked = list(
        Evidence.objects.published()
        .filter(
            question__events__kind__in=answered,
            question__events__observed_at__gte=window["gte"],
            question__events__observed_at__lt=window["lt"],
        )
        .select_related("commitment__theme", "question")
        # The last time the answer was seen in the window (the filter's join), one row per evidence.
        .annotate(observed_at=Max("question__events__observed_at"))
        .order_by("-question__date_answered", "question_id", "commitment__title")
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
            commitment_ids=frozenset(item.commitment_id for item in items),
            observed_at=max(item.observed_at for item in items),
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
    """Both parts from templates, once per set of follows; links are absolute (SITE_URL)."""
    label = DigestFrequency(content.frequency).label
    last = timezone.localtime(content.ends_at) - timedelta(microseconds=1)
    first = timezone.localtime(content.starts_at)
    updates = f"{content.count} update{'s' * (content.count != 1)}"
    if content.frequency == DigestFrequency.AS_IT_HAPPENS:
        heading = "alert"
        span = f"{first:%-d %B %Y}, {first:%H:%M} to {content.ends_at.astimezone(first.tzinfo):%H:%M}"
        subject = f"IPP tracker alert: {_headline(content) if content.count == 1 else updates}"
    else:
        heading = f"{label.lower()} digest"
        span = f"{first:%-d %B %Y}" if first.date() == last.date() else f"{first:%-d %B} to {last:%-d %B %Y}"
        subject = f"IPP tracker {heading}, {span}: {updates}"
    context = {
        "content": content,
        "label": label,
        "heading": heading,
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


def _headline(content: DigestContent) -> str:
    """A one-item alert's subject names the item: a status change, or new evidence."""
    if content.status_changes:
        change = content.status_changes[0]
        text = f"{change.commitment.title} is now {change.get_to_status_display().lower()}"
    else:
        text = f"new evidence on {content.evidence[0].commitment.title}"
    return " ".join(text.split())  # one line, whatever the title holds
