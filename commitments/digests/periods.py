"""Which window a digest run covers, and who is due: planning a period once, for everyone.

A period is the natural window that ended most recently (yesterday, or last week Monday to Monday,
London time; for as-it-happens alerts the last whole few minutes, a minute after they ended),
starting where the previous period of its frequency ended, so a missed run leaves no gap. Planning
inserts one pending DigestDelivery per due subscriber with something new on what they follow (a
theme, or a commitment), in one statement whatever their number.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from ..models import DeliveryState, DigestDelivery, DigestFrequency, DigestPeriod, Subscriber
from ..ops.schedules import ALERT_MINUTES
from .content import DigestContent, build_content

PERIOD_LENGTH = {
    DigestFrequency.AS_IT_HAPPENS: timedelta(minutes=ALERT_MINUTES),
    DigestFrequency.DAILY: timedelta(days=1),
    DigestFrequency.WEEKLY: timedelta(days=7),
}
# An alert window closes this long after its end, so a change whose transaction was still
# committing at the boundary is already visible when the window is read.
ALERT_SETTLE = timedelta(minutes=1)


def period_bounds(frequency: str, *, now: datetime) -> tuple[datetime, datetime]:
    """The natural window that ended most recently at `now`: the previous day, or the previous week
    Monday to Monday, midnight London time; or the last whole ALERT_MINUTES that ended at least
    ALERT_SETTLE ago."""
    if frequency == DigestFrequency.AS_IT_HAPPENS:
        settled = timezone.localtime(now - ALERT_SETTLE)
        end = settled.replace(minute=settled.minute - settled.minute % ALERT_MINUTES, second=0, microsecond=0)
        return end - PERIOD_LENGTH[DigestFrequency.AS_IT_HAPPENS], end
    end = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == DigestFrequency.WEEKLY:
        end -= timedelta(days=end.weekday())
    return end - PERIOD_LENGTH[DigestFrequency(frequency)], end


def current_period(frequency: str, *, now: datetime | None = None, save: bool = True) -> DigestPeriod:
    """The period a run at `now` sends, made the first time it is asked for. It starts where the
    previous one of its frequency ended, so a run that never happened leaves no gap."""
    start, end = period_bounds(frequency, now=now or timezone.now())
    existing = DigestPeriod.objects.filter(frequency=frequency, ends_at=end).first()
    if existing:
        return existing
    previous = DigestPeriod.objects.filter(frequency=frequency, ends_at__lt=end).order_by("-ends_at").first()
    if previous:
        start = previous.ends_at
    if not save:
        return DigestPeriod(frequency=frequency, starts_at=start, ends_at=end)
    period, _ = DigestPeriod.objects.get_or_create(
        frequency=frequency, ends_at=end, defaults={"starts_at": start}
    )
    return period


def content_for(period: DigestPeriod) -> DigestContent:
    return build_content(frequency=period.frequency, starts_at=period.starts_at, ends_at=period.ends_at)


def recipients(period: DigestPeriod, content: DigestContent) -> QuerySet[Subscriber]:
    """Who gets this period's digest: due, and with something new on a theme or a commitment they
    follow (or on anything, when they follow everything)."""
    if content.is_empty:
        return Subscriber.objects.none()
    themes = Subscriber.themes.through.objects.filter(
        subscriber_id=OuterRef("pk"), theme_id__in=content.theme_ids
    )
    commitments = Subscriber.commitments.through.objects.filter(
        subscriber_id=OuterRef("pk"), commitment_id__in=content.commitment_ids
    )
    return Subscriber.objects.due(period).filter(Q(all_themes=True) | Exists(themes) | Exists(commitments))


def plan_deliveries(period: DigestPeriod, content: DigestContent) -> int:
    """Create the period's pending deliveries once, in one statement, whatever the number of
    subscribers. Under a row lock on the period, so two runs at once plan it once."""
    with transaction.atomic():
        period = DigestPeriod.objects.select_for_update().get(pk=period.pk)
        if period.planned_at is not None:
            return 0
        now = timezone.now()
        planned = 0
        if not content.is_empty:
            sql, params = recipients(period, content).values(recipient_id=F("pk")).query.sql_with_params()
            stamp = db_connection.ops.adapt_datetimefield_value(now)
            table = db_connection.ops.quote_name(DigestDelivery._meta.db_table)
            with db_connection.cursor() as cursor:
                cursor.execute(
                    # Names come from the model, values are parameters. WHERE true: SQLite's
                    # grammar needs it before ON CONFLICT in an INSERT … SELECT.
                    f"INSERT INTO {table} "
                    "(period_id, subscriber_id, state, attempts, last_error, created_at, updated_at) "
                    "SELECT %s, recipient.recipient_id, %s, 0, '', %s, %s "
                    f"FROM ({sql}) AS recipient WHERE true ON CONFLICT DO NOTHING",
                    [period.pk, DeliveryState.PENDING, stamp, stamp, *params],
                )
                planned = cursor.rowcount
        period.planned_at = now
        period.save(update_fields=["planned_at"])
        return planned


def pending_count(frequency: str) -> int:
    return DigestDelivery.objects.pending().filter(period__frequency=frequency).count()


def plan_preview(frequency: str, *, now: datetime | None = None) -> dict:
    """What a run now would do, without writing anything (send_digests --dry-run)."""
    period = current_period(frequency, now=now, save=False)
    content = content_for(period) if period.planned_at is None else None
    return {
        "period": period,
        "content": content,
        "new_recipients": recipients(period, content).count() if content else 0,
        "already_planned": period.pk is not None and period.planned_at is not None,
        "pending": pending_count(frequency),
    }
