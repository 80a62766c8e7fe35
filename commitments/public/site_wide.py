"""What many public pages compute from all the data and share: remembered per data version and
day in each process (cache.PerDataVersion), so a page-cache miss renders with them at hand and only
the first request after a change computes them."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, F, Q
from django.http import HttpRequest

from ..models import (
    ActionPlan,
    Commitment,
    Deadline,
    DeadlineState,
    Evidence,
    Indicator,
    RecheckRun,
    Recommendation,
    ResponseVerdict,
    SourceCopy,
    Status,
    StatusChange,
    Theme,
)
from ..models.querysets import EVIDENCE_RECENCY_FIELDS
from .cache import per_data_version
from .charts import status_bar


@per_data_version
def home_figures() -> dict:
    """Everything the home page shows is the same for every reader until the data (or the day)
    changes: computed once per data version in each process, not once per page-cache miss."""
    counts = dict(Commitment.objects.published().order_by().values_list("status").annotate(n=Count("pk")))
    return {
        "status_counts": [(status, counts.get(status.value, 0)) for status in Status],
        "segments": status_bar(counts),
        "total": sum(counts.values()),
        "without_recent_evidence": Commitment.objects.published().without_recent_evidence().count(),
        "latest_changes": list(StatusChange.objects.published().as_headlines().newest_first()[:6]),
        "newly_evidenced": newly_evidenced_answers(),
        "recommendations": recommendation_summary(),
        "headline": Indicator.objects.headline(),
        "deadlines": deadline_summary(),
        "themes": list(
            Theme.objects.annotate(n=Count("commitments", filter=Q(commitments__is_published=True))).filter(
                n__gt=0
            )
        ),
    }


def newly_evidenced_answers(limit: int = 6, window: int = 60) -> list[dict]:
    """The newest answers confirmed as evidence, newest answer first (by the day it was answered,
    which each line shows), each once with every commitment it evidences among the `window` rows
    read. One query, grouped here, so an answer evidencing five commitments takes one line, not
    five. Ordered by answer date, not confirmation date: confirmations come in batches (a whole
    import at once), so their order says nothing to a reader about how fresh the news is."""
    answers: dict[int, dict] = {}
    for item in Evidence.objects.published().newest_answers_first()[:window]:
        entry = answers.setdefault(item.question.pk, {"question": item.question, "commitments": []})
        entry["commitments"].append(item.commitment)
    return list(answers.values())[:limit]


@per_data_version
def evidence_recency() -> dict[int, dict]:
    """Every commitment's evidence recency, by id, from the one definition in the queryset: read
    once per data version and day (the day moves the cutoff), not aggregated on every page."""
    rows = Commitment.objects.with_evidence_recency().order_by().values_list("pk", *EVIDENCE_RECENCY_FIELDS)
    return {pk: dict(zip(EVIDENCE_RECENCY_FIELDS, values, strict=True)) for pk, *values in rows}


@per_data_version
def action_plans_by_commitment() -> dict[int, list[ActionPlan]]:
    """The plan versions each commitment appears in, in the plans' order: a handful of plans and
    links that every commitment page shows, read once per data version."""
    plans: dict[int, list[ActionPlan]] = {}
    for plan in ActionPlan.objects.annotate(commitment_pk=F("commitments")).filter(
        commitment_pk__isnull=False
    ):
        plans.setdefault(plan.commitment_pk, []).append(plan)
    return plans


@per_data_version
def source_copies() -> dict[str, SourceCopy]:
    """Every researched copy by its address, for the source rule (sources.resolve_source): a few
    dozen rows that every page naming a source needs, read once per data version."""
    return SourceCopy.objects.by_copy_url()


@per_data_version
def parliament_last_checked() -> datetime | None:
    """When Parliament was last checked (RecheckRun.objects.last_checked_at()), read once per data
    version: a successful re-check bumps the version even when it stored nothing (cache.py)."""
    return RecheckRun.objects.last_checked_at()


class Freshness:
    """What the footer of every page says about freshness, read only when a template asks."""

    def parliament_last_checked(self) -> datetime | None:
        return parliament_last_checked()


def freshness(request: HttpRequest) -> dict:
    """Context processor: `freshness.parliament_last_checked` for the footer of every page. Lazy, so
    a page that does not show the footer (a feed, an export) reads nothing."""
    return {"freshness": Freshness()}


def deadline_summary() -> dict:
    """The dates the government promised or the law set, by where they stand today (Deadline.standing(),
    the one rule): the home page counts those past with nothing delivered, met late and met on time.
    A third party's account of a date is left out here; the deadlines page shows it as such."""
    dated = Deadline.objects.published().held_to_account().filter(due_on__isnull=False)
    counts = dated.count_by_standing()
    return {
        "total": sum(counts.values()),
        "overdue": counts[DeadlineState.OVERDUE],
        "met_late": counts[DeadlineState.MET_LATE],
        "met_on_time": counts[DeadlineState.MET_ON_TIME],
    }


def recommendation_summary() -> dict:
    """Outside recommendations by the government's response: shown beside the promises, never
    counted with them (a rejected recommendation is not a discontinued commitment)."""
    counts = dict(
        Recommendation.objects.published().order_by().values_list("verdict").annotate(n=Count("pk"))
    )
    return {
        "total": sum(counts.values()),
        "by_verdict": [
            (verdict, counts[verdict.value]) for verdict in ResponseVerdict if counts.get(verdict.value)
        ],
    }


@per_data_version
def recommendations_by_commitment() -> dict[int, list[Recommendation]]:
    """The published recommendations each commitment bears on, read once per data version."""
    found: dict[int, list[Recommendation]] = {}
    for recommendation in (
        Recommendation.objects.published()
        .annotate(commitment_pk=F("commitments"))
        .filter(commitment_pk__isnull=False)
        .only("slug", "title", "made_by", "verdict", "verdict_is_inferred")
    ):
        found.setdefault(recommendation.commitment_pk, []).append(recommendation)
    return found
