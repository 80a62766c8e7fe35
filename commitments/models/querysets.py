"""Read vocabulary for the tracker's models: pages and services say what they want in these words.

Never imports the model modules (they import this one): a queryset reaches a related model
through its own model's relations.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Self

from django.db import models
from django.db.models import BooleanField, Case, Count, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from ..exceptions import ImmutableRecord
from .choices import EvidenceState, RecheckRunOutcome, Status
from .search import full_text_search
from .signals import bulk_written
from .triage_queue import AwaitingTriage

# A related question's record as received, its answer as HTML and its stored search vector: large,
# and unused where a page only names, dates and quotes the answer (the quote is from the plain text).
QUESTION_RECORD_FIELDS = (
    "question__source_record",
    "question__answer_html",
    "question__answer_html_safe",
    "question__search_vector",
)

# "Recent" for the computed flag *no recent evidence*: newest confirmed evidence answered within
# twelve months. Shown on the about page, the commitment page, the admin filter and the API.
RECENT_EVIDENCE_DAYS = 365
# What CommitmentQuerySet.with_evidence_recency() annotates.
EVIDENCE_RECENCY_FIELDS = ("latest_evidence_on", "latest_dated_evidence_on", "no_recent_evidence")


def recent_evidence_cutoff(today: date | None = None) -> date:
    """Evidence answered before this day is not recent."""
    return (today or timezone.localdate()) - timedelta(days=RECENT_EVIDENCE_DAYS)


class BulkWriteSignalsQuerySet(models.QuerySet):
    """bulk_create() and bulk_update() send `bulk_written` (they send no post_save), so whoever
    listens for changes, such as the data version, hears of bulk writes too."""

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            bulk_written.send(sender=self.model, objs=created)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        updated = super().bulk_update(objs, fields, *args, **kwargs)
        if objs:
            bulk_written.send(sender=self.model, objs=objs)
        return updated


class AppendOnlyQuerySet(BulkWriteSignalsQuerySet):
    """History rows are written once: bulk update and delete are refused too."""

    def update(self, **kwargs):
        raise ImmutableRecord(f"{self.model._meta.verbose_name} rows cannot be updated.")

    def delete(self):
        raise ImmutableRecord(f"{self.model._meta.verbose_name} rows cannot be deleted.")

    update.queryset_only = True
    delete.queryset_only = True


class StatusChangeQuerySet(AppendOnlyQuerySet):
    def published(self) -> Self:
        return self.filter(commitment__is_published=True)

    def in_order(self) -> Self:
        """Oldest first by `Meta.get_latest_by`: the day each took effect, then the order recorded."""
        return self.order_by(*self.model._meta.get_latest_by)

    def newest_first(self) -> Self:
        return self.in_order().reverse()

    def latest_or_none(self):
        """The latest change, as `.latest()` finds it, or None before the first."""
        return self.newest_first().first()

    def with_named_sources(self) -> Self:
        """With the answer each change rests on, enough to name, date and link it."""
        return self.select_related("question").defer(*QUESTION_RECORD_FIELDS)

    def as_headlines(self) -> Self:
        """What a line "<day>: <commitment> is now <status>" needs, and no more: the reasons,
        the commitment's texts and the question's answer are large and unused there."""
        return self.select_related("commitment").only(
            "pk", "effective_on", "to_status", "commitment__slug", "commitment__title"
        )


class CommitmentQuerySet(BulkWriteSignalsQuerySet):
    def published(self) -> Self:
        return self.filter(is_published=True)

    def with_latest_status(self) -> Self:
        """Annotate the status computed from history; no history means `planned`."""
        StatusChange = self.model._meta.get_field("status_changes").related_model
        latest = StatusChange.objects.filter(commitment=OuterRef("pk")).newest_first()
        return self.annotate(
            latest_status=Coalesce(Subquery(latest.values("to_status")[:1]), Value(Status.PLANNED))
        )

    def with_record_changed_at(self) -> Self:
        """Annotate `record_changed_at`: when this commitment's public record last changed, the
        newest of its status changes' `created_at`, its confirmed evidence's `reviewed_at` and its
        own `updated_at` (an edit of its texts). The one definition the commitment page shows as
        "Record last changed"; subqueries in the page's own query, so it costs no query of its own."""
        StatusChange = self.model._meta.get_field("status_changes").related_model
        Evidence = self.model._meta.get_field("evidence").related_model
        changed = StatusChange.objects.filter(commitment=OuterRef("pk")).order_by("-created_at")
        reviewed = Evidence.objects.filter(
            commitment=OuterRef("pk"), state=EvidenceState.CONFIRMED, reviewed_at__isnull=False
        ).order_by("-reviewed_at")
        # Coalesce: SQLite's (and MySQL's) GREATEST is NULL when any argument is.
        return self.annotate(
            record_changed_at=Greatest(
                "updated_at",
                Coalesce(Subquery(changed.values("created_at")[:1]), "updated_at"),
                Coalesce(Subquery(reviewed.values("reviewed_at")[:1]), "updated_at"),
            )
        )

    def with_latest_change_date(self) -> Self:
        return self.annotate(latest_change_on=Max("status_changes__effective_on"))

    def with_follower_count(self) -> Self:
        """Annotate `follower_count`: confirmed, still subscribed addresses following the commitment
        itself (not its theme). A count only: editors never see who."""
        confirmed = Q(followers__confirmed_at__isnull=False, followers__unsubscribed_at__isnull=True)
        return self.annotate(follower_count=Count("followers", filter=confirmed, distinct=True))

    def with_details(self) -> Self:
        """What a commitment's page and its API entries show of it, besides its history: the theme,
        the plan versions and its evidence recency."""
        return self.with_evidence_recency().select_related("theme").prefetch_related("action_plans")

    def for_list(self) -> Self:
        """What a public list shows: the theme, when the current status took effect, and when it
        was last evidenced. The texts and JSON lists stay in the database: a row shows none of them."""
        return (
            self.published()
            .select_related("theme")
            .defer("summary", "summary_quoted_from", "keywords", "targets", "source_urls", "search_vector")
            .with_latest_change_date()
            .with_evidence_recency()
        )

    def search(self, words: str) -> Self:
        """Commitments matching a reader's words, best first (models/search.py)."""
        found = full_text_search(self, words, candidate_order=["-pk"], fallback_fields=("title", "summary"))
        return found.order_by("-rank", "title", "pk")

    def with_evidence_recency(self, *, today: date | None = None) -> Self:
        """The one definition of *no recent evidence*: annotate `latest_evidence_on`, the newest
        answer date of the confirmed evidence, and `no_recent_evidence`, true for a commitment still
        open (planned, in progress, delayed) when that is older than RECENT_EVIDENCE_DAYS or there is
        none: a delivered or discontinued commitment is not waiting for news. An answer whose exact
        date is unknown counts from the date it is known to have come after; `latest_dated_evidence_on`,
        the newest exact date, tells whether `latest_evidence_on` is one (see Commitment)."""
        # A written statement counts from the day it was made, a Hansard contribution from its sitting,
        # a GOV.UK publication from the day it was first published (evidence_source.describe_publication).
        spoken = (
            "evidence__statement__date_made",
            "evidence__contribution__sitting_date",
            TruncDate("evidence__publication__first_published_at"),
        )
        answered = Coalesce(
            "evidence__question__date_answered", "evidence__question__answered_after", *spoken
        )
        dated = Coalesce("evidence__question__date_answered", *spoken)
        confirmed = Q(evidence__state=EvidenceState.CONFIRMED)
        return self.annotate(
            latest_evidence_on=Max(answered, filter=confirmed),
            latest_dated_evidence_on=Max(dated, filter=confirmed),
        ).annotate(
            no_recent_evidence=Case(
                When(~Q(status__in=Status.open()), then=Value(False)),
                When(latest_evidence_on__gte=recent_evidence_cutoff(today), then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            )
        )

    def without_recent_evidence(self, *, today: date | None = None) -> Self:
        return self.with_evidence_recency(today=today).filter(no_recent_evidence=True)


class EvidenceQuerySet(BulkWriteSignalsQuerySet):
    def confirmed(self) -> Self:
        return self.filter(state=EvidenceState.CONFIRMED)

    def suggested(self) -> Self:
        return self.filter(state=EvidenceState.SUGGESTED)

    def published(self) -> Self:
        return self.confirmed().filter(commitment__is_published=True)

    def naming_commitments(self) -> Self:
        """With each commitment's name and address only: its texts and targets are unused where
        an answer lists what it evidences."""
        return self.select_related("commitment").only(
            "pk", "question_id", "excerpt", "commitment__slug", "commitment__title"
        )

    def with_quoted_answers(self) -> Self:
        """With each source (answer, statement, contribution or publication), enough to name, date,
        link and quote it; the raw records received stay unread."""
        sources = self.model.SOURCE_FIELDS  # models/evidence.py: every kind
        records = (f"{name}__source_record" for name in sources if name != "question")
        return self.select_related(*sources).defer(*QUESTION_RECORD_FIELDS, *records)

    def of_questions(self) -> Self:
        """Evidence resting on written answers only: for what is about answers (the answers list,
        figure tables, the home page's newly evidenced answers)."""
        return self.filter(question__isnull=False)

    def newest_confirmed(self) -> Self:
        """Newest first by when an editor confirmed it (an index walks this), with only the
        question's and commitment's names: their texts and records are large and unused here."""
        return (
            self.confirmed()
            .select_related("commitment", "question")
            .only(
                "pk",
                "reviewed_at",
                "commitment__slug",
                "commitment__title",
                "question__house",
                "question__uin",
                "question__heading",
                "question__asking_member",
                "question__date_answered",
                "question__answered_after",
            )
            .order_by("-reviewed_at", "-pk")
        )

    def newest_answers_first(self) -> Self:
        """`newest_confirmed()`'s names, newest *answer* first: by the day the government answered
        (or, when only that is known, the day it answered after), undated answers last. The home
        page's "newly evidenced answers": a reader judges an answer's freshness by when it was
        given, not by when an editor linked it."""
        answered = Coalesce("question__date_answered", "question__answered_after")
        return (
            self.newest_confirmed()
            .of_questions()
            .order_by(answered.desc(nulls_last=True), "-question_id", "-pk")
        )


# The answers worth matching, analysing and triaging (WrittenQuestionQuerySet.worth_reading).
WORTH_READING = Q(date_answered__isnull=False, answer_is_holding=False, is_withdrawn=False, is_about_ipp=True)
WORTH_READING &= Q(answer_text__regex=r"\S")  # some text, not only spaces


class WrittenQuestionQuerySet(AwaitingTriage, BulkWriteSignalsQuerySet):
    def published(self) -> Self:
        """What the public sees: answers that name IPP, or that evidence a published commitment.

        Counted on every list page: with the (is_about_ipp, id) index and evidence's question ids
        (not a join back to questions), PostgreSQL counts 50,000 from the index alone."""
        evidence = self.model._meta.get_field("evidence").related_model
        evidencing = evidence.objects.filter(
            state=EvidenceState.CONFIRMED, commitment__is_published=True
        ).values("question_id")
        return self.filter(Q(is_about_ipp=True) | Q(pk__in=evidencing))

    def for_list(self) -> Self:
        """What a row of the answers list shows; the texts and the API record stay in the database."""
        return self.only(
            "pk",
            "house",
            "uin",
            "heading",
            "asking_member",
            "date_answered",
            "answered_after",
            "answering_body",
        )

    def newest_known_first(self) -> Self:
        """Newest answer first by what is known of its date: an answer whose day is not known is
        placed by the day it is known to have come after (`answered_after`); one with neither, last."""
        known = Coalesce("date_answered", "answered_after")
        return self.order_by(known.desc(nulls_last=True), "-pk")

    def search(self, words: str) -> Self:
        """Answers matching a reader's words, best first, then newest (models/search.py)."""
        found = full_text_search(
            self,
            words,
            # The newest first, as the (date_answered, id) index reads them.
            candidate_order=[models.F("date_answered").desc(), models.F("id").desc()],
            fallback_fields=("uin", "heading", "question_text", "answer_text"),
        )
        return found.order_by("-rank", models.F("date_answered").desc(nulls_last=True), "-pk")

    def worth_reading(self) -> Self:
        """Answered in substance (dated, not holding), not withdrawn, naming IPP, with text: the one
        rule for matching, analysis and triage (`suggestions.why_skipped` says which part fails)."""
        return self.filter(WORTH_READING)

    def not_evidence(self) -> Self:
        """Answers an editor found to be evidence for no commitment: the same as
        `filter(not_evidence=True)`."""
        return self.filter(not_evidence=True)

    def worth_analysing(self) -> Self:
        """What the analysis is queued for: answers worth reading, and any other answer still
        holding suggestions (withdrawn, held, no longer naming IPP): analysing it withdraws them."""
        return self.filter(WORTH_READING | Q(evidence__state=EvidenceState.SUGGESTED)).distinct()

    def with_key(
        self, *, house: str, uin: str, date_tabled: date | None, date_answered: date | None = None
    ) -> Self:
        """Parliament's key. A copy with no tabled date yet also matches, but only when the record
        was answered on or after the copy's `answered_after` bound: UINs restart every session."""
        undated = Q(date_tabled__isnull=True) & (
            Q(answered_after__isnull=True)
            | (Q(answered_after__lte=date_answered) if date_answered else Q(pk__in=[]))
        )
        return self.filter(house=house, uin__iexact=uin).filter(Q(date_tabled=date_tabled) | undated)


class FigureTableQuerySet(models.QuerySet):
    def with_grid(self) -> Self:
        """Columns, rows and cells in three queries, in published order, whatever the table's size."""
        return self.prefetch_related("columns", "rows__cells")


class RecheckRunQuerySet(models.QuerySet):
    def succeeded(self) -> Self:
        return self.filter(outcome=RecheckRunOutcome.SUCCEEDED)

    def mark_abandoned(self) -> int:
        """Runs still "running" when no run holds the lock: their worker died (killed, out of
        memory, machine lost) before it could say so. Called by the next run, holding the lock."""
        abandoned = list(self.filter(outcome=RecheckRunOutcome.RUNNING))
        for run in abandoned:
            run.outcome = RecheckRunOutcome.FAILED
            run.finished_at = timezone.now()
            run.errors = [
                *run.errors,
                "The worker running this stopped before it finished (killed or crashed).",
            ]
            run.save(update_fields=["outcome", "finished_at", "errors"])
        return len(abandoned)

    def last_checked_at(self) -> datetime | None:
        """When Parliament was last checked: the finish of the newest *successful* run. A failed,
        partial or skipped run leaves it where it was; None before the first success. Every public
        page shows it (public/site_wide.py), and the about page says the same."""
        return self.succeeded().aggregate(last=Max("finished_at"))["last"]

    def high_water_mark(self, kind: str) -> date | None:
        """The day of the latest run of this kind that fetched everything since the mark before it;
        None before the first."""
        return self.succeeded().filter(kind=kind, advances_mark=True).aggregate(mark=Max("window_to"))["mark"]
