"""Corrections readers suggest on a commitment's page, kept for editors and never published."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .choices import CorrectionState, in_choices
from .plan import Commitment


class Correction(models.Model):
    """A reader's note that something on a commitment's page is wrong, with the source they give.

    Stored as the reader typed it (plain text, shown escaped everywhere) for editors to review in
    the admin. Nothing public reads this table: accepting a correction changes nothing by itself,
    an editor makes the change through the usual doors."""

    State = CorrectionState

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="corrections")
    what_is_wrong = models.TextField()
    source = models.TextField(
        blank=True, help_text="Where the reader says the right information is: a link or a reference."
    )
    from_own_experience = models.BooleanField(
        default=False,
        help_text="The reader says they know this from their own experience (no source needed).",
    )
    email = models.EmailField(max_length=254, blank=True, help_text="Given only if the reader wants a reply.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    editor_note = models.TextField(blank=True, help_text="For editors only: what was done, and why.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("state", CorrectionState), name="correction_state_valid"
            ),
        ]
        indexes = [models.Index(fields=["state", "-created_at"], name="correction_queue")]

    def __str__(self) -> str:
        return f"Correction to {self.commitment.slug} ({self.get_state_display()})"
