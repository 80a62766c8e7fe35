"""What many public pages compute from all the data and share: remembered per data version and
day in each process (cache.PerDataVersion), so a page-cache miss renders with them at hand and only
the first request after a change computes them."""

from __future__ import annotations

from django.db.models import Count, F, Q

from ..models import (
    ActionPlan,
    Commitment,
    Evidence,
    Recommendation,
    ResponseVerdict,
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
        "themes": list(
            Theme.objects.annotate(n=Count("commitments", filter=Q(commitments__is_published=True))).filter(
                n__gt=0
            )
        ),
    }


def newly_evidenced_answers(limit: int = 6, window: int = 60) -> list[dict]:
    """The answers most recently confirmed as evidence, each once with every commitment it was
    confirmed for in that time. One query: the newest `window` confirmations (an index walks them),
    grouped here, so an answer evidencing five commitments takes one line, not five."""
    answers: dict[int, dict] = {}
    for item in Evidence.objects.published().newest_confirmed()[:window]:
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
