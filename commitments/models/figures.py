"""Numbers published inside answers: tables of rows × columns, with suppressed and nil cells kept."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .choices import FigureCellKind, in_choices
from .querysets import BulkWriteSignalsQuerySet, FigureTableQuerySet
from .questions import WrittenQuestion

BLANK_LABEL = "No label"


def lost_label(axis: str, number: int) -> str:
    """How a label the source lost is shown: calm, and distinct for each row or column, so a
    reader can find it in the official answer. "row 6" counts as published, from 1."""
    return f"Name lost ({axis} {number})"


class FigureTable(models.Model):
    """Numbers published inside an answer, stored as rows × columns as published."""

    question = models.ForeignKey(WrittenQuestion, on_delete=models.PROTECT, related_name="figure_tables")
    slug = models.SlugField(max_length=100, unique=True)
    caption = models.TextField()
    row_heading = models.CharField(max_length=200, blank=True, help_text="What the rows are.")
    measure = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the numbers count, as published above the columns (the charts' axis label).",
    )
    notes = models.TextField(blank=True, help_text="The notes published under the table.")
    total_mismatches = models.JSONField(
        default=list,
        blank=True,
        help_text="Published totals the cells do not add up to, where suppressed cells cannot "
        "explain the difference. Kept as published, never corrected.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = FigureTableQuerySet.as_manager()

    class Meta:
        ordering = ["question", "slug"]

    def __str__(self) -> str:
        return self.caption[:80]


class FigureAxisLabel(models.Model):
    """Shared shape of a table's rows and columns. `is_total` marks the published total line."""

    axis: str  # "row" or "column": how a lost label names its place

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
        """What a reader sees: a lost label is named as lost, a blank one as blank, never guessed."""
        if self.label_missing:
            return lost_label(self.axis, self.position)
        return self.label or BLANK_LABEL


class FigureRow(FigureAxisLabel):
    axis = "row"
    history = HistoricalRecords()

    class Meta(FigureAxisLabel.Meta):
        default_related_name = "rows"
        constraints = [
            models.UniqueConstraint(fields=["table", "position"], name="figure_row_position_once"),
        ]


class FigureColumn(FigureAxisLabel):
    axis = "column"
    history = HistoricalRecords()

    class Meta(FigureAxisLabel.Meta):
        default_related_name = "columns"
        constraints = [
            models.UniqueConstraint(fields=["table", "position"], name="figure_column_position_once"),
        ]


class FigureCell(models.Model):
    """One value. Suppressed (`*`) and nil (`-`) cells have no number: they are never 0."""

    Kind = FigureCellKind

    row = models.ForeignKey(FigureRow, on_delete=models.CASCADE, related_name="cells")
    column = models.ForeignKey(FigureColumn, on_delete=models.CASCADE, related_name="cells")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    published = models.CharField(max_length=40, help_text="The cell exactly as published.")

    history = HistoricalRecords()
    objects = BulkWriteSignalsQuerySet.as_manager()

    class Meta:
        ordering = ["row__position", "column__position"]
        constraints = [
            models.UniqueConstraint(fields=["row", "column"], name="figure_cell_once"),
            models.CheckConstraint(
                condition=in_choices("kind", FigureCellKind), name="figure_cell_kind_valid"
            ),
            models.CheckConstraint(
                condition=(Q(kind=FigureCellKind.NUMBER) & Q(value__isnull=False))
                | (~Q(kind=FigureCellKind.NUMBER) & Q(value__isnull=True)),
                name="figure_cell_value_only_for_numbers",
            ),
        ]

    def __str__(self) -> str:
        return self.published
