"""Parliament's side: written questions, the events of their lives, the re-check runs that observed
them, and what the re-check watches for."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from ..exceptions import ImmutableRecord
from .choices import (
    House,
    QuestionEventKind,
    RecheckRunKind,
    RecheckRunOutcome,
    WatchedTermScope,
    in_choices,
)
from .observed import Rechecked
from .querysets import AppendOnlyQuerySet, RecheckRunQuerySet, WrittenQuestionQuerySet
from .triage_queue import Triaged


class WrittenQuestion(Rechecked, Triaged):
    """A parliamentary written question and its answer.

    Parliament reuses UINs across sessions, so the key is (house, date_tabled, uin). A copy whose
    tabled date we do not know yet (a seed) may exist once per (house, uin); ingest fills the
    date in when the API shows it, rather than creating a second row.
    """

    parliament_id = models.PositiveIntegerField(
        null=True, blank=True, unique=True, help_text="The API's numeric id, when known."
    )
    house = models.CharField(max_length=10, choices=House.choices)
    uin = models.CharField("UIN", max_length=20)
    date_tabled = models.DateField(null=True, blank=True)
    date_for_answer = models.DateField(null=True, blank=True)
    date_answered = models.DateField(null=True, blank=True)
    date_answer_corrected = models.DateField(null=True, blank=True)
    date_holding_answer = models.DateField(null=True, blank=True)
    answered_after = models.DateField(
        null=True,
        blank=True,
        help_text="When the answer date is unknown: what the text shows it came after. A copy with no "
        "tabled date only merges with an API record answered on or after this.",
    )
    heading = models.CharField(max_length=250, blank=True)
    question_text = models.TextField(blank=True)
    answer_html = models.TextField(blank=True, help_text="Answer HTML exactly as received.")
    answer_text = models.TextField(blank=True, help_text="Answer as plain text.")
    answer_is_complete = models.BooleanField(
        default=True, help_text="False when our copy of the answer was cut off at the source."
    )
    answer_is_holding = models.BooleanField(default=False)
    answer_is_correction = models.BooleanField(default=False)
    is_withdrawn = models.BooleanField(default=False)
    asking_member = models.CharField(max_length=200, blank=True)
    asking_member_id = models.PositiveIntegerField(null=True, blank=True)
    answering_member = models.CharField(max_length=200, blank=True)
    answering_member_id = models.PositiveIntegerField(null=True, blank=True)
    answering_body = models.CharField(max_length=200, blank=True)
    answering_body_id = models.PositiveIntegerField(null=True, blank=True)
    source_url = models.URLField(
        max_length=500, blank=True, help_text="Where our copy came from, if not the API."
    )
    source_record = models.JSONField(default=dict, blank=True, help_text="The raw record as received.")
    answer_html_safe = models.TextField(
        blank=True, editable=False, help_text="The answer HTML sanitised for display."
    )
    is_about_ipp = models.BooleanField(
        default=False, help_text="The full text names IPP in so many words (an everywhere-watched term)."
    )
    matched_terms = models.JSONField(
        default=list, blank=True, help_text="Watched terms and commitment keywords found in the text."
    )
    # Filled by a database trigger on PostgreSQL (models/search.py); empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = WrittenQuestionQuerySet.as_manager()

    DATE_FIELD = "date_answered"  # what the triage queue orders by (newest first)

    class Meta:
        ordering = [models.F("date_answered").desc(nulls_last=True), "house", "uin"]
        constraints = [
            models.UniqueConstraint(
                fields=["house", "date_tabled", "uin"], name="question_unique_parliament_key"
            ),
            models.UniqueConstraint(
                fields=["house", "uin"],
                condition=Q(date_tabled__isnull=True),
                name="question_unique_undated_uin",
                violation_error_message="A question with this house and UIN and no tabled date "
                "already exists.",
            ),
            models.CheckConstraint(condition=~Q(uin=""), name="question_uin_not_blank"),
            models.CheckConstraint(condition=in_choices("house", House), name="question_house_valid"),
            models.CheckConstraint(
                condition=Q(not_evidence=False) | Q(triaged_at__isnull=False),
                name="question_not_evidence_is_triaged",
                violation_error_message="An answer found to be no evidence has been triaged.",
            ),
        ]
        indexes = [
            models.Index(fields=["house", "uin"]),
            # The public list's order: questions awaiting an answer, then the newest answers.
            models.Index(F("date_answered").desc(), F("id").desc(), name="question_newest_first"),
            # What the public sees (WrittenQuestionQuerySet.published), counted from the index alone.
            models.Index(fields=["is_about_ipp", "id"], name="question_published_count"),
            # The triage queue (WrittenQuestionQuerySet.awaiting_triage), newest first, counted on
            # every admin index: only the answers still waiting are in it.
            models.Index(
                F("date_answered").desc(),
                F("id").desc(),
                condition=Q(triaged_at__isnull=True, is_about_ipp=True),
                name="question_awaiting_triage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.house} {self.uin}" + (f" ({self.date_tabled:%d/%m/%Y})" if self.date_tabled else "")

    @property
    def official_url(self) -> str:
        """Parliament's own page, keyed by tabled date and UIN; empty until the date is known."""
        if not self.date_tabled:
            return ""
        return (
            "https://questions-statements.parliament.uk/written-questions/detail/"
            f"{self.date_tabled:%Y-%m-%d}/{self.uin}"
        )

    @property
    def citation_url(self) -> str:
        return self.official_url or self.source_url

    @property
    def known_answer_date(self):
        """The date to place the answer by: when it was answered or, when that is not known, the
        date it is known to have come after (`answer_date_is_lower_bound` then says so)."""
        return self.date_answered or self.answered_after

    @property
    def answer_date_is_lower_bound(self) -> bool:
        return self.date_answered is None and self.answered_after is not None

    def match_inputs(self) -> dict[str, str]:
        """What the matcher reads of an answer (analysis/matching.py `Matcher.match`)."""
        return {"answer_text": self.answer_text, "question_text": self.question_text, "heading": self.heading}


class AnswerToTriage(WrittenQuestion):
    """The editors' triage screen in the admin: answers, written statements and Hansard
    contributions nobody has triaged yet, each once, with its best candidate commitments (a proxy
    of answers for its name and permissions; the screen has a queue per kind)."""

    class Meta:
        proxy = True
        verbose_name = "source to triage"
        verbose_name_plural = "sources to triage"


class QuestionEvent(models.Model):
    """Append-only record of a question's life, as we observed it."""

    Kind = QuestionEventKind

    question = models.ForeignKey(WrittenQuestion, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_on = models.DateField(null=True, blank=True, help_text="Parliament's date, if any.")
    content_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="The question's content hash when observed; empty for events that happen once "
        "in a question's life (tabled, holding answer, answered, withdrawn).",
    )
    detail = models.TextField(blank=True)
    previous_text = models.TextField(
        blank=True, help_text="For corrections and text changes: the answer text before the change."
    )
    recheck_run = models.ForeignKey(
        "RecheckRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    observed_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["question", models.F("occurred_on").asc(nulls_first=True), "observed_at"]
        constraints = [
            # The same observation recorded twice (two workers, a re-run) is refused.
            models.UniqueConstraint(fields=["question", "kind", "content_hash"], name="question_event_once"),
            models.CheckConstraint(
                condition=in_choices("kind", QuestionEventKind), name="question_event_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.get_kind_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ImmutableRecord("Question events are append-only and cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord("Question events are append-only and cannot be deleted.")


class RecheckRun(models.Model):
    """One execution of a scheduled re-check. Only a run that fetched everything (succeeded)
    moves the high-water mark that the next run starts from."""

    Kind = RecheckRunKind
    Outcome = RecheckRunOutcome

    kind = models.CharField(max_length=10, choices=Kind.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    window_from = models.DateField(null=True, blank=True, help_text="Changes on or after this date.")
    window_to = models.DateField(help_text="The day of the run: the next high-water mark.")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    requests_made = models.PositiveIntegerField(default=0)
    pages_fetched = models.PositiveIntegerField(default=0)
    questions_created = models.PositiveIntegerField(default=0)
    questions_updated = models.PositiveIntegerField(default=0)
    questions_unchanged = models.PositiveIntegerField(default=0)
    events_created = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    failed_records = models.JSONField(
        default=list,
        blank=True,
        help_text="Records the database could not hold (Parliament's id, house, UIN and why); the run "
        "wrote the rest and went on.",
    )
    advances_mark = models.BooleanField(
        default=True,
        help_text="False when the run started later than the last good run (a --since that would "
        "leave a gap): it then cannot move the high-water mark.",
    )

    objects = RecheckRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        get_latest_by = "started_at"
        constraints = [
            models.CheckConstraint(
                condition=in_choices("kind", RecheckRunKind), name="recheck_run_kind_valid"
            ),
            models.CheckConstraint(
                condition=in_choices("outcome", RecheckRunOutcome), name="recheck_run_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%d/%m/%Y %H:%M} ({self.outcome})"

    @property
    def duration(self):
        return (self.finished_at - self.started_at) if self.finished_at else None

    def record_failure(self, *, parliament_id: int | str, house: str, uin: str, reason: str) -> None:
        """A record this run could not write: kept on the run, for editors and the next engineer."""
        self.failed_records.append({"id": parliament_id, "house": house, "uin": uin, "reason": reason})


class WatchedTerm(models.Model):
    """A phrase the re-check looks for. Matching is by whole words, so "IPP" does not match
    "equipped"."""

    Scope = WatchedTermScope

    term = models.CharField(max_length=120, unique=True)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.EVERYWHERE)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["term"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("scope", WatchedTermScope), name="watched_term_scope_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.term


class WatchedBody(models.Model):
    """An answering body (department) whose every answer is fetched and checked for watched terms
    and commitment keywords. The id is Parliament's (54 = Ministry of Justice)."""

    answering_body_id = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "watched bodies"

    def __str__(self) -> str:
        return f"{self.name} ({self.answering_body_id})"
