"""Writes that carry rules. Views, admin, tasks, commands and tests all come through here."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .exceptions import EvidenceError, StatusChangeError
from .models import Commitment, Evidence, Status, StatusChange, WrittenQuestion


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
    if to not in Status.values:
        raise StatusChangeError(f"“{to}” is not a status. Use one of: {', '.join(Status.values)}.")
    if not reason or not reason.strip():
        raise StatusChangeError("A status change needs a reason.")
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    has_history = locked.status_changes.exists()
    change = StatusChange.objects.create(
        commitment=locked,
        from_status=locked.status if has_history else "",
        to_status=to,
        effective_on=effective_on,
        reason=reason.strip(),
        question=question,
        source_url=source_url,
        origin=origin,
        changed_by=by,
    )
    # The cached status is the latest by effective date, which a back-dated change may not be.
    latest = locked.status_changes.latest()
    if locked.status != latest.to_status or not has_history:
        locked.status = latest.to_status
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


def status_history_mismatches() -> list[str]:
    """Slugs of commitments whose cached status disagrees with their history (should be none)."""
    return list(
        Commitment.objects.with_latest_status()
        .exclude(status=F("latest_status"))
        .values_list("slug", flat=True)
    )
