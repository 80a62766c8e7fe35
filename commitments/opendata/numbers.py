"""Indicator series and deadlines as open data: the API's serializers, the CSVs and the zip's tables,
all built from their descriptions in shape.py, so the JSON, the spreadsheets and the data dictionary
say the same. Each source is given as recorded and as the source rule resolves it (official first)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from ..models import Commitment, Deadline, Indicator, IndicatorPoint
from ..models.deadlines import today
from ..public.site_wide import source_copies
from ..sources import resolve_source
from .api_policy import LookupGuard
from .shape import DEADLINES, INDICATOR_POINTS, INDICATORS
from .spreadsheets import csv_writer

# The stored fields each row reads as they are, and the columns, in order.
INDICATOR_FIELDS = INDICATORS.span("slug", "note")
INDICATOR_COLUMNS = INDICATORS.header
POINT_COLUMNS = INDICATOR_POINTS.header
DEADLINE_FIELDS = DEADLINES.span("id", "note")
DEADLINE_COLUMNS = DEADLINES.header


def public_indicators():
    published = Commitment.objects.published().only("pk", "slug").order_by("slug")
    return (
        Indicator.objects.published()
        .with_points()
        .prefetch_related(Prefetch("commitments", queryset=published))
        .order_by("position", "slug")
    )


def public_deadlines():
    return Deadline.objects.for_pages()


def _official(url: str) -> str:
    """The address the source rule puts first: the official page where one is known."""
    return resolve_source(url, source_copies()).primary.url if url else ""


class PointSerializer(serializers.ModelSerializer):
    is_current = serializers.SerializerMethodField(help_text=INDICATOR_POINTS.help_text("is_current"))
    official_source_url = serializers.SerializerMethodField(
        help_text=INDICATOR_POINTS.help_text("official_source_url")
    )
    value = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True, read_only=True)
    source_url = serializers.CharField(help_text=INDICATOR_POINTS.help_text("source_url"))

    class Meta:
        model = IndicatorPoint
        fields = INDICATOR_POINTS.api_fields

    def get_is_current(self, point: IndicatorPoint) -> bool:
        return not getattr(point, "_revised", False)

    def get_official_source_url(self, point: IndicatorPoint) -> str:
        return _official(point.source_url)


class IndicatorSerializer(serializers.ModelSerializer):
    commitments = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    points = serializers.SerializerMethodField(help_text=INDICATORS.help_text("points"))

    class Meta:
        model = Indicator
        fields = INDICATORS.api_fields

    @extend_schema_field(PointSerializer(many=True))
    def get_points(self, indicator: Indicator) -> list[dict]:
        return PointSerializer(_marked(indicator), many=True).data


def _marked(indicator: Indicator) -> list[IndicatorPoint]:
    """Every point of the series, each marked `_revised` when a later point revises it."""
    revised = {point.revises_id for point in indicator.every_point if point.revises_id}
    for point in indicator.every_point:
        point._revised = point.pk in revised
    return indicator.every_point


class DeadlineSerializer(serializers.ModelSerializer):
    commitment = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    action_plan = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    duty = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    state = serializers.SerializerMethodField(help_text=DEADLINES.help_text("state"))
    days = serializers.SerializerMethodField(help_text=DEADLINES.help_text("days"))

    class Meta:
        model = Deadline
        fields = DEADLINES.api_fields

    def get_state(self, deadline: Deadline) -> str:
        return str(deadline.standing().state)

    def get_days(self, deadline: Deadline) -> int:
        return deadline.standing().days


def _cell(value):
    return "" if value is None else value


def indicator_rows(queryset) -> Iterator[list]:
    for indicator in queryset:
        yield [
            *(_cell(getattr(indicator, name)) for name in INDICATOR_FIELDS),
            "; ".join(commitment.slug for commitment in indicator.commitments.all()),
            f"/numbers/#{indicator.slug}",
        ]


def point_rows(queryset) -> Iterator[list]:
    """Every point of every series of `queryset` (from public_indicators()), revisions included."""
    for indicator in queryset:
        for point in _marked(indicator):
            yield [
                indicator.slug,
                point.pk,
                _cell(point.period_start),
                point.period_end,
                point.value,
                point.is_derived,
                point.source_title,
                point.source_url,
                point.note,
                _cell(point.revises_id),
                _cell(point.question_id),
                _cell(point.figure_cell_id),
                not point._revised,
                _official(point.source_url),
                point.created_at.isoformat(),
            ]


def deadline_rows(queryset) -> Iterator[list]:
    on = today()
    for deadline in queryset:
        standing = deadline.standing(on)
        yield [
            deadline.commitment.slug if deadline.commitment_id else "",
            deadline.action_plan.slug if deadline.action_plan_id else "",
            deadline.duty.slug if deadline.duty_id else "",
            *(_cell(getattr(deadline, name)) for name in DEADLINE_FIELDS),
            standing.state,
            standing.days,
            standing.text,
            on,
        ]


def _csv(name: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv_writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return response


# Built per request, not as a snapshot: a few dozen curated rows, and a deadline's standing moves
# with the day, not only with the data.
@transaction.non_atomic_requests  # read-only
def indicator_points_csv(request):
    """Every figure of every published series, revisions included."""
    return _csv("indicator-points.csv", POINT_COLUMNS, point_rows(public_indicators()))


@transaction.non_atomic_requests  # read-only
def deadlines_csv(request):
    """Every published deadline with its standing today."""
    return _csv("deadlines.csv", DEADLINE_COLUMNS, deadline_rows(public_deadlines()))


@transaction.non_atomic_requests  # read-only
def indicator_csv(request, slug: str):
    """One series as CSV, every figure (revised ones too), linked from the numbers page."""
    indicator = get_object_or_404(public_indicators(), slug=slug)
    return _csv(f"{indicator.slug}.csv", POINT_COLUMNS, point_rows([indicator]))


class IndicatorViewSet(LookupGuard, viewsets.ReadOnlyModelViewSet):
    """Published indicator series, each with every figure (revised ones marked not current) and its
    source, as recorded and resolved official first."""

    serializer_class = IndicatorSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"  # any unknown slug reaches the view: a JSON 404, not an HTML one

    def get_queryset(self):
        return public_indicators()


class DeadlineViewSet(LookupGuard, viewsets.ReadOnlyModelViewSet):
    """Promised dates and occurrences of statutory duties, each with its standing today by the one
    rule (met on time, met late, overdue, not yet due, no date promised)."""

    serializer_class = DeadlineSerializer
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return public_deadlines()
