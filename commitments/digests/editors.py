"""The editors' morning: what needs them and what changed, for their daily email and for the admin
index ("since your last visit").

One description of the news (`editors_news`), read by both. The email goes to every active member
of the Editors group with an address, once a day at most: an EditorEmail row per (editor, day),
created in the same transaction as the send, so a second run or a second worker sends nothing, and
a failed send leaves no row and is tried again by the next run. Each email covers what changed
since the editor's previous one (a day, for the first).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from .. import integrity
from ..models import (
    Correction,
    Deadline,
    EditorEmail,
    EditorVisit,
    Evidence,
    HansardContribution,
    Publication,
    QuestionEvent,
    StatusChange,
    WrittenQuestion,
    WrittenStatement,
)
from ..models.deadlines import today as deadlines_today
from ..ops.roles import EDITORS_GROUP

logger = logging.getLogger(__name__)
SOON_DAYS = 14  # a promised date this close is worth a line in the email
FIRST_LOOK = timedelta(days=1)  # what "since" means with no earlier email or visit


@dataclass
class EditorsNews:
    since: datetime
    answers_waiting: int = 0
    others_waiting: int = 0  # written statements, Hansard contributions and GOV.UK publications waiting
    new_answers: int = 0  # answers naming IPP first seen since
    back_in_queue: list[WrittenQuestion] = field(default_factory=list)  # corrected or changed since
    suggestions_waiting: int = 0
    corrections: list[Correction] = field(default_factory=list)  # readers', new since, not decided
    status_changes: list[StatusChange] = field(default_factory=list)
    deadlines_passed: list[Deadline] = field(default_factory=list)  # since, nothing delivered
    deadlines_soon: list[Deadline] = field(default_factory=list)
    warnings: list[integrity.RecordWarning] = field(default_factory=list)  # the email's only

    @property
    def changed(self) -> bool:
        """Anything new since, as opposed to what is merely still waiting."""
        return bool(
            self.new_answers
            or self.back_in_queue
            or self.corrections
            or self.status_changes
            or self.deadlines_passed
        )


def editors_news(since: datetime, *, on: date | None = None, warnings: bool = False) -> EditorsNews:
    """What needs editors, and what changed after `since`. The integrity warnings (a whole audit)
    only when asked: the email has them, the index links to them."""
    on = on or deadlines_today()
    returned = QuestionEvent.objects.filter(
        kind__in=[QuestionEvent.Kind.CORRECTED, QuestionEvent.Kind.TEXT_CHANGED], observed_at__gt=since
    ).values("question")
    promised = Deadline.objects.held_to_account().filter(commitment__isnull=False, delivered_on__isnull=True)
    return EditorsNews(
        since=since,
        answers_waiting=WrittenQuestion.objects.awaiting_triage().count(),
        others_waiting=sum(
            model.objects.awaiting_triage().count()
            for model in (WrittenStatement, HansardContribution, Publication)
        ),
        new_answers=WrittenQuestion.objects.filter(is_about_ipp=True, first_seen_at__gt=since).count(),
        back_in_queue=list(
            WrittenQuestion.objects.awaiting_triage().filter(pk__in=returned).only("house", "uin")
        ),
        suggestions_waiting=Evidence.objects.suggested().count(),
        corrections=list(
            Correction.objects.filter(state=Correction.State.NEW, created_at__gt=since).select_related(
                "commitment"
            )
        ),
        status_changes=list(
            StatusChange.objects.filter(created_at__gt=since)
            .select_related("commitment", "changed_by")
            .order_by("created_at")
        ),
        deadlines_passed=list(
            promised.filter(due_on__gte=timezone.localtime(since).date(), due_on__lt=on).select_related(
                "commitment"
            )
        ),
        deadlines_soon=list(
            promised.filter(due_on__gte=on, due_on__lte=on + timedelta(days=SOON_DAYS)).select_related(
                "commitment"
            )
        ),
        warnings=integrity.audit_record().open_warnings if warnings else [],
    )


def visit_since(user, session) -> datetime:
    """When the editor's previous visit to the admin index was: the first index of a session reads
    it and records this visit; later ones in the session keep saying the same, so reloading the
    index does not empty its list."""
    if "editor_since" in session:
        return datetime.fromisoformat(session["editor_since"])
    now = timezone.now()
    visit = EditorVisit.objects.filter(user=user).first()
    since = visit.seen_at if visit else now - FIRST_LOOK
    EditorVisit.objects.update_or_create(user=user, defaults={"seen_at": now})
    session["editor_since"] = since.isoformat()
    return since


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def editors_message(news: EditorsNews, *, to: str, connection=None) -> EmailMessage:
    """The email, in plain text: what waits first, then what changed, each with where to act."""
    admin = settings.SITE_URL + reverse("admin:index")
    lines = [f"What needs you on the IPP tracker, and what changed since {_when(news.since)}.", ""]
    triage = settings.SITE_URL + reverse("admin:commitments_answertotriage_changelist")
    lines += [f"Answers waiting for triage: {news.answers_waiting} ({triage})"]
    if news.others_waiting:
        lines += [f"Statements, Hansard and GOV.UK publications waiting for triage: {news.others_waiting}"]
    if news.new_answers:
        lines += [f"New answers naming IPP: {news.new_answers}"]
    for question in news.back_in_queue:
        lines += [f"Back in the queue, corrected or changed by Parliament: {question.house} {question.uin}"]
    lines += [f"Suggestions waiting for review: {news.suggestions_waiting}"]
    if news.corrections:
        lines += ["", f"New corrections from readers ({len(news.corrections)}):"]
        lines += [f"- {c.commitment.title}: {c.what_is_wrong[:200]}" for c in news.corrections]
    if news.status_changes:
        lines += ["", "Status changes recorded:"]
        lines += [
            f"- {c.commitment.title}: {c.get_from_status_display() or 'none'} to {c.get_to_status_display()}"
            f" ({c.changed_by or c.get_origin_display().lower()})"
            for c in news.status_changes
        ]
    if news.deadlines_passed:
        lines += ["", "Promised dates that passed with nothing delivered:"]
        lines += [f"- {d.commitment.title}: {date_format(d.due_on, 'j F Y')}" for d in news.deadlines_passed]
    if news.deadlines_soon:
        lines += ["", f"Promised dates in the next {SOON_DAYS} days:"]
        lines += [f"- {d.commitment.title}: {date_format(d.due_on, 'j F Y')}" for d in news.deadlines_soon]
    if news.warnings:
        lines += ["", f"Record checks that warn ({len(news.warnings)}):"]
        lines += [f"- {w.message}" for w in news.warnings]
    lines += ["", f"The editors' admin: {admin}"]
    return EmailMessage(
        subject=f"IPP tracker: {news.answers_waiting} answers to triage"
        + (f", {len(news.corrections)} new corrections" if news.corrections else ""),
        body="\n".join(lines) + "\n",
        to=[to],
        connection=connection,
    )


def editors():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=EDITORS_GROUP)
        .exclude(email="")
        .distinct()
    )


def send_editors_email(*, on: date | None = None, connection=None) -> int:
    """Email each editor what needs them, once a day; returns how many were sent."""
    on = on or deadlines_today()
    connection = connection or get_connection()
    audit = None
    sent = 0
    for user in editors():
        if EditorEmail.objects.filter(user=user, day=on).exists():
            continue
        previous = EditorEmail.objects.filter(user=user).order_by("-sent_at").first()
        since = previous.sent_at if previous else timezone.now() - FIRST_LOOK
        news = editors_news(since, on=on)
        if audit is None:
            audit = integrity.audit_record().open_warnings
        news.warnings = audit
        try:
            with transaction.atomic():
                EditorEmail.objects.create(user=user, day=on)  # the unique key: once a day
                editors_message(news, to=user.email, connection=connection).send()
        except IntegrityError:
            continue  # another run sent it
        except OSError as error:  # SMTP refused or unreachable: no row, so the next run tries again
            logger.warning("The editors' email to %s failed: %s", user.email, error)
            continue
        sent += 1
    return sent
