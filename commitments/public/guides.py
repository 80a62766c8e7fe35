"""The pages that explain rather than list: how the tracker decides (methodology) and what a family
can do (help, your MP, the glossary). Each is mostly words; the views fetch only the examples."""

from __future__ import annotations

from django.views.generic import TemplateView

from ..models import Commitment, Status, StatusChange
from ..models.querysets import RECENT_EVIDENCE_DAYS
from .glossary import TERMS


def status_examples() -> list[dict]:
    """Each status with one published commitment now at it, and the change that put it there
    (reason and what it rests on): an example from the data itself, so it is never out of date.
    Two queries."""
    examples: dict[str, Commitment] = {}
    for commitment in Commitment.objects.published().order_by("title").only("slug", "title", "status"):
        examples.setdefault(commitment.status, commitment)
    chosen = [commitment.pk for commitment in examples.values()]
    latest: dict[int, StatusChange] = {}
    for change in (
        StatusChange.objects.filter(commitment__in=chosen)
        .with_named_sources()
        .order_by("commitment_id", "-effective_on", "-pk")
    ):
        latest.setdefault(change.commitment_id, change)
    return [
        {
            "status": status,
            "commitment": examples.get(status.value),
            "change": latest.get(examples[status.value].pk) if status.value in examples else None,
        }
        for status in Status
    ]


class MethodologyView(TemplateView):
    template_name = "commitments/methodology.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "examples": status_examples(),
            "recent_days": RECENT_EVIDENCE_DAYS,
        }


class WhatCanIDoView(TemplateView):
    template_name = "commitments/what_can_i_do.html"


class GlossaryView(TemplateView):
    template_name = "commitments/glossary.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"terms": TERMS}
