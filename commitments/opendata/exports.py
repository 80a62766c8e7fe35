"""Spreadsheets and the whole data set. Lists are streamed row by row from a server-side cursor, so
50,000 rows take the same memory as 50; filters are the pages' own.

What shows everything (the zip, an unfiltered CSV) is built once per data version by a Celery task
(builds.py) and served as a file (snapshots.py); a filtered CSV is built per request, so each client
may ask for only EXPORT_THROTTLE_RATE of them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from rest_framework.throttling import SimpleRateThrottle

from ..integrity import change_source
from ..models import (
    Commitment,
    FigureCell,
    FigureTable,
    SourceBasis,
    SourceCopy,
    StatusChange,
    WrittenQuestion,
)
from ..public.filters import CommitmentFilter, RecommendationFilter, WrittenQuestionFilter
from . import snapshots
from .recommendations import (
    RECOMMENDATION_COLUMNS,
    public_recommendations,
    recommendation_rows,
)
from .shape import COMMITMENTS, QUESTIONS
from .spreadsheets import csv_writer

# The columns, in order, as shape.py describes them (a column added after the first release goes at
# the end, so a reader that counts columns still finds the rest).
COMMITMENT_COLUMNS = COMMITMENTS.header
QUESTION_COLUMNS = QUESTIONS.header


class _Echo:
    def write(self, value: str) -> str:
        return value


def _stream(rows: Iterable[list], header: list[str]) -> Iterator[str]:
    writer = csv_writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def _csv_response(rows: Iterable[list], header: list[str], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_stream(rows, header), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _invalid(filterset) -> HttpResponse:
    problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in filterset.errors.items())
    return HttpResponse(f"Invalid filter: {problems}\n", status=400, content_type="text/plain; charset=utf-8")


def all_commitments():
    """The published commitments in the order of the whole list (its CSV, the zip)."""
    return Commitment.objects.published().with_evidence_recency().order_by("slug")


def all_questions():
    return WrittenQuestion.objects.published().order_by("-date_answered", "-pk")


def commitment_rows(queryset) -> Iterator[list]:
    """A row per commitment of `queryset`, which must be read through with_evidence_recency()."""
    copies = SourceCopy.objects.by_copy_url()
    changes = StatusChange.objects.select_related("question").in_order()
    for commitment in (
        queryset.select_related("theme")
        .prefetch_related("action_plans", Prefetch("status_changes", queryset=changes, to_attr="in_order"))
        .iterator(chunk_size=2000)
    ):
        # Where its status stands: the latest change, as the commitment's page says it.
        latest = commitment.in_order[-1] if commitment.in_order else None
        rests_on = rests_on_columns(latest, copies) if latest else ("", SourceBasis.NOTHING)
        yield [
            commitment.slug,
            commitment.title,
            commitment.theme.name,
            commitment.status,
            commitment.owner,
            "; ".join(plan.slug for plan in commitment.action_plans.all()),
            commitment.summary,
            f"/commitments/{commitment.slug}/",
            commitment.latest_evidence_on or "",
            commitment.latest_evidence_is_lower_bound,
            latest.effective_on if latest else "",
            latest.reason if latest else "",
            *rests_on,
        ]


def question_rows(queryset) -> Iterator[list]:
    stored = [name for name in QUESTION_COLUMNS if name != "official_url"]  # a property of the rest
    for question in queryset.only(*stored).iterator(chunk_size=2000):
        yield ["" if value is None else value for value in (getattr(question, n) for n in QUESTION_COLUMNS)]


class ExportThrottle(SimpleRateThrottle):
    """Filtered exports per client address (the same address the API's throttle sees)."""

    scope = "exports"

    def get_rate(self) -> str:
        return settings.EXPORT_THROTTLE_RATE  # read per request, so it can be changed in tests

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _is_filtered(filterset) -> bool:
    return any(value not in (None, "", [], ()) for value in filterset.form.cleaned_data.values())


def _too_many(throttle: ExportThrottle, full_export: str) -> HttpResponse:
    wait = max(1, round(throttle.wait() or 1))
    response = HttpResponse(
        f"Too many filtered exports from your address: try again in {wait} seconds, or download "
        f"the whole list, which is not limited: {full_export}\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(wait)
    return response


def _list_export(request, filterset, name: str, header: list[str], rows) -> HttpResponse:
    if not filterset.is_valid():
        return _invalid(filterset)
    if not _is_filtered(filterset):
        return snapshots.serve(name, "text/csv; charset=utf-8")
    throttle = ExportThrottle()
    if not throttle.allow_request(request, None):
        return _too_many(throttle, request.path)
    return _csv_response(rows(filterset.qs), header, name)


@transaction.non_atomic_requests  # read-only; a file served needs no transaction
def commitments_csv(request):
    filterset = CommitmentFilter(request.GET, queryset=all_commitments())
    return _list_export(request, filterset, "commitments.csv", COMMITMENT_COLUMNS, commitment_rows)


@transaction.non_atomic_requests  # read-only; a file served needs no transaction
def questions_csv(request):
    filterset = WrittenQuestionFilter(request.GET, queryset=all_questions())
    return _list_export(request, filterset, "questions.csv", QUESTION_COLUMNS, question_rows)


@transaction.non_atomic_requests  # read-only; a file served needs no transaction
def recommendations_csv(request):
    filterset = RecommendationFilter(request.GET, queryset=public_recommendations().order_by("slug"))
    return _list_export(
        request, filterset, "recommendations.csv", RECOMMENDATION_COLUMNS, recommendation_rows
    )


def figure_table_rows(table: FigureTable) -> tuple[list[str], list[list]]:
    """The table as a reader sees it: one line per published row, one column per published column.

    The first column is the row's label, empty where the source lost it. Numbers are written as
    numbers (1600, not "1,600"); a suppressed cell as `*` and a nil cell as `-` (which the writer
    turns into `'-`), never as 0. Rows, columns and cells must be prefetched (`with_grid()`)."""
    header = [table.row_heading or "row", *(column.label for column in table.columns.all())]
    rows = [
        ["" if row.label_missing else row.label, *(_figure_value(cell) for cell in row.cells.all())]
        for row in table.rows.all()
    ]
    return header, rows


def _figure_value(cell: FigureCell) -> Decimal | int | str:
    if cell.value is None:
        return cell.published
    return int(cell.value) if cell.value == cell.value.to_integral_value() else cell.value.normalize()


@transaction.non_atomic_requests  # read-only
def figure_table_csv(request, slug: str):
    """One figure table as CSV, linked from its figures page. A table of an answer the public
    cannot see is a 404, as its page is."""
    public = WrittenQuestion.objects.published().values("pk")
    table = get_object_or_404(FigureTable.objects.with_grid(), slug=slug, question__in=public)
    header, rows = figure_table_rows(table)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.slug}.csv"'
    writer = csv_writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return response


def rests_on_columns(change: StatusChange, copies: dict) -> tuple[str, str]:
    """The source a change rests on, resolved official first, and whether it is official."""
    resolved = change_source(change, copies)
    return (resolved.primary.url, resolved.basis) if resolved else ("", SourceBasis.NOTHING)


@transaction.non_atomic_requests  # read-only; a file served needs no transaction
def dataset_zip(request):
    return snapshots.serve("ipp-tracker-data.zip", "application/zip")
