"""What the written statements and Hansard contributions we re-check have in common: the text as
received, whether our copy is whole, what the re-check last saw, the reading vocabulary the public
pages use (what the public sees, search; GOV.UK publications share it), and an append-only event log
(SourceEvent) like QuestionEvent, pointing to exactly one of them or a publication."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Self

from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import Q
from django.db.models.functions import Left

from ..exceptions import ImmutableRecord
from .choices import EvidenceState, SourceEventKind, in_choices
from .querysets import AppendOnlyQuerySet, BulkWriteSignalsQuerySet
from .search import full_text_search
from .signals import bulk_written
from .triage_queue import ObservedAwaitingTriage, Triaged


class ObservedReading(models.QuerySet):
    """Reading statements, contributions and GOV.UK publications as the public pages do: what the
    public sees, a list row, newest first, search. The model names its date (`DATE_FIELD`, a day or
    a moment), what a list row shows (`LIST_FIELDS`), what SQLite's search matches
    (`SEARCH_FIELDS`) and its evidence's key (`EVIDENCE_FIELD`); it stores a `search_vector`."""

    def published(self) -> Self:
        """What the public sees, by the written answers' rule: a source that names IPP, or that
        evidences a published commitment (its evidence's ids, not a join back to this table)."""
        evidence = self.model._meta.get_field("evidence").related_model
        evidencing = evidence.objects.filter(
            state=EvidenceState.CONFIRMED, commitment__is_published=True
        ).values(self.model.EVIDENCE_FIELD)
        return self.filter(Q(is_about_ipp=True) | Q(pk__in=evidencing))

    def for_list(self) -> Self:
        """What a search result shows: what, where, when, and the start of the text (enough to say
        what it says); the whole text and the record as received stay in the database."""
        return self.only("pk", *self.model.LIST_FIELDS).annotate(text_start=Left("text", 400))

    def newest_first(self) -> Self:
        return self.order_by(models.F(self.model.DATE_FIELD).desc(nulls_last=True), "-pk")

    def search(self, words: str) -> Self:
        """Matches for a reader's words, best first, then newest (models/search.py). Candidates are
        read newest first, as the model's (date, id) index walks them."""
        newest = models.F(self.model.DATE_FIELD).desc(nulls_last=True)
        candidates = [newest, models.F("id").desc()]
        found = full_text_search(
            self, words, candidate_order=candidates, fallback_fields=self.model.SEARCH_FIELDS
        )
        return found.order_by("-rank", newest, "-pk")


class ObservedSourceQuerySet(ObservedReading, ObservedAwaitingTriage, BulkWriteSignalsQuerySet):
    """Statements and contributions: the public reading (ObservedReading), the triage queue, and
    their bulk writes, which tell the data version, as saves do (search shows them)."""

    def bulk_copy(self, objs: list, *, key: str) -> list:
        """bulk_create for a page of new sources. On PostgreSQL one COPY: the driver does not build,
        nor the server parse, an INSERT spelling out every text; the new rows' ids are then read
        back by `key`, a unique field, one query. The search vector is left to the trigger that
        writes it, as an INSERT leaves it. Elsewhere (SQLite), bulk_create. Errors are Django's, as
        bulk_create's are; sends bulk_written as bulk_create does."""
        connection = connections[self.db]
        if connection.vendor != "postgresql" or not objs:
            return self.bulk_create(objs)
        fields = [
            field
            for field in self.model._meta.concrete_fields
            if not field.primary_key and not isinstance(field, SearchVectorField)
        ]
        rows = [
            [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
            for obj in objs
        ]
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        sql = f"COPY {connection.ops.quote_name(self.model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor:
            # Logged as a query where queries are counted (tests, the benchmark), as an INSERT is.
            logged = cursor.debug_sql(sql) if isinstance(cursor, CursorDebugWrapper) else nullcontext()
            with logged, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        ids = dict(self.filter(**{f"{key}__in": [getattr(obj, key) for obj in objs]}).values_list(key, "pk"))
        for obj in objs:
            obj.pk = ids[getattr(obj, key)]
            obj._state.adding, obj._state.db = False, self.db
        bulk_written.send(sender=self.model, objs=objs)
        return objs


class Rechecked(models.Model):
    """What the re-check keeps on every record it reads from an API, written answers included: whether
    the record or its words changed since, and when it was first and last seen (abstract)."""

    content_hash = models.CharField(max_length=64, blank=True)
    list_fingerprint = models.CharField(
        max_length=64, blank=True, help_text="Hash of the API record last seen; unchanged means no work."
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class ObservedSource(Rechecked, Triaged):
    """Fields every re-checked source carries besides its own key, and what triage records (abstract)."""

    text = models.TextField(blank=True, help_text="The words as plain text, verbatim from the source.")
    text_is_complete = models.BooleanField(
        default=True,
        help_text="False when our copy stopped short of the official page: shown as it is, marked "
        "cut short, with a link to the official page for the rest.",
    )
    source_url = models.URLField(
        max_length=500, blank=True, help_text="Where our copy came from, when not the official page."
    )
    source_record = models.JSONField(default=dict, blank=True, help_text="The raw record as received.")
    is_about_ipp = models.BooleanField(default=False, help_text="The text names IPP in so many words.")
    matched_terms = models.JSONField(default=list, blank=True)
    # The words search reads, weighted (models/search.py); written by a PostgreSQL trigger
    # (migration 0031_spoken_search_vector), empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ObservedSourceQuerySet.as_manager()

    class Meta:
        abstract = True

    def match_inputs(self) -> dict[str, str]:
        """What the matcher reads (analysis/matching.py `Matcher.match`): the words, under their
        heading (a statement's title, a contribution's debate)."""
        return {"answer_text": self.text, "heading": getattr(self, self.HEADING_FIELD)}


class SourceEvent(models.Model):
    """Append-only record of what the re-check observed about a statement, a contribution or a
    GOV.UK publication: first seen, its words changed, or GOV.UK announced an update. Exactly one of
    `statement`, `contribution` and `publication` is set: one event log for every re-checked kind,
    so the admin, the counts and whatever reads "what changed" read one table (as Evidence will)."""

    Kind = SourceEventKind

    statement = models.ForeignKey(
        "WrittenStatement", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    contribution = models.ForeignKey(
        "HansardContribution", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    publication = models.ForeignKey(
        "Publication", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_on = models.DateField(null=True, blank=True, help_text="Parliament's date, if any.")
    content_hash = models.CharField(max_length=64, blank=True)
    detail = models.TextField(blank=True)
    previous_text = models.TextField(blank=True, help_text="For a text change: the words before it.")
    recheck_run = models.ForeignKey(
        "RecheckRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="source_events"
    )
    observed_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["observed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(statement__isnull=False, contribution__isnull=True, publication__isnull=True)
                | Q(statement__isnull=True, contribution__isnull=False, publication__isnull=True)
                | Q(statement__isnull=True, contribution__isnull=True, publication__isnull=False),
                name="source_event_one_source",
            ),
            models.UniqueConstraint(
                fields=["statement", "kind", "content_hash"],
                condition=Q(statement__isnull=False),
                name="source_event_once_per_statement",
            ),
            models.UniqueConstraint(
                fields=["contribution", "kind", "content_hash"],
                condition=Q(contribution__isnull=False),
                name="source_event_once_per_contribution",
            ),
            models.UniqueConstraint(
                fields=["publication", "kind", "content_hash"],
                condition=Q(publication__isnull=False),
                name="source_event_once_per_publication",
            ),
            models.CheckConstraint(
                condition=in_choices("kind", SourceEventKind), name="source_event_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement or self.contribution or self.publication}: {self.get_kind_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ImmutableRecord("Source events are append-only and cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord("Source events are append-only and cannot be deleted.")
