"""A commitment's status changes only here: the history row first, the cached status after it."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..exceptions import StatusChangeError
from ..models import Commitment, Status, StatusChange, WrittenQuestion


def check_status_change(
    commitment: Commitment, *, to: str, reason: str, effective_on: date, source_url: str = ""
) -> None:
    """The rules a new status change must meet; raises StatusChangeError with the reason.

    The one check that a change is not dated before the latest one: the admin's form, the
    editor's status change and an accepted status suggestion all come through here."""
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
    latest = commitment.status_changes.latest_or_none() if commitment.pk else None
    if latest and effective_on < latest.effective_on:
        raise StatusChangeError(
            f"A status change cannot take effect on {effective_on:%d/%m/%Y}, before the latest one "
            f"({latest.effective_on:%d/%m/%Y}): history is append-only. If something older still "
            "applies, record a new change citing it and say in the reason when it happened."
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
    previous = locked.status_changes.latest_or_none()
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


def status_history_mismatches() -> list[str]:
    """Slugs of commitments whose cached status disagrees with their history (should be none)."""
    return list(
        Commitment.objects.with_latest_status()
        .exclude(status=F("latest_status"))
        .values_list("slug", flat=True)
    )
