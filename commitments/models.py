"""Tables and invariants of the tracker. Reading vocabulary lives in querysets.py, writes with rules
in services.py; nothing here filters for a page or talks HTTP."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from .exceptions import ImmutableRecord
from .querysets import (
    AppendOnlyQuerySet,
    CommitmentQuerySet,
    DigestDeliveryQuerySet,
    EvidenceQuerySet,
    RecheckRunQuerySet,
    StatusChangeQuerySet,
    SubscriberQuerySet,
    WrittenQuestionQuerySet,
)


class Status(models.TextChoices):
    """Where a commitment stands. Kept deliberately small; README "Statuses" says how each is decided."""

    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DELIVERED = "delivered", "Delivered"
    DELAYED = "delayed", "Delayed"
    DISCONTINUED = "discontinued", "Discontinued"


class House(models.TextChoices):
    COMMONS = "Commons", "House of Commons"
    LORDS = "Lords", "House of Lords"


def _in_choices(field: str, choices: type[models.TextChoices], *, or_blank: bool = False) -> Q:
    return Q(**{f"{field}__in": [*choices.values, *([""] if or_blank else [])]})


class ActionPlan(models.Model):
    """A published version of the IPP Action Plan (or a report that carries commitments)."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    published_on = models.DateField(null=True, blank=True, help_text="Leave empty when unknown.")
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = [models.F("published_on").asc(nulls_first=True), "slug"]

    def __str__(self) -> str:
        return self.title


class Theme(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Commitment(models.Model):
    """One promise or workstream of the Action Plan.

    `status` is a cached copy of the latest StatusChange; only services.record_status_change()
    writes it. A commitment with no history yet is `planned`.
    """

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=250)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="commitments")
    owner = models.CharField(max_length=200, blank=True, help_text="Who delivers it, e.g. HMPPS.")
    action_plans = models.ManyToManyField(ActionPlan, related_name="commitments", blank=True)
    summary = models.TextField()
    keywords = models.JSONField(default=list, blank=True, help_text="A list of phrases.")
    targets = models.JSONField(default=list, blank=True, help_text="A list of published targets.")
    source_urls = models.JSONField(default=list, blank=True, help_text="A list of URLs.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED, editable=False)
    is_published = models.BooleanField(default=True, help_text="Shown on the public pages.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[action_plans])
    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["theme__name", "title"]
        constraints = [
            models.CheckConstraint(condition=_in_choices("status", Status), name="commitment_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        """An existing commitment never writes `status` here: only record_status_change() does,
        naming it in update_fields. A stale copy (an old version, a second tab) cannot undo it."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "status"
            ]
        super().save(*args, **kwargs)


class WrittenQuestion(models.Model):
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
    content_hash = models.CharField(max_length=64, blank=True)
    list_fingerprint = models.CharField(
        max_length=64, blank=True, help_text="Hash of the API record last seen; unchanged means no work."
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True)

    objects = WrittenQuestionQuerySet.as_manager()

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
            models.CheckConstraint(condition=_in_choices("house", House), name="question_house_valid"),
        ]
        indexes = [
            models.Index(fields=["house", "uin"]),
            # The public list's order: questions awaiting an answer, then the newest answers.
            models.Index(F("date_answered").desc(), F("id").desc(), name="question_newest_first"),
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


class QuestionEventKind(models.TextChoices):
    TABLED = "tabled", "Tabled"
    HOLDING_ANSWER = "holding_answer", "Holding answer"
    ANSWERED = "answered", "Answered"
    CORRECTED = "corrected", "Corrected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    TEXT_CHANGED = "text_changed", "Text changed"


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
                condition=_in_choices("kind", QuestionEventKind), name="question_event_kind_valid"
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


class EvidenceState(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class Evidence(models.Model):
    """The link between a commitment and a written question that speaks to it."""

    State = EvidenceState

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="evidence")
    question = models.ForeignKey(WrittenQuestion, on_delete=models.PROTECT, related_name="evidence")
    excerpt = models.TextField(
        blank=True, help_text="The sentence(s) of the answer that matter, quoted exactly."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUGGESTED)
    score = models.FloatField(null=True, blank=True, help_text="Matcher score of a suggestion.")
    reasons = models.JSONField(default=list, blank=True, help_text="Why it was suggested.")
    matched_terms = models.JSONField(
        default=list, blank=True, help_text="Words and phrases of the answer the matcher found."
    )
    suggested_status = models.CharField(
        max_length=20,
        choices=Status.choices,
        blank=True,
        help_text="The status the excerpt's wording points to. Never applied by itself.",
    )
    status_cue = models.CharField(
        max_length=100, blank=True, help_text="The phrase of the excerpt that points to that status."
    )
    status_change = models.OneToOneField(
        "StatusChange",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accepted_suggestion",
        help_text="The status change an editor made by accepting the suggested status.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["commitment", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "question"],
                name="evidence_once_per_commitment_question",
                violation_error_message="This question is already linked to this commitment.",
            ),
            models.CheckConstraint(
                condition=_in_choices("state", EvidenceState), name="evidence_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="confirmed") | ~Q(excerpt=""),
                name="evidence_confirmed_has_excerpt",
                violation_error_message="Confirmed evidence needs the quoted excerpt.",
            ),
            models.CheckConstraint(
                condition=_in_choices("suggested_status", Status, or_blank=True),
                name="evidence_suggested_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(suggested_status="") | ~Q(status_cue=""),
                name="evidence_suggested_status_has_cue",
                violation_error_message="A suggested status needs the phrase it rests on.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question} → {self.commitment.slug} ({self.state})"


class EvidenceSuggestion(Evidence):
    """The editors' review queue: evidence the matcher suggested and nobody has reviewed yet."""

    class Meta:
        proxy = True
        verbose_name = "suggestion to review"
        verbose_name_plural = "review queue"


class StatusOrigin(models.TextChoices):
    EDITOR = "editor", "Editor"
    SUGGESTION = "suggestion", "Accepted suggestion"
    IMPORT = "import", "Imported research"


class StatusChange(models.Model):
    """Append-only history of a commitment's status; the cached Commitment.status follows it."""

    Origin = StatusOrigin

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(
        max_length=20, choices=Status.choices, blank=True, help_text="Empty for the first change."
    )
    to_status = models.CharField(max_length=20, choices=Status.choices)
    effective_on = models.DateField()
    reason = models.TextField()
    question = models.ForeignKey(
        WrittenQuestion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="status_changes",
        help_text="The answer this change rests on, if any.",
    )
    source_url = models.URLField(max_length=500, blank=True)
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.EDITOR)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["commitment", "effective_on", "pk"]
        get_latest_by = ["effective_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=_in_choices("to_status", Status), name="status_change_to_valid"),
            models.CheckConstraint(
                condition=_in_choices("from_status", Status, or_blank=True),
                name="status_change_from_valid",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="status_change_has_reason",
                violation_error_message="A status change needs a reason.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.slug}: {self.from_status or '—'} → {self.to_status} ({self.effective_on})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ImmutableRecord("Status changes are append-only; record a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord("Status changes are append-only and cannot be deleted.")


class FigureTable(models.Model):
    """Numbers published inside an answer, stored as rows × columns as published."""

    question = models.ForeignKey(WrittenQuestion, on_delete=models.PROTECT, related_name="figure_tables")
    slug = models.SlugField(max_length=100, unique=True)
    caption = models.TextField()
    row_heading = models.CharField(max_length=200, blank=True, help_text="What the rows are.")
    notes = models.TextField(blank=True, help_text="The notes published under the table.")
    total_mismatches = models.JSONField(
        default=list,
        blank=True,
        help_text="Published totals the cells do not add up to, where suppressed cells cannot "
        "explain the difference. Kept as published, never corrected.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "slug"]

    def __str__(self) -> str:
        return self.caption[:80]


class FigureAxisLabel(models.Model):
    """Shared shape of a table's rows and columns. `is_total` marks the published total line."""

    table = models.ForeignKey(FigureTable, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=200, blank=True)
    label_missing = models.BooleanField(
        default=False, help_text="The source lost this label; it is left empty, not guessed."
    )
    is_total = models.BooleanField(default=False)

    class Meta:
        abstract = True
        ordering = ["table", "position"]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        return "Label missing in source" if self.label_missing else self.label


class FigureRow(FigureAxisLabel):
    history = HistoricalRecords()

    class Meta(FigureAxisLabel.Meta):
        default_related_name = "rows"
        constraints = [
            models.UniqueConstraint(fields=["table", "position"], name="figure_row_position_once"),
        ]


class FigureColumn(FigureAxisLabel):
    history = HistoricalRecords()

    class Meta(FigureAxisLabel.Meta):
        default_related_name = "columns"
        constraints = [
            models.UniqueConstraint(fields=["table", "position"], name="figure_column_position_once"),
        ]


class FigureCellKind(models.TextChoices):
    NUMBER = "number", "Number"
    SUPPRESSED = "suppressed", "Suppressed (*)"
    NIL = "nil", "Nil (-)"


class FigureCell(models.Model):
    """One value. Suppressed (`*`) and nil (`-`) cells have no number: they are never 0."""

    Kind = FigureCellKind

    row = models.ForeignKey(FigureRow, on_delete=models.CASCADE, related_name="cells")
    column = models.ForeignKey(FigureColumn, on_delete=models.CASCADE, related_name="cells")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    published = models.CharField(max_length=40, help_text="The cell exactly as published.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["row__position", "column__position"]
        constraints = [
            models.UniqueConstraint(fields=["row", "column"], name="figure_cell_once"),
            models.CheckConstraint(
                condition=_in_choices("kind", FigureCellKind), name="figure_cell_kind_valid"
            ),
            models.CheckConstraint(
                condition=(Q(kind="number") & Q(value__isnull=False))
                | (~Q(kind="number") & Q(value__isnull=True)),
                name="figure_cell_value_only_for_numbers",
            ),
        ]

    def __str__(self) -> str:
        return self.published


class RecheckRunKind(models.TextChoices):
    ANSWERS = "answers", "New and changed answers"
    PENDING = "pending", "Pending questions and corrections"


class RecheckRunOutcome(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Partial: some records refused"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped: another run was in progress"


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
                condition=_in_choices("kind", RecheckRunKind), name="recheck_run_kind_valid"
            ),
            models.CheckConstraint(
                condition=_in_choices("outcome", RecheckRunOutcome), name="recheck_run_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%d/%m/%Y %H:%M} ({self.outcome})"

    @property
    def duration(self):
        return (self.finished_at - self.started_at) if self.finished_at else None


class WatchedTermScope(models.TextChoices):
    EVERYWHERE = "everywhere", "Every answering body"
    WATCHED_BODIES = "watched_bodies", "Watched answering bodies only"


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
                condition=_in_choices("scope", WatchedTermScope), name="watched_term_scope_valid"
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


class DigestFrequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


def new_subscriber_token() -> str:
    return secrets.token_urlsafe(24)


class Subscriber(models.Model):
    """An email address that asked for digests, without an account.

    Pending until the address confirms (double opt-in); confirmed until it unsubscribes. The links in
    emails are signed and carry `token`, a random secret of this row, never the address: a new token
    (on subscribing again) makes every older link invalid.
    """

    Frequency = DigestFrequency

    email = models.EmailField(max_length=254, unique=True, help_text="Stored in lower case.")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    all_themes = models.BooleanField(default=True, help_text="Every theme, including ones added later.")
    themes = models.ManyToManyField(Theme, blank=True, related_name="subscribers")
    token = models.CharField(max_length=64, unique=True, default=new_subscriber_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=_in_choices("frequency", DigestFrequency), name="subscriber_frequency_valid"
            ),
            models.CheckConstraint(
                condition=Q(email=models.functions.Lower("email")), name="subscriber_email_lower"
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def state(self) -> str:
        if self.unsubscribed_at:
            return "unsubscribed"
        return "confirmed" if self.confirmed_at else "pending"


class DigestPeriod(models.Model):
    """The window one run of a frequency covers: changes recorded in [starts_at, ends_at).

    Every subscriber of a frequency shares it, so a digest's content is built once per set of themes,
    not once per subscriber. A period starts where the previous one of its frequency ended, so
    nothing falls between two periods even when a run was missed.
    """

    Frequency = DigestFrequency

    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    planned_at = models.DateTimeField(
        null=True, blank=True, help_text="When its deliveries were created; empty until then."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ends_at", "frequency"]
        get_latest_by = "ends_at"
        constraints = [
            models.UniqueConstraint(fields=["frequency", "ends_at"], name="digest_period_once"),
            models.CheckConstraint(
                condition=_in_choices("frequency", DigestFrequency), name="digest_period_frequency_valid"
            ),
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="digest_period_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} digest to {self.ends_at:%d/%m/%Y %H:%M}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class DigestDelivery(models.Model):
    """One subscriber's digest for one period: unique, so a re-run, or a run that stopped halfway,
    picks up the pending rows and never sends a sent one again."""

    State = DeliveryState

    period = models.ForeignKey(DigestPeriod, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DigestDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "digest deliveries"
        ordering = ["-period__ends_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["period", "subscriber"], name="digest_delivery_once"),
            models.CheckConstraint(
                condition=_in_choices("state", DeliveryState), name="digest_delivery_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False), name="digest_delivery_sent_has_time"
            ),
        ]
        indexes = [models.Index(fields=["state", "period"], name="digest_delivery_state_period")]

    def __str__(self) -> str:
        return f"{self.period} to subscriber {self.subscriber_id} ({self.state})"
