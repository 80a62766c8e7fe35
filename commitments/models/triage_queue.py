"""The editors' triage queue, for every kind of source: what triage records on a source (`Triaged`)
and which sources wait (`AwaitingTriage` for written answers, `ObservedAwaitingTriage` for written
statements, Hansard contributions and GOV.UK publications). Like querysets, it never imports the
model modules: it reaches a source's events through the source's own relation."""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from .choices import EvidenceState, QuestionEventKind, SourceEventKind

# What brings a triaged source back: Parliament corrected it, or its text changed (an answer's or a
# statement's, contribution's or publication's event of that kind), or GOV.UK announced an update
# of a publication (a new version of an attachment is news its summary may not show).
RETURNS_TO_TRIAGE = {
    QuestionEventKind.CORRECTED,
    QuestionEventKind.TEXT_CHANGED,
    SourceEventKind.TEXT_CHANGED,
    SourceEventKind.UPDATED,
}


class Triaged(models.Model):
    """What the triage screen records on a source once an editor has looked at it and its candidate
    commitments (commitments.editorial.triage)."""

    triaged_at = models.DateTimeField(
        null=True, blank=True, help_text="When an editor finished triaging it; empty while it waits."
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    not_evidence = models.BooleanField(
        default=False, help_text="An editor found it is evidence for no commitment (triaged as such)."
    )
    cleared_in_bulk = models.BooleanField(
        default=False,
        help_text="Taken out of the triage queue with an old backlog, unread: no strong candidate.",
    )

    class Meta:
        abstract = True


def _returned_as(queryset: models.QuerySet) -> Coalesce:
    """The kind of the latest event that brought a triaged source back (RETURNS_TO_TRIAGE), else ""."""
    relation = queryset.model._meta.get_field("events")
    changed = relation.related_model.objects.filter(
        **{relation.field.name: OuterRef("pk")},
        kind__in=RETURNS_TO_TRIAGE,
        observed_at__gt=OuterRef("triaged_at"),
    ).order_by("-observed_at", "-pk")
    return Coalesce(Subquery(changed.values("kind")[:1]), Value(""))


class AwaitingTriage(models.QuerySet):
    def awaiting_triage(self) -> Self:
        """The triage queue, newest first: answers worth reading (querysets.py), either never
        triaged (done, not evidence, or cleared with an old backlog: commitments.editorial.triage)
        or corrected or changed since it was. `returned_as` is then that event's kind, else ""."""
        return (
            self.worth_reading()  # the one rule (querysets.WORTH_READING)
            .annotate(returned_as=_returned_as(self))
            .filter(Q(triaged_at__isnull=True) | ~Q(returned_as=""))
            .order_by(models.F("date_answered").desc(), "-id")
        )


class ObservedAwaitingTriage(models.QuerySet):
    def worth_matching(self) -> Self:
        """What the matching is queued for and reads: naming IPP, with some text in the model's
        `TEXT_FIELDS` (a publication's summary or its pasted passages). The rest would be skipped
        (`suggestions.why_source_skipped` says which part fails), and matching withdraws nothing,
        so they are not queued. Whitespace is as PostgreSQL's regular expressions know it, which may
        be narrower than Python's: a text of only no-break spaces is queued and then skipped."""
        with_text = Q()
        for name in getattr(self.model, "TEXT_FIELDS", ("text",)):
            with_text |= Q(**{f"{name}__regex": r"\S"})
        return self.filter(Q(is_about_ipp=True) & with_text)

    def worth_reading(self) -> Self:
        """What triage shows: what matching reads, or a source holding a suggestion already
        (research labels suggest passages of contributions that do not name IPP themselves)."""
        suggested = (
            self.model._meta.get_field("evidence")
            .related_model.objects.filter(state=EvidenceState.SUGGESTED)
            .values(self.model.EVIDENCE_FIELD)
        )
        return self.worth_matching() | self.filter(pk__in=suggested)

    def awaiting_triage(self) -> Self:
        """The triage queue of this kind, newest first (an unknown date last): as the answers' queue,
        a source waits until triaged, or comes back when its text changed since."""
        return (
            self.worth_reading()
            .annotate(returned_as=_returned_as(self))
            .filter(Q(triaged_at__isnull=True) | ~Q(returned_as=""))
            .order_by(models.F(self.model.DATE_FIELD).desc(nulls_last=True), "-id")
        )
