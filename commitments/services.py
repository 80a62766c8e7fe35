"""Writes that carry rules. Views, admin, tasks, commands and tests all come through here."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .exceptions import EvidenceError, StatusChangeError
from .models import Commitment, Evidence, Status, StatusChange, WrittenQuestion


def check_status_change(
    commitment: Commitment, *, to: str, reason: str, effective_on: date, source_url: str = ""
) -> None:
    """The rules a new status change must meet; raises StatusChangeError with the reason."""
    if to not in Status.values:
        raise StatusChangeError(f"“{to}” is not a status. Use one of: {', '.join(Status.values)}.")
    if not reason or not reason.strip():
        raise StatusChangeError("A status change needs a reason.")
    if effective_on > timezone.localdate():
        raise StatusChangeError("A status change cannot take effect in the future.")
    if source_url:
        try:
            URLValidator(schemes=["http", "https"])(source_url)
        except ValidationError:
            raise StatusChangeError(f"“{source_url}” is not an http(s) URL.") from None
    previous = commitment.status_changes.order_by("-effective_on", "-pk").first() if commitment.pk else None
    if previous and effective_on < previous.effective_on:
        raise StatusChangeError(
            f"The latest status change took effect on {previous.effective_on:%d/%m/%Y}; a new one "
            "cannot take effect before it. History is append-only: mention earlier events in the "
            "reason of a new change."
        )


@transaction.atomic
def record_status_change(
    commitment: Commitment,
    *,
    to: Status | str,
    reason: str,
    effective_on: date,
    by: AbstractBaseUser | None = None,
    question: WrittenQuestion | None = None,
    source_url: str = "",
    origin: StatusChange.Origin = StatusChange.Origin.EDITOR,
) -> StatusChange:
    """The only way a commitment's status changes.

    The history row is written first and the cached status follows it in the same transaction,
    under a row lock, so two editors saving at once cannot leave them disagreeing.
    """
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    check_status_change(locked, to=to, reason=reason, effective_on=effective_on, source_url=source_url)
    previous = locked.status_changes.order_by("-effective_on", "-pk").first()
    change = StatusChange.objects.create(
        commitment=locked,
        from_status=previous.to_status if previous else "",
        to_status=to,
        effective_on=effective_on,
        reason=reason.strip(),
        question=question,
        source_url=source_url,
        origin=origin,
        changed_by=by,
    )
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    commitment.status = locked.status
    return change


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
    refused: it would put an old status back, dated as if it were new.
    """
    evidence = (
        Evidence.objects.select_for_update().select_related("commitment", "question").get(pk=evidence.pk)
    )
    if not evidence.suggested_status:
        raise EvidenceError("This evidence carries no status suggestion.")
    if evidence.status_change_id:
        raise EvidenceError("This status suggestion was accepted already.")
    commitment, question = evidence.commitment, evidence.question
    if commitment.status == evidence.suggested_status:
        raise EvidenceError(f"{commitment.slug} is already “{commitment.get_status_display()}”.")
    if evidence.state != Evidence.State.CONFIRMED:
        confirm_evidence(evidence, by=by)
    latest = commitment.status_changes.order_by("-effective_on", "-pk").first()
    effective_on = question.date_answered or timezone.localdate()
    if latest and latest.effective_on > effective_on:
        raise EvidenceError(
            f"The answer of {effective_on:%d/%m/%Y} is older than the latest status change "
            f"({latest.effective_on:%d/%m/%Y}), so it cannot set the current status. If it still "
            "applies, record a status change on the commitment's page, citing it."
        )
    answered = f" of {question.date_answered:%d/%m/%Y}" if question.date_answered else ""
    change = record_status_change(
        commitment,
        to=evidence.suggested_status,
        reason=f"The answer{answered} ({question}) says “{evidence.status_cue}”: {evidence.excerpt}",
        effective_on=effective_on,
        by=by,
        question=question,
        source_url=question.citation_url,
        origin=StatusChange.Origin.SUGGESTION,
    )
    evidence.status_change = change
    evidence.save(update_fields=["status_change", "updated_at"])
    return change


def status_history_mismatches() -> list[str]:
    """Slugs of commitments whose cached status disagrees with their history (should be none)."""
    return list(
        Commitment.objects.with_latest_status()
        .exclude(status=F("latest_status"))
        .values_list("slug", flat=True)
    )
