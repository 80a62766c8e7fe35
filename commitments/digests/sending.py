"""Sending one digest per subscriber per period, exactly once: a fixed number of queries, plus two
per batch of DIGEST_BATCH_SIZE messages for the crash-safe bookkeeping, never one per subscriber.

How a run goes (send_digests):
1. The period (periods.py): the window of the frequency that ended most recently (yesterday, or
   last week Monday to Monday, London time), starting where the previous period of that frequency
   ended, so a missed run leaves no gap. One DigestPeriod row per (frequency, end): a re-run finds it.
2. Planning (periods.py), once per period, in one transaction and one INSERT … SELECT: a pending
   DigestDelivery for each confirmed subscriber whose themes have something in the window. Nobody
   with nothing new gets a row, or an email.
3. Sending every pending delivery of the frequency (this period's, and any an earlier run left),
   in primary-key order, over one connection. Content is fetched once per period and rendered once
   per set of themes; each message only gets its subscriber's signed links.

Exactly once: a delivery becomes `sent` only after the backend accepted its message, and the sent
rows are written every DIGEST_BATCH_SIZE messages, and at once when anything stops the run (an
SMTP error, a lost connection, a time limit, any exception). A re-run sends the pending rows and
never a sent one. The one window left is a process killed outright (SIGKILL, power loss) after the
server accepted messages and before their batch was written: those, at most one batch, are sent
again, with the same Message-ID (digest-<delivery id>@host), which receiving systems use to drop
duplicates. DIGEST_BATCH_SIZE=1 closes the window at the cost of one write per message.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, QuerySet
from django.utils import timezone

from ..models import DigestDelivery, DigestFrequency, DigestPeriod, Subscriber, SubscriberState
from ..ops.locks import run_exclusively
from .content import DigestContent, RenderedDigest, ThemeSet, build_content, render_digest
from .periods import content_for, current_period, pending_count, period_bounds, plan_deliveries
from .subscriptions import MANAGE, UNSUBSCRIBE, absolute_link

logger = logging.getLogger(__name__)


@dataclass
class SendReport:
    frequency: str
    period: DigestPeriod | None = None
    planned: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retry_later: int = 0
    interrupted: str = ""

    def as_dict(self) -> dict:
        return {
            "frequency": self.frequency,
            "period": self.period.pk if self.period else None,
            "planned": self.planned,
            "sent": self.sent,
            "skipped": self.skipped,
            "failed": self.failed,
            "retry_later": self.retry_later,
            "interrupted": self.interrupted,
        }

    def summary(self) -> str:
        text = (
            f"{DigestFrequency(self.frequency).label} digests: {self.planned} planned, {self.sent} sent, "
            f"{self.skipped} skipped, {self.failed} failed, {self.retry_later} to retry."
        )
        return text + (f" Stopped early: {self.interrupted}" if self.interrupted else "")


def digest_message(
    delivery: DigestDelivery, digest: RenderedDigest, *, connection=None
) -> EmailMultiAlternatives:
    """One subscriber's email: both parts, their signed links, and RFC 8058 one-click unsubscribe."""
    subscriber = delivery.subscriber
    unsubscribe_url = absolute_link(subscriber, UNSUBSCRIBE)
    text, html = digest.for_links(
        manage_url=absolute_link(subscriber, MANAGE), unsubscribe_url=unsubscribe_url
    )
    message = EmailMultiAlternatives(
        digest.subject,
        text,
        to=[subscriber.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": f"<digest-{delivery.pk}@{urlparse(settings.SITE_URL).hostname or 'localhost'}>",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


class _Stop(Exception):
    """The connection is gone: stop this run, after recording what was sent."""


def _is_permanent(error: Exception) -> bool:
    """A refusal that retrying will not change: a bounced recipient, or any 5xx reply."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _record(
    sent: list[int], skipped: list[tuple[int, str]], failures: list[tuple[DigestDelivery, str, bool]]
):
    """Write a batch's outcome: one statement for the sent ones, one per kind of skip, one per failure."""
    now = timezone.now()
    if sent:
        DigestDelivery.objects.filter(pk__in=sent).update(
            state=DigestDelivery.State.SENT,
            sent_at=now,
            attempts=F("attempts") + 1,
            last_error="",
            updated_at=now,
        )
    by_reason: dict[str, list[int]] = defaultdict(list)
    for pk, reason in skipped:
        by_reason[reason].append(pk)
    for reason, pks in by_reason.items():
        DigestDelivery.objects.filter(pk__in=pks).update(
            state=DigestDelivery.State.SKIPPED, last_error=reason, updated_at=now
        )
    failed = 0
    for delivery, error, permanent in failures:
        attempts = delivery.attempts + 1
        gives_up = permanent or attempts >= settings.DIGEST_MAX_ATTEMPTS
        failed += gives_up
        DigestDelivery.objects.filter(pk=delivery.pk).update(
            state=DigestDelivery.State.FAILED if gives_up else DigestDelivery.State.PENDING,
            attempts=attempts,
            last_error=error[:2000],
            updated_at=now,
        )
    return failed


def _send_period(
    period: DigestPeriod,
    content: DigestContent,
    *,
    connection,
    report: SendReport,
    progress: Callable[[int], None] | None,
) -> None:
    pending = DigestDelivery.objects.filter(period=period).pending()
    chosen = _chosen_themes(pending)
    rendered: dict[ThemeSet, RenderedDigest | None] = {}
    last_pk = 0
    while True:
        batch = list(
            pending.filter(pk__gt=last_pk)
            .select_related("subscriber")
            .only(
                "attempts",
                "subscriber__email",
                "subscriber__token",
                "subscriber__all_themes",
                "subscriber__unsubscribed_at",
                "subscriber__confirmed_at",
                "subscriber__frequency",
            )
            .order_by("pk")[: settings.DIGEST_BATCH_SIZE]
        )
        if not batch:
            return
        last_pk = batch[-1].pk
        sent: list[int] = []
        skipped: list[tuple[int, str]] = []
        failures: list[tuple[DigestDelivery, str, bool]] = []
        try:
            for delivery in batch:
                subscriber = delivery.subscriber
                # Decided again at sending: since planning, the address may have unsubscribed, been
                # put back to pending by a new request, or moved to the other frequency.
                if subscriber.state != SubscriberState.CONFIRMED or subscriber.frequency != period.frequency:
                    skipped.append(
                        (
                            delivery.pk,
                            f"No longer due at sending ({subscriber.state}, {subscriber.frequency}).",
                        )
                    )
                    continue
                themes = None if subscriber.all_themes else frozenset(chosen.get(subscriber.pk, ()))
                if themes not in rendered:
                    part = content.for_themes(themes)
                    rendered[themes] = None if part.is_empty else render_digest(part)
                if rendered[themes] is None:
                    skipped.append((delivery.pk, "Nothing new on the subscriber's themes."))
                    continue
                message = digest_message(delivery, rendered[themes], connection=connection)
                try:
                    accepted = connection.send_messages([message])
                except smtplib.SMTPException as error:
                    permanent = _is_permanent(error)
                    failures.append((delivery, f"{type(error).__name__}: {error}", permanent))
                    if permanent or isinstance(error, smtplib.SMTPResponseException):
                        continue  # this recipient only; the connection is still good
                    raise _Stop(f"{type(error).__name__}: {error}") from error
                except Exception as error:
                    failures.append((delivery, f"{type(error).__name__}: {error}", False))
                    raise _Stop(f"{type(error).__name__}: {error}") from error
                if accepted == 1:
                    sent.append(delivery.pk)
                else:
                    failures.append((delivery, "The email backend did not accept the message.", False))
        except _Stop as stop:
            report.interrupted = str(stop)
        finally:
            report.failed += _record(sent, skipped, failures)
            report.sent += len(sent)
            report.skipped += len(skipped)
            if progress:
                progress(len(sent) + len(skipped) + len(failures))
        if report.interrupted:
            return


def sending_lock(frequency: str) -> AbstractContextManager[bool]:
    """One sender per frequency at a time, so two workers never send the same pending batch; a
    worker killed mid-run never leaves it held, so the re-run resumes at once (ops/locks.py)."""
    return run_exclusively(f"tracker:digests:{frequency}")


def send_digests(
    *,
    frequency: str,
    now: datetime | None = None,
    connection=None,
    progress: Callable[[int], None] | None = None,
) -> SendReport:
    """Plan the current period of `frequency` (once) and send every pending delivery of that
    frequency. Safe to run again at any point, and by two workers at once: planning is under a row
    lock, sending under `sending_lock` (a second sender leaves the work to the first)."""
    report = SendReport(frequency=frequency)
    period = current_period(frequency, now=now)
    report.period = period
    contents: dict[int, DigestContent] = {}
    if period.planned_at is None:
        contents[period.pk] = content_for(period)
        report.planned = plan_deliveries(period, contents[period.pk])
    periods = list(
        DigestPeriod.objects.filter(
            frequency=frequency,
            pk__in=DigestDelivery.objects.pending().values("period_id"),
        ).order_by("ends_at")
    )
    if periods:
        with sending_lock(frequency) as acquired:
            if acquired:
                _send_periods(periods, contents, connection=connection, report=report, progress=progress)
            else:
                report.interrupted = f"Another run is sending the {frequency} digests; it sends these too."
                logger.info(report.interrupted)
    report.retry_later = pending_count(frequency)
    logger.info(report.summary())
    return report


def _send_periods(periods, contents, *, connection, report: SendReport, progress) -> None:
    connection = connection or get_connection()
    try:
        connection.open()
    except Exception as error:
        report.interrupted = f"Could not connect to the email server: {type(error).__name__}: {error}"
        logger.warning(report.interrupted)
        return
    try:
        for each in periods:
            content = contents.get(each.pk) or content_for(each)
            _send_period(each, content, connection=connection, report=report, progress=progress)
            if report.interrupted:
                break
    finally:
        connection.close()


def preview_digest(
    subscriber: Subscriber, *, now: datetime | None = None
) -> tuple[DigestContent, str, str, str]:
    """The subscriber's next digest as it stands now: from the end of the last period of their
    frequency (or the last natural boundary) until now. Returns content, subject, text and HTML."""
    now = now or timezone.now()
    last = DigestPeriod.objects.filter(frequency=subscriber.frequency).order_by("-ends_at").first()
    starts_at = last.ends_at if last else period_bounds(subscriber.frequency, now=now)[1]
    content = build_content(frequency=subscriber.frequency, starts_at=min(starts_at, now), ends_at=now)
    content = content.for_themes(
        None if subscriber.all_themes else frozenset(t.pk for t in subscriber.themes.all())
    )
    digest = render_digest(content)
    text, html = digest.for_links(
        manage_url=absolute_link(subscriber, MANAGE), unsubscribe_url=absolute_link(subscriber, UNSUBSCRIBE)
    )
    return content, digest.subject, text, html


def resend_deliveries(deliveries: QuerySet[DigestDelivery]) -> list[str]:
    """Put failed or skipped deliveries back to pending with their attempts reset, and return the
    frequencies to send. Sent ones are left alone: a digest is never sent twice, and the
    (period, subscriber) row stays the one record of it."""
    chosen = deliveries.filter(state__in=[DigestDelivery.State.FAILED, DigestDelivery.State.SKIPPED])
    frequencies = sorted(set(chosen.values_list("period__frequency", flat=True)))
    chosen.update(state=DigestDelivery.State.PENDING, attempts=0, last_error="", updated_at=timezone.now())
    return frequencies


def _chosen_themes(deliveries: QuerySet[DigestDelivery]) -> dict[int, set[int]]:
    """The chosen themes of every subscriber with a delivery in `deliveries`, in one query."""
    chosen: dict[int, set[int]] = defaultdict(set)
    rows = Subscriber.themes.through.objects.filter(
        subscriber_id__in=deliveries.values("subscriber_id")
    ).values_list("subscriber_id", "theme_id")
    for subscriber_id, theme_id in rows:
        chosen[subscriber_id].add(theme_id)
    return chosen
