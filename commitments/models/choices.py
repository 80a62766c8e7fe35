"""Every closed set of values the tracker stores, as TextChoices.

A leaf: models, querysets, services and pages import it, and it imports nothing of ours, so a value
is written once and every comparison uses its name, never a bare string.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


def in_choices(field: str, choices: type[models.TextChoices], *, or_blank: bool = False) -> Q:
    """A CheckConstraint condition: the database itself refuses any other value."""
    return Q(**{f"{field}__in": [*choices.values, *([""] if or_blank else [])]})


class Status(models.TextChoices):
    """Where a commitment stands. Kept deliberately small; README "Statuses" says how each is decided."""

    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DELIVERED = "delivered", "Delivered"
    DELAYED = "delayed", "Delayed"
    DISCONTINUED = "discontinued", "Discontinued"

    @classmethod
    def open(cls) -> list[str]:
        """Still to be done: only these can be overdue for news, so only these are ever flagged as
        having no recent evidence."""
        return [cls.PLANNED, cls.IN_PROGRESS, cls.DELAYED]


class House(models.TextChoices):
    COMMONS = "Commons", "House of Commons"
    LORDS = "Lords", "House of Lords"


class QuestionEventKind(models.TextChoices):
    TABLED = "tabled", "Tabled"
    HOLDING_ANSWER = "holding_answer", "Holding answer"
    ANSWERED = "answered", "Answered"
    CORRECTED = "corrected", "Corrected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    TEXT_CHANGED = "text_changed", "Text changed"


class EvidenceState(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class StatusOrigin(models.TextChoices):
    EDITOR = "editor", "Editor"
    SUGGESTION = "suggestion", "Accepted suggestion"
    IMPORT = "import", "Imported research"


class FigureCellKind(models.TextChoices):
    NUMBER = "number", "Number"
    SUPPRESSED = "suppressed", "Suppressed (*)"
    NIL = "nil", "Nil (-)"


class RecheckRunKind(models.TextChoices):
    ANSWERS = "answers", "New and changed answers"
    PENDING = "pending", "Pending questions and corrections"
    STATEMENTS = "statements", "Written ministerial statements"
    HANSARD = "hansard", "Hansard contributions"
    PUBLICATIONS = "govuk", "GOV.UK publications"


class SourceEventKind(models.TextChoices):
    """What the re-check observed about a written statement, a Hansard contribution or a GOV.UK
    publication (updated: GOV.UK announced a change, a new change note or a new page in a collection)."""

    FIRST_SEEN = "first_seen", "First seen"
    TEXT_CHANGED = "text_changed", "Text changed"
    UPDATED = "updated", "Updated on GOV.UK"


class RecheckRunOutcome(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Partial: some records refused"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped: another run was in progress"


class WatchedTermScope(models.TextChoices):
    EVERYWHERE = "everywhere", "Every answering body"
    WATCHED_BODIES = "watched_bodies", "Watched answering bodies only"


class DigestFrequency(models.TextChoices):
    """How often a subscriber hears. As it happens: an alert within minutes of a status change or newly
    confirmed evidence on what they follow, at most DIGEST_ALERTS_PER_DAY a day (docs/digests.md)."""

    AS_IT_HAPPENS = "as_it_happens", "As it happens"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"
    CAPPED = "capped", "Over the daily cap"  # an alert not sent: rolled into the next daily digest


class SubscriberState(models.TextChoices):
    """Where an address stands; computed from its dates (Subscriber.state), not stored."""

    PENDING = "pending", "Pending"
    CONFIRMED = "confirmed", "Confirmed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class CorrectionState(models.TextChoices):
    """Where a reader's suggested correction stands with the editors. Accepting one records the
    decision only: any change to the commitment is made by an editor, through the usual doors."""

    NEW = "new", "New"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class SourceKind(models.TextChoices):
    """What kind of document a source is; DESIGN.md "Source"."""

    WRITTEN_ANSWER = "written_answer", "Written answer"
    WRITTEN_STATEMENT = "written_statement", "Written ministerial statement"
    DEBATE = "debate", "Debate (Hansard)"
    LEGISLATION = "legislation", "Legislation"
    PUBLICATION = "publication", "Official publication"
    COMMITTEE_REPORT = "committee_report", "Committee report"
    OTHER = "other", "Other"


class SourceConfidence(models.TextChoices):
    """How sure the official address of a copy is. Only `low` is treated as unconfirmed: the page then
    rests on the copy and names the official address as probable, never as the source."""

    HIGH = "high", "High: read, or derived from the record's own key"
    MEDIUM = "medium", "Medium: derived from the copy's address"
    LOW = "low", "Low: assembled, not confirmed"


class SourceBasis(models.TextChoices):
    """What a status rests on, for the count the audit prints and the page's wording."""

    OFFICIAL = "official", "An official source"
    SECONDARY = "secondary", "A secondary source, with the reason"
    SECONDARY_UNEXPLAINED = "secondary_unexplained", "A secondary source, reason not recorded"
    NOTHING = "nothing", "Nothing"


class WordingKind(models.TextChoices):
    """Whose words a quoted promise is in, best first: the page shows the best there are and says
    which they are."""

    PLAN = "plan", "The plan’s own words"
    OFFICIAL_DESCRIPTION = "official_description", "An official description of the plan"
    THIRD_PARTY = "third_party", "The plan, as quoted by a third party"


class ResponseVerdict(models.TextChoices):
    """The government's answer to an outside recommendation."""

    ACCEPTED = "accepted", "Accepted"
    PARTLY_ACCEPTED = "partly_accepted", "Partly accepted"
    REJECTED = "rejected", "Rejected"
    NOT_ANSWERED = "not_answered", "Not yet answered"


class DateClaim(models.TextChoices):
    """Whose date a promised date is: the government's own, the law's, or only a third party's
    account of it (shown as such, never as the government's promise)."""

    GOVERNMENT = "government", "The government's date"
    STATUTE = "statute", "A date set in law"
    THIRD_PARTY = "third_party", "A third party's claim, not the government's words"


class DeadlineState(models.TextChoices):
    """Where a promised date stands; Deadline.standing() is the one rule that decides it."""

    MET_ON_TIME = "met_on_time", "Met on time"
    MET_LATE = "met_late", "Met late"
    OVERDUE = "overdue", "Overdue"
    NOT_YET_DUE = "not_yet_due", "Not yet due"
    NO_DATE = "no_date", "No date promised"


class DeadlineAlertState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
