"""Indicators: named series of official figures (what they count, the unit, the official table they
come from) with dated points, each sourced. A revised figure is a new point that `revises` the old
one; the old one stays, as history, and is never overwritten (DESIGN.md "Indicator")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..exceptions import IndicatorError
from .figures import FigureCell
from .plan import Commitment
from .questions import WrittenQuestion

# The fields that make a point's figure: changed only by a revision (a new point), never in place.
FIGURE_FIELDS = ("indicator_id", "period_start", "period_end", "value")


class IndicatorQuerySet(models.QuerySet):
    def published(self) -> models.QuerySet:
        return self.filter(is_published=True)

    def with_points(self) -> models.QuerySet:
        """Every point of each series, revised ones too, in time order, as `every_point`: what
        current_points and earlier_figures read, so a page of series costs two queries."""
        points = IndicatorPoint.objects.select_related("question").in_time_order()
        return self.prefetch_related(models.Prefetch("points", queryset=points, to_attr="every_point"))

    def headline(self) -> Indicator | None:
        """The series the home page opens with, with its points."""
        return self.published().filter(is_headline=True).with_points().first()


class Indicator(models.Model):
    """A named series: what it counts, in what unit, from which official table."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200, help_text="A short name for headings, in plain words.")
    counts = models.TextField(help_text="What the figures count, said precisely.")
    unit = models.CharField(max_length=40, help_text="people, months, sentences …: the chart's axis.")
    official_table = models.CharField(
        max_length=300,
        blank=True,
        help_text="The official table the figures come from (e.g. “Offender management statistics "
        "quarterly, table 1.Q.14”), where a source names it. Empty when none does.",
    )
    is_headline = models.BooleanField(
        default=False, help_text="The home page opens with this series' latest figure (one series only)."
    )
    position = models.PositiveSmallIntegerField(default=100, help_text="Order on the numbers page.")
    commitments = models.ManyToManyField(
        Commitment, blank=True, related_name="indicators", help_text="Commitments that aim to move it."
    )
    note = models.TextField(blank=True, help_text="Shown to readers: what could not be confirmed.")
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[commitments])
    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_headline"], condition=Q(is_headline=True), name="indicator_one_headline"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def current_points(self) -> list[IndicatorPoint]:
        """The figures as they now stand, in time order (needs with_points())."""
        revised = {point.revises_id for point in self.every_point if point.revises_id}
        return [point for point in self.every_point if point.pk not in revised]

    def earlier_figures(self, point: IndicatorPoint) -> list[IndicatorPoint]:
        """The figures `point` revised, newest first: kept and shown, never overwritten."""
        by_pk = {each.pk: each for each in self.every_point}
        earlier, step = [], by_pk.get(point.revises_id)
        while step is not None:
            earlier.append(step)
            step = by_pk.get(step.revises_id)
        return earlier

    @property
    def first_point(self) -> IndicatorPoint | None:
        current = self.current_points
        return current[0] if current else None

    @property
    def latest_point(self) -> IndicatorPoint | None:
        current = self.current_points
        return current[-1] if current else None

    @property
    def change_since_first(self) -> Decimal | None:
        """The latest figure less the first: None while the series has fewer than two points."""
        current = self.current_points
        return current[-1].change_from(current[0]) if len(current) > 1 else None

    @property
    def change_since_first_text(self) -> str:
        """“Down 2,496 since 30 June 2015, the first figure in the series (5,040)”, or "" for a
        series of one figure."""
        change = self.change_since_first
        if change is None:
            return ""
        first = self.first_point
        when = first.period_text.removeprefix("at ").removeprefix("on ")
        if first.period_start is not None and first.period_start != first.period_end:
            when = f"the figure for {when}"
        size = IndicatorPoint(value=abs(change)).value_text
        moved = "Down" if change < 0 else "Up" if change > 0 else "Unchanged"
        amount = f" {size}" if change else ""
        return f"{moved}{amount} since {when}, the first figure in the series ({first.value_text})"


class IndicatorPointQuerySet(models.QuerySet):
    def current(self) -> models.QuerySet:
        """The figures as they now stand: points no later point revises."""
        return self.filter(revised_by__isnull=True)

    def published(self) -> models.QuerySet:
        return self.filter(indicator__is_published=True)

    def in_time_order(self) -> models.QuerySet:
        return self.order_by("period_end", models.F("period_start").asc(nulls_first=True), "pk")


class IndicatorPoint(models.Model):
    """One dated figure of a series, with the source it was read in.

    `period_start` is empty for a figure "as at" `period_end` (a population on a day); both are set
    for a count over a period. A figure is never edited in place: commitments.editorial.revise_point
    writes a new point that `revises` this one, so the older figure stays visible as history."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="points")
    period_start = models.DateField(null=True, blank=True, help_text="Empty for a figure on one day.")
    period_end = models.DateField(help_text="The day a figure is “as at”, or the period's last day.")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    source_title = models.CharField(max_length=300, help_text="The source's name, as the research gave it.")
    source_url = models.CharField(
        max_length=500,
        help_text="Its address (the official one first where known; a copy resolves through the "
        "source copies). Sometimes a data file described in words (“github:…”), shown as text.",
    )
    note = models.TextField(blank=True, help_text="Shown to readers: quotes, caveats, what was assumed.")
    is_derived = models.BooleanField(
        default=False,
        help_text="Worked out by the tracker's researchers from published figures (the note says how), "
        "not published as one figure.",
    )
    revises = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revised_by",
        help_text="The earlier figure for the same period that this one revises; it stays as history.",
    )
    question = models.ForeignKey(
        WrittenQuestion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicator_points",
        help_text="The written answer the figure was published in, when it came from one.",
    )
    figure_cell = models.ForeignKey(
        FigureCell,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicator_points",
        help_text="The figure-table cell it was promoted from, when it was.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = IndicatorPointQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "period_end", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True) | Q(period_start__lte=models.F("period_end")),
                name="indicator_point_period_in_order",
            ),
            models.CheckConstraint(condition=~Q(source_url=""), name="indicator_point_has_source"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value_text} {self.period_text}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            stored = IndicatorPoint.objects.filter(pk=self.pk).values(*FIGURE_FIELDS).first()
            if stored and any(stored[name] != getattr(self, name) for name in FIGURE_FIELDS):
                raise IndicatorError(
                    "A published figure is never overwritten: record the new figure as a revision."
                )
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """A revision is of the same series and period as the figure it revises."""
        earlier = self.revises
        if earlier is not None and (
            earlier.indicator_id != self.indicator_id
            or earlier.period_start != self.period_start
            or earlier.period_end != self.period_end
        ):
            raise ValidationError(
                {"revises": "A revision must be of the same series and period as the figure it revises."}
            )

    @property
    def value_text(self) -> str:
        """2,614 or 27.5: as a reader writes it."""
        value = self.value
        if value == value.to_integral_value():
            return f"{int(value):,}"
        return f"{value.normalize():,f}"

    @property
    def period_text(self) -> str:
        """“at 31 December 2024”, “on 1 November 2024” or “1 January 2024 to 30 September 2024”."""
        if self.period_start is None:
            return f"at {_uk(self.period_end)}"
        if self.period_start == self.period_end:
            return f"on {_uk(self.period_end)}"
        return f"{_uk(self.period_start)} to {_uk(self.period_end)}"

    @property
    def source_is_web_address(self) -> bool:
        return self.source_url.startswith(("https://", "http://"))

    def change_from(self, earlier: IndicatorPoint) -> Decimal:
        return self.value - earlier.value


def _uk(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
