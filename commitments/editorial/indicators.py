"""Writes to indicator series: a revised figure is a new point, never an overwrite, and a cell of a
figure table from an answer can become a point that keeps its answer and cell."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from ..exceptions import IndicatorError
from ..models import FigureCell, Indicator, IndicatorPoint


@transaction.atomic
def revise_point(
    point: IndicatorPoint,
    *,
    value,
    source_title: str,
    source_url: str,
    note: str = "",
) -> IndicatorPoint:
    """Record a revised figure for the same period as `point`. The earlier figure stays, as the
    history of the current one; a point already revised must be revised at its newest revision."""
    locked = IndicatorPoint.objects.select_for_update().get(pk=point.pk)
    if IndicatorPoint.objects.filter(revises=locked).exists():
        raise IndicatorError("This figure has already been revised: revise its newest revision instead.")
    return IndicatorPoint.objects.create(
        indicator=locked.indicator,
        period_start=locked.period_start,
        period_end=locked.period_end,
        value=value,
        source_title=source_title,
        source_url=source_url,
        note=note,
        revises=locked,
    )


def figure_cell_provenance(cell: FigureCell) -> dict:
    """What a point promoted from `cell` records: its number, the answer it was published in, the
    answer's official address as the source, and the cell itself. Refuses a cell with no number."""
    if cell.kind != FigureCell.Kind.NUMBER or cell.value is None:
        raise IndicatorError(f"The cell “{cell.published}” holds no number, so it cannot be a point.")
    table = cell.row.table
    question = table.question
    house = question.get_house_display()
    return {
        "value": cell.value,
        "source_title": f"{house} written answer {question.uin}, table “{table.caption}”",
        "source_url": question.citation_url,
        "question": question,
        "figure_cell": cell,
        "note": f"From the table in the answer, cell {cell.row.display_label} × {cell.column.display_label} "
        f"(published as “{cell.published}”).",
    }


def promote_figure_cell(
    cell: FigureCell,
    *,
    indicator: Indicator,
    period_end: date,
    period_start: date | None = None,
    note: str = "",
) -> IndicatorPoint:
    """A number published in an answer's table as a point of a series. It keeps its provenance:
    the cell, the answer it was published in, and the answer's official address as its source.
    A suppressed or nil cell has no number, so it cannot become a point (it is never 0)."""
    provenance = figure_cell_provenance(cell)
    if note:
        provenance["note"] = note
    return IndicatorPoint.objects.create(
        indicator=indicator, period_start=period_start, period_end=period_end, **provenance
    )
