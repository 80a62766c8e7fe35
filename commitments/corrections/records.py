"""Readers' suggested corrections: stored for editors, decided on by them, never published."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from ..models import Commitment, Correction, CorrectionState


def suggest_correction(
    *,
    commitment: Commitment,
    what_is_wrong: str,
    source: str = "",
    from_own_experience: bool = False,
    email: str = "",
) -> Correction:
    """Keep a reader's correction as they typed it, as new. Nothing public changes: an editor reads
    it in the admin and, if it is right, makes the change through the usual services. A reader who
    knows it from their own experience need give no source; editors see it labelled so."""
    return Correction.objects.create(
        commitment=commitment,
        what_is_wrong=what_is_wrong,
        source=source,
        from_own_experience=from_own_experience,
        email=email,
        state=CorrectionState.NEW,
    )


def decide_correction(
    correction: Correction, *, state: CorrectionState, by: AbstractBaseUser, note: str | None = None
) -> Correction:
    """Record an editor's decision on a correction (accepted or declined, or back to new), and who made it."""
    correction.state = state
    correction.reviewed_by = by if state != CorrectionState.NEW else None
    fields = ["state", "reviewed_by", "updated_at"]
    if note is not None:
        correction.editor_note = note
        fields.append("editor_note")
    correction.save(update_fields=fields)
    return correction
