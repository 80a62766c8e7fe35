"""What changed recently: the one query the What's new page, the Atom feeds and the email digests read.

Four kinds of change, each dated by when it became news here, never by a later edit:
- a status change, when it was recorded (`created_at`, not `updated_at`: an edit must not
  re-announce it; a change back-dated by an editor is still news on the day it was recorded);
- evidence, when an editor confirmed it (`reviewed_at`; the day it was stored when that is missing);
- a new figure of an indicator series, when it was recorded (a revision is a new figure);
- a promised date passing, at the midnight (London) after the date promised.

Only public records: published commitments, confirmed evidence, published series and deadlines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Commitment, Deadline, Evidence, IndicatorPoint, StatusChange
from .models.deadlines import today
from .models.evidence import SOURCE_FIELDS

STATUS, EVIDENCE, FIGURE, DEADLINE = "status", "evidence", "figure", "deadline"
KINDS = (STATUS, EVIDENCE, FIGURE, DEADLINE)
KIND_LABELS = {
    STATUS: "Status change",
    EVIDENCE: "New evidence",
    FIGURE: "New figure",
    DEADLINE: "Promised date passed",
}


@dataclass(frozen=True)
class Change:
    """One change: its kind, when it became news, and the record itself (a StatusChange, an
    Evidence, an IndicatorPoint or a Deadline)."""

    kind: str
    recorded: datetime
    record: StatusChange | Evidence | IndicatorPoint | Deadline

    @property
    def key(self) -> str:
        prefix = {STATUS: "status-change", EVIDENCE: "evidence", FIGURE: "indicator-point"}
        return f"{prefix.get(self.kind, self.kind)}-{self.record.pk}"

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def day(self):
        """The day (London) it became news."""
        return timezone.localdate(self.recorded)


def _window(queryset: QuerySet, field: str, since: datetime | None, until: datetime | None) -> QuerySet:
    if since is not None:
        queryset = queryset.filter(**{f"{field}__gte": since})
    if until is not None:
        queryset = queryset.filter(**{f"{field}__lt": until})
    return queryset


def status_changes(*, since=None, until=None, commitments=None) -> QuerySet[StatusChange]:
    """Status changes of published commitments recorded in [since, until)."""
    changes = _window(StatusChange.objects.published(), "created_at", since, until)
    return changes if commitments is None else changes.filter(commitment__in=commitments)


def confirmed_evidence(*, since=None, until=None, commitments=None) -> QuerySet[Evidence]:
    """Confirmed evidence of published commitments, confirmed in [since, until); `recorded_at` is
    when (the day it was stored when no review time was kept)."""
    evidence = Evidence.objects.published().annotate(recorded_at=Coalesce("reviewed_at", "created_at"))
    evidence = _window(evidence, "recorded_at", since, until)
    return evidence if commitments is None else evidence.filter(commitment__in=commitments)


def new_figures(*, since=None, until=None, commitments=None) -> QuerySet[IndicatorPoint]:
    """Figures of published series recorded in [since, until)."""
    points = _window(IndicatorPoint.objects.published(), "created_at", since, until)
    return points if commitments is None else points.filter(indicator__commitments__in=commitments).distinct()


def passed_dates(*, since=None, until=None, commitments=None) -> QuerySet[Deadline]:
    """Published promised dates that had passed by today, and passed in [since, until): a date
    passes at the midnight after it."""
    passed = Deadline.objects.for_pages().filter(due_on__lt=today())
    if since is not None:
        passed = passed.filter(due_on__gte=timezone.localtime(since).date() - timedelta(days=1))
    if until is not None:
        passed = passed.filter(due_on__lt=timezone.localtime(until).date())
    return passed if commitments is None else passed.filter(commitment__in=commitments)


def evidence_recorded(item: Evidence) -> datetime:
    return item.reviewed_at or timezone.make_aware(datetime.combine(item.created_at.date(), time()))


def date_passed(deadline: Deadline) -> datetime:
    return timezone.make_aware(datetime.combine(deadline.due_on + timedelta(days=1), time()))


def recent_changes(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    commitments: Iterable[Commitment] | QuerySet[Commitment] | None = None,
    kinds: Iterable[str] = KINDS,
    limit: int | None = None,
) -> list[Change]:
    """Every public change of `kinds` that became news in [since, until), about `commitments` (all
    when None), newest first; at most `limit`. One query per kind asked for."""
    kinds = set(kinds)
    found: list[Change] = []

    def newest(queryset: QuerySet, *order) -> QuerySet:
        queryset = queryset.order_by(*order)
        return queryset[:limit] if limit else queryset

    if STATUS in kinds:
        changes = status_changes(since=since, until=until, commitments=commitments)
        changes = newest(changes.select_related("commitment", "question"), "-created_at", "-pk")
        found += [Change(STATUS, change.created_at, change) for change in changes]
    if EVIDENCE in kinds:
        evidence = confirmed_evidence(since=since, until=until, commitments=commitments).select_related(
            "commitment", *SOURCE_FIELDS
        )
        found += [
            Change(EVIDENCE, evidence_recorded(item), item)
            for item in newest(evidence, "-recorded_at", "-pk")
        ]
    if FIGURE in kinds:
        points = new_figures(since=since, until=until, commitments=commitments)
        points = newest(points.select_related("indicator", "revises"), "-created_at", "-pk")
        found += [Change(FIGURE, point.created_at, point) for point in points]
    if DEADLINE in kinds:
        dates = newest(passed_dates(since=since, until=until, commitments=commitments), "-due_on", "-pk")
        found += [Change(DEADLINE, date_passed(deadline), deadline) for deadline in dates]
    found.sort(key=lambda change: change.recorded, reverse=True)
    return found[:limit] if limit else found
