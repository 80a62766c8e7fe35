"""Geometry for the server-side SVG charts (no JavaScript, no inline styles).

A suppressed or nil figure is drawn as a labelled marker, never as a bar of length 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..models import FigureCell, FigureColumn, FigureTable, Status

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 230
PLOT_WIDTH = 420


@dataclass
class Bar:
    label: str
    y: int
    width: float
    text: str
    kind: str
    label_missing: bool = False


@dataclass
class BarChart:
    title: str
    bars: list[Bar]
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH

    @property
    def height(self) -> int:
        return len(self.bars) * (BAR_HEIGHT + GAP) + GAP

    @property
    def width(self) -> int:
        return self.label_width + self.plot_width + 80

    @property
    def bar_height(self) -> int:
        return BAR_HEIGHT


def figure_column_charts(table: FigureTable) -> list[BarChart]:
    """One horizontal bar chart per published column (the total column included), rows as bars;
    published total rows are left out of the bars."""
    rows = [row for row in table.rows.all() if not row.is_total]
    cells = {(cell.row_id, cell.column_id): cell for row in rows for cell in row.cells.all()}
    charts = []
    for column in table.columns.all():
        charts.append(_column_chart(column, rows, cells))
    return charts


def _column_chart(column: FigureColumn, rows, cells) -> BarChart:
    values = [cells[(row.pk, column.pk)].value for row in rows if (row.pk, column.pk) in cells]
    largest = max((value for value in values if value is not None), default=Decimal(1)) or Decimal(1)
    bars = []
    for index, row in enumerate(rows):
        cell: FigureCell | None = cells.get((row.pk, column.pk))
        y = GAP + index * (BAR_HEIGHT + GAP)
        if cell is None:
            bars.append(Bar(row.display_label, y, 0, "no value", "missing", row.label_missing))
        elif cell.kind == FigureCell.Kind.NUMBER:
            width = float(cell.value / largest) * PLOT_WIDTH
            bars.append(
                Bar(
                    row.display_label,
                    y,
                    max(width, 1.0),
                    cell.published,
                    FigureCell.Kind.NUMBER,
                    row.label_missing,
                )
            )
        else:
            text = "suppressed (*)" if cell.kind == FigureCell.Kind.SUPPRESSED else "nil (-)"
            bars.append(Bar(row.display_label, y, 0, text, cell.kind, row.label_missing))
    return BarChart(title=column.display_label, bars=bars)


@dataclass
class Segment:
    status: str
    label: str
    count: int
    x: float
    width: float


def status_bar(counts: dict[str, int], *, width: int = 600) -> list[Segment]:
    """Commitments by status as segments of one bar, in the order of the status set."""
    total = sum(counts.values()) or 1
    segments, x = [], 0.0
    for status in Status:
        count = counts.get(status.value, 0)
        share = count / total * width
        segments.append(Segment(status.value, status.label, count, x, share))
        x += share
    return segments
