"""Editors' decisions on evidence: confirm, reject, or accept the status a suggestion points to.
Each records who decided and when; the admin and the tests come through here."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from ..exceptions import EvidenceError
from ..models import Evidence, StatusChange
from ..models.evidence import SOURCE_FIELDS
from ..text.attachments import excerpt_in
from .status import record_status_change

# What a status change's reason calls the source it rests on.
NOUNS = {
    "written_answer": "answer",
    "written_statement": "written statement",
    "debate": "Hansard contribution",
    "publication": "GOV.UK publication",
}


@transaction.atomic
def confirm_evidence(
    evidence: Evidence, *, by: AbstractBaseUser | None, excerpt: str | None = None
) -> Evidence:
    """Confirm a link so it shows publicly; the excerpt must be a passage of the answer."""
    if evidence.state == Evidence.State.REJECTED:
        raise EvidenceError("A rejected suggestion must be re-suggested before it can be confirmed.")
    excerpt = (excerpt if excerpt is not None else evidence.excerpt).strip()
    if not excerpt:
        raise EvidenceError("Confirmed evidence needs the quoted excerpt from the answer.")
    if evidence.publication_id and not excerpt_in(evidence.publication.quotable_text, excerpt):
        raise EvidenceError(
            "The excerpt is not in the publication's summary or in the passages pasted from its "
            "attachments. Paste the passage, verbatim, under the attachment's address in the "
            "publication's passages, then quote it."
        )
    evidence.excerpt = excerpt
    evidence.state = Evidence.State.CONFIRMED
    evidence.reviewed_by = by
    evidence.reviewed_at = timezone.now()
    evidence.save()
    return evidence


@transaction.atomic
def reject_evidence(evidence: Evidence, *, by: AbstractBaseUser | None) -> Evidence:
    """Reject a link; the matcher will not suggest it again."""
    evidence.state = Evidence.State.REJECTED
    evidence.reviewed_by = by
    evidence.reviewed_at = timezone.now()
    evidence.save()
    return evidence


@transaction.atomic
def accept_status_suggestion(evidence: Evidence, *, by: AbstractBaseUser | None) -> StatusChange:
    """Apply the status an answer's wording points to, citing that answer. Confirms the evidence
    too: a status change must rest on a quote the public can read.

    The change takes effect on the day of the answer. An answer older than the latest change is
    refused (by check_status_change, the one check): it would put an old status back, dated as if
    it were new.
    """
    evidence = (
        Evidence.objects.select_for_update(of=("self",))
        .select_related("commitment", *SOURCE_FIELDS)
        .get(pk=evidence.pk)
    )
    if not evidence.suggested_status:
        raise EvidenceError("This evidence carries no status suggestion.")
    if evidence.status_change_id:
        raise EvidenceError("This status suggestion was accepted already.")
    commitment, question, source = evidence.commitment, evidence.question, evidence.source
    if commitment.status == evidence.suggested_status:
        raise EvidenceError(f"{commitment.slug} is already “{commitment.get_status_display()}”.")
    if evidence.state != Evidence.State.CONFIRMED:
        confirm_evidence(evidence, by=by)
    said_on = question.date_answered if question else source.day
    effective_on = said_on or timezone.localdate()
    noun = "answer" if question else NOUNS[source.kind]
    answered = f" of {said_on:%d/%m/%Y}" if said_on else ""
    change = record_status_change(
        commitment,
        to=evidence.suggested_status,
        reason=f"The {noun}{answered} ({evidence.source_record}) says “{evidence.status_cue}”: "
        f"{evidence.excerpt}",
        effective_on=effective_on,
        by=by,
        question=question,
        source_url=source.citation_url,
        origin=StatusChange.Origin.SUGGESTION,
    )
    evidence.status_change = change
    evidence.save(update_fields=["status_change", "updated_at"])
    return change
