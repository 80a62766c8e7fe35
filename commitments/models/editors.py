"""What the tracker remembers about its editors' mornings: when each last opened the admin index
(what changed since is listed there), and the daily email each was sent, one a day."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EditorVisit(models.Model):
    """When an editor last opened the admin index; the index lists what changed since."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user} at {self.seen_at:%d/%m/%Y %H:%M}"


class EditorEmail(models.Model):
    """The editors' daily email as sent to one editor on one day: two runs, or two workers, never
    send it twice (the unique key), and the next one covers what changed since this."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="editor_email_once_a_day")]
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.user}, {self.day:%d/%m/%Y}"
