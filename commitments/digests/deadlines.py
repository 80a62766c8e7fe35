"""Alerts for promised dates that pass with nothing delivered: each follower of the commitment is
told once, and never twice, however often the check runs or on however many workers.

Exactly once: a DeadlineAlert row per (deadline, follower) is planned first (a unique key, so a
second planner adds nothing), then each pending row is claimed under a row lock that other workers
skip, sent, and marked sent in the same transaction. A row whose email failed stays pending for the
next run; a row is never sent after being marked sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..models import Deadline, DeadlineAlert, DeadlineAlertState, Subscriber
from ..models.deadlines import today
from .subscriptions import MANAGE, UNSUBSCRIBE, absolute_link

logger = logging.getLogger(__name__)


@dataclass
class DeadlineAlertReport:
    planned: int = 0
    sent: int = 0
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"planned": self.planned, "sent": self.sent, "failed": self.failed}


def passed_deadlines(on: date) -> list[Deadline]:
    """Published deadlines of published commitments overdue on `on` (Deadline.standing's rule); a
    third party's account of a date is not a promise, so it is never alerted."""
    return list(
        Deadline.objects.published()
        .held_to_account()
        .passed_undelivered(on)
        .filter(commitment__isnull=False)
        .select_related("commitment")
    )


def plan_deadline_alerts(on: date) -> int:
    """A pending alert for each confirmed follower of each passed deadline's commitment who had
    confirmed by the promised day: a date that passed before someone followed is not news to them.
    Rows that exist already (planned or sent) are left alone."""
    rows = [
        DeadlineAlert(deadline=deadline, subscriber=subscriber)
        for deadline in passed_deadlines(on)
        for subscriber in Subscriber.objects.confirmed().filter(
            commitments=deadline.commitment_id, confirmed_at__date__lte=deadline.due_on
        )
    ]
    before = DeadlineAlert.objects.count()
    DeadlineAlert.objects.bulk_create(rows, ignore_conflicts=True)
    return DeadlineAlert.objects.count() - before


def alert_message(alert: DeadlineAlert, *, on: date, connection=None) -> EmailMessage:
    deadline, subscriber = alert.deadline, alert.subscriber
    commitment = deadline.commitment
    page = (
        settings.SITE_URL + reverse("commitments:commitment", args=[commitment.slug]) + "#deadlines-heading"
    )
    words = f"“{deadline.promise}”" if deadline.promise_is_verbatim else deadline.promise
    claim = (
        "\nThis date is a third party's claim, not the government's words.\n"
        if deadline.is_third_party_date
        else ""
    )
    body = (
        f"{commitment.title}\n\n"
        f"A promised date has passed with nothing delivered, as far as the tracker knows: "
        f"{deadline.due_on:%-d %B %Y}. {deadline.standing(on).text}.\n{claim}\n"
        f"The promise: {words}\n({deadline.said_by}; source: {deadline.source_url})\n\n"
        f"Read more: {page}\n\n"
        f"You follow this commitment. Change what you follow: {absolute_link(subscriber, MANAGE)}\n"
        f"Unsubscribe: {absolute_link(subscriber, UNSUBSCRIBE)}\n"
    )
    host = urlparse(settings.SITE_URL).hostname or "localhost"
    return EmailMessage(
        f"Promised date passed: {commitment.title}",
        body,
        to=[subscriber.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{absolute_link(subscriber, UNSUBSCRIBE)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": f"<deadline-alert-{alert.pk}@{host}>",
        },
    )


def alert_passed_deadlines(*, on: date | None = None, connection=None) -> DeadlineAlertReport:
    """Plan, then send every pending alert whose deadline is still passed and undelivered and whose
    follower is still subscribed (a date delivered meanwhile is not alerted)."""
    on = on or today()
    report = DeadlineAlertReport(planned=plan_deadline_alerts(on))
    connection = connection or get_connection()
    still_due = DeadlineAlert.objects.filter(
        state=DeadlineAlertState.PENDING,
        deadline__in=Deadline.objects.published().held_to_account().passed_undelivered(on),
        subscriber__in=Subscriber.objects.confirmed(),
    )
    while True:
        with transaction.atomic():
            alert = (
                still_due.select_for_update(skip_locked=True, of=("self",))
                .select_related("deadline__commitment", "subscriber")
                .order_by("pk")
                .first()
            )
            if alert is None:
                return report
            try:
                alert_message(alert, on=on, connection=connection).send()
            except Exception as error:  # the row stays pending for the next run
                logger.warning("Deadline alert %s not sent: %s", alert.pk, error)
                report.failed.append(f"{alert.subscriber.email}: {error}")
                return report
            alert.state = DeadlineAlertState.SENT
            alert.sent_at = timezone.now()
            alert.save(update_fields=["state", "sent_at"])
            report.sent += 1
