"""Sending one digest (or as-it-happens alert) per subscriber per period, exactly once: a fixed
number of queries, plus two per batch of DIGEST_BATCH_SIZE messages for the crash-safe bookkeeping
(three for alerts: the daily cap), never one per subscriber.

How a run goes (send_digests):
1. The period (periods.py): the window of the frequency that ended most recently (yesterday, or
   last week Monday to Monday, London time), starting where the previous period of that frequency
   ended, so a missed run leaves no gap. One DigestPeriod row per (frequency, end): a re-run finds it.
2. Planning (periods.py), once per period, in one transaction and one INSERT … SELECT: a pending
   DigestDelivery for each confirmed subscriber who follows something (a theme or a commitment) the
   window has news on. Nobody with nothing new gets a row, or an email.
3. Sending every pending delivery of the frequency (this period's, and any an earlier run left),
   in primary-key order, over one connection. Content is fetched once per period and rendered once
   per set of follows; each message only gets its subscriber's signed links.

Alerts are the same machinery on windows of a few minutes, so a burst of edits makes one email,
with one more rule: at most DIGEST_ALERTS_PER_DAY sent a day (London time) per subscriber. Past it a
delivery is marked `capped`, not sent, and the subscriber gets that day's daily digest instead
(SubscriberQuerySet.due).

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
from django.db.models import Count, F, QuerySet
from django.utils import timezone

from ..models import DigestDelivery, DigestFrequency, DigestPeriod, Subscriber
from ..ops.locks import run_exclusively
from .content import DigestContent, Follows, RenderedDigest, build_content, render_digest
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
    capped: int = 0
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
            "capped": self.capped,
            "failed": self.failed,
            "retry_later": self.retry_later,
            "interrupted": self.interrupted,
        }

    @property
    def kind(self) -> str:
        if self.frequency == DigestFrequency.AS_IT_HAPPENS:
            return "As-it-happens alerts"
        return f"{DigestFrequency(self.frequency).label} digests"

    def summary(self) -> str:
        text = (
            f"{self.kind}: {self.planned} planned, {self.sent} sent, "
            f"{self.skipped} skipped, {self.capped} over the daily cap, {self.failed} failed, "
            f"{self.retry_later} to retry."
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
    sent: list[int],
    skipped: list[tuple[int, str]],
    failures: list[tuple[DigestDelivery, str, bool]],
    capped: list[int] = (),
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
    by_reason: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pk, reason in skipped:
        by_reason[DigestDelivery.State.SKIPPED, reason].append(pk)
    for pk in capped:
        by_reason[DigestDelivery.State.CAPPED, CAPPED_REASON].append(pk)
    for (state, reason), pks in by_reason.items():
        DigestDelivery.objects.filter(pk__in=pks).update(state=state, last_error=reason, updated_at=now)
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


CAPPED_REASON = "Over the daily cap of alerts: rolled into the next daily digest."


def _alerts_left_today(batch: list[DigestDelivery]) -> dict[int, int]:
    """How many more alerts each subscriber in `batch` may get today (London time), in one query."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    subscriber_ids = {delivery.subscriber_id for delivery in batch}
    sent = dict(
        DigestDelivery.objects.sent()
        .filter(
            subscriber_id__in=subscriber_ids,
            period__frequency=DigestFrequency.AS_IT_HAPPENS,
            sent_at__gte=midnight,
        )
        .values_list("subscriber_id")
        .annotate(count=Count("pk"))
    )
    return {pk: settings.DIGEST_ALERTS_PER_DAY - sent.get(pk, 0) for pk in subscriber_ids}


def _send_period(
    period: DigestPeriod,
    content: DigestContent,
    *,
    connection,
    report: SendReport,
    progress: Callable[[int], None] | None,
) -> None:
    pending = DigestDelivery.objects.filter(period=period).pending()
    follows = _follows(pending, content)
    rendered: dict[tuple[Follows | None, datetime | None], RenderedDigest | None] = {}
    is_alert = period.frequency == DigestFrequency.AS_IT_HAPPENS
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
        allowance = _alerts_left_today(batch) if is_alert else {}
        sent: list[int] = []
        skipped: list[tuple[int, str]] = []
        capped: list[int] = []
        failures: list[tuple[DigestDelivery, str, bool]] = []
        try:
            for delivery in batch:
                subscriber = delivery.subscriber
                # Decided again at sending: since planning, the address may have unsubscribed, been
                # put back to pending by a new request, or moved to another frequency.
                if not subscriber.still_due(period.frequency):
                    skipped.append(
                        (
                            delivery.pk,
                            f"No longer due at sending ({subscriber.state}, {subscriber.frequency}).",
                        )
                    )
                    continue
                # Only what was recorded after they confirmed: a subscriber who confirmed inside
                # this window gets a cut of their own; everyone else shares renderings by follows.
                confirmed = subscriber.confirmed_at
                since = confirmed if confirmed and confirmed > period.starts_at else None
                key = (None if subscriber.all_themes else follows.get(subscriber.pk, Follows()), since)
                if key not in rendered:
                    part = content.for_follows(key[0], since=since)
                    rendered[key] = None if part.is_empty else render_digest(part)
                if rendered[key] is None:
                    skipped.append((delivery.pk, "Nothing new on what the subscriber follows."))
                    continue
                if is_alert and allowance[subscriber.pk] <= 0:
                    capped.append(delivery.pk)
                    continue
                message = digest_message(delivery, rendered[key], connection=connection)
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
                    if is_alert:
                        allowance[subscriber.pk] -= 1
                else:
                    failures.append((delivery, "The email backend did not accept the message.", False))
        except _Stop as stop:
            report.interrupted = str(stop)
        finally:
            report.failed += _record(sent, skipped, failures, capped)
            report.sent += len(sent)
            report.skipped += len(skipped)
            report.capped += len(capped)
            if progress:
                progress(len(sent) + len(skipped) + len(capped) + len(failures))
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
    follows = Follows(
        themes=frozenset(t.pk for t in subscriber.themes.all()),
        commitments=frozenset(c.pk for c in subscriber.commitments.all()),
    )
    content = content.for_follows(None if subscriber.all_themes else content.narrow(follows))
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


def _follows(deliveries: QuerySet[DigestDelivery], content: DigestContent) -> dict[int, Follows]:
    """What every subscriber with a delivery in `deliveries` follows, narrowed to what `content` is
    about (so few renderings serve everyone), in two queries."""
    themes: dict[int, set[int]] = defaultdict(set)
    commitments: dict[int, set[int]] = defaultdict(set)
    subscribers = deliveries.values("subscriber_id")
    for subscriber_id, theme_id in Subscriber.themes.through.objects.filter(
        subscriber_id__in=subscribers, theme_id__in=content.theme_ids
    ).values_list("subscriber_id", "theme_id"):
        themes[subscriber_id].add(theme_id)
    for subscriber_id, commitment_id in Subscriber.commitments.through.objects.filter(
        subscriber_id__in=subscribers, commitment_id__in=content.commitment_ids
    ).values_list("subscriber_id", "commitment_id"):
        commitments[subscriber_id].add(commitment_id)
    return {
        pk: Follows(themes=frozenset(themes[pk]), commitments=frozenset(commitments[pk]))
        for pk in themes.keys() | commitments.keys()
    }
