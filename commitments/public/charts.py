"""Geometry for the server-side SVG charts (no JavaScript, no inline styles).

A figure table is drawn as small multiples: one horizontal bar chart per published column, rows as
bars, every chart on one shared scale with the same labelled axis, so a bar in one chart can be
compared with a bar in any other. The charts are drawn at about a phone's width (`WIDTH` units), so
on a 390 px screen their text renders at about its nominal size; wider screens put them side by side.
A suppressed or nil figure is drawn as a labelled marker, never as a bar of length 0.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal

from ..models import FigureCell, FigureColumn, FigureRow, FigureTable, Status

# Units of the SVG's viewBox. At 390 px the page leaves 358 px for a chart (1rem padding each
# side), so one unit renders as about 0.99 px there: FONT_SIZE 13 → about 12.9 px.
WIDTH = 360
PHONE_CHART_PX = 358
FONT_SIZE = 13
TICK_FONT_SIZE = 12
LINE_HEIGHT = 14
LABEL_WIDTH = 136  # row labels, right-aligned against the bars
LABEL_CHARS = 17  # a label wraps onto a second line past this many characters
AXIS_TITLE_CHARS = 42
PLOT_WIDTH = 176  # bars; the rest of WIDTH holds the value printed after each bar
ROW_PITCH = 31  # per bar, when no label needs more than two lines
BAR_HEIGHT = 18
TOP = 26  # room for the rows' heading above the bars
MAX_TICKS = 4


@dataclass
class Bar:
    label_lines: list[str]
    y: int
    width: float
    text: str
    kind: str
    label_missing: bool = False

    @property
    def label(self) -> str:
        return " ".join(self.label_lines)

    @property
    def text_y(self) -> int:
        """Baseline of the value text and of a one-line label, centred on the bar."""
        return self.y + BAR_HEIGHT // 2 + FONT_SIZE // 3

    @property
    def label_rows(self) -> list[tuple[int, str]]:
        """Each line of the label with its baseline, the lines centred on the bar's middle."""
        first = self.text_y - (len(self.label_lines) - 1) * LINE_HEIGHT // 2
        return [(first + index * LINE_HEIGHT, line) for index, line in enumerate(self.label_lines)]


@dataclass
class Tick:
    offset: float  # from the start of the bars
    text: str

    @property
    def x(self) -> float:
        return LABEL_WIDTH + self.offset


@dataclass
class Scale:
    """One scale for every chart of a table: 0 to `top`, with round ticks."""

    top: Decimal
    ticks: list[Tick] = field(default_factory=list)

    def length(self, value: Decimal) -> float:
        return float(value / self.top) * PLOT_WIDTH if self.top else 0.0

    @property
    def top_text(self) -> str:
        return _number(self.top)


@dataclass
class BarChart:
    title: str
    bars: list[Bar]
    scale: Scale
    rows_label: str
    axis_lines: list[str]
    rows_left_out: int = 0  # rows whose names were lost, left out (see figure_column_charts)
    total_left_out: bool = False
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH
    bar_height: int = BAR_HEIGHT
    font_size: int = FONT_SIZE
    tick_font_size: int = TICK_FONT_SIZE
    line_height: int = LINE_HEIGHT
    row_pitch: int = ROW_PITCH

    @property
    def axis_y(self) -> int:
        return TOP + len(self.bars) * self.row_pitch

    @property
    def tick_text_y(self) -> int:
        return self.axis_y + TICK_FONT_SIZE + 4

    @property
    def axis_title_y(self) -> int:
        return self.tick_text_y + LINE_HEIGHT + 4

    @property
    def axis_title_rows(self) -> list[tuple[int, str]]:
        return [(self.axis_title_y + index * LINE_HEIGHT, line) for index, line in enumerate(self.axis_lines)]

    @property
    def height(self) -> int:
        return self.axis_title_y + (len(self.axis_lines) - 1) * LINE_HEIGHT + 6

    @property
    def grid_top(self) -> int:
        return TOP - 4

    @property
    def plot_right(self) -> int:
        return LABEL_WIDTH + PLOT_WIDTH

    @property
    def description(self) -> str:
        """The chart in words, for screen readers; the table above holds the same figures."""
        values = "; ".join(f"{bar.label}: {bar.text}" for bar in self.bars)
        left_out = (
            f" {self.rows_left_out} rows whose names were lost are left out; the table has them."
            if self.rows_left_out
            else ""
        )
        return (
            f"Bars: {' '.join(self.axis_lines)}, by {self.rows_label}, on a scale of 0 to "
            f"{self.scale.top_text} shared by every chart of this table. {values}.{left_out}"
        )

    def rendered_font_px(self, chart_px: float = PHONE_CHART_PX) -> float:
        """The smallest text's size on screen when the chart is drawn `chart_px` pixels wide."""
        return min(self.font_size, self.tick_font_size) * chart_px / self.width


def nice_scale(largest: Decimal) -> Scale:
    """0 to a round number at or above `largest`, in at most MAX_TICKS equal round steps
    (1, 2 or 5 times a power of ten), so the axis reads 0, 500, 1,000, … and not 0, 455, 910."""
    largest = largest if largest > 0 else Decimal(1)
    rough = largest / MAX_TICKS
    power = Decimal(10) ** rough.adjusted()
    step = next(power * factor for factor in (1, 2, 5, 10) if power * factor >= rough)
    count = math.ceil(largest / step)
    scale = Scale(top=step * count)
    scale.ticks = [Tick(scale.length(step * n), _number(step * n)) for n in range(count + 1)]
    return scale


def _number(value: Decimal) -> str:
    """1,000 and 0.5, not 1000.00 or 5E-1."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def _label_lines(text: str) -> list[str]:
    """A label on as many lines as it needs, none wider than the label column: nothing is cut."""
    return textwrap.wrap(text, LABEL_CHARS) or [""]


def _row_pitch(rows: list[FigureRow]) -> int:
    """Room per bar: ROW_PITCH, or more when some label needs more than two lines."""
    lines = max((len(_label_lines(row.display_label)) for row in rows), default=1)
    return max(ROW_PITCH, lines * LINE_HEIGHT + 4)


def figure_column_charts(table: FigureTable) -> list[BarChart]:
    """One horizontal bar chart per published column (the total column included), rows as bars,
    all on one scale; published total rows are left out of the bars.

    Rows whose names the source lost are left out too, while any row keeps its name: a column of
    bars each called "Name lost" compares nothing and reads as a fault. The page says how many
    were left out and the table keeps their figures. When no row has a name, all are drawn, each
    as "Name lost (row N)", its place in the published table."""
    every_row = [row for row in table.rows.all() if not row.is_total]
    rows = [row for row in every_row if not row.label_missing] or every_row
    cells = {(cell.row_id, cell.column_id): cell for row in rows for cell in row.cells.all()}
    columns = list(table.columns.all())
    values = [cell.value for cell in cells.values() if cell.value is not None]
    scale = nice_scale(max(values, default=Decimal(1)))
    rows_label = table.row_heading or "Row"
    axis = table.measure or "Number, as published"
    axis_lines = textwrap.wrap(axis, AXIS_TITLE_CHARS) or [axis]
    pitch = _row_pitch(rows)
    charts = [_column_chart(column, rows, cells, scale, rows_label, axis_lines, pitch) for column in columns]
    for chart in charts:
        chart.rows_left_out = len(every_row) - len(rows)
        chart.total_left_out = len(every_row) < len(table.rows.all())
    return charts


def _column_chart(
    column: FigureColumn,
    rows: list[FigureRow],
    cells: dict,
    scale: Scale,
    rows_label: str,
    axis_lines: list[str],
    pitch: int,
) -> BarChart:
    bars = []
    for index, row in enumerate(rows):
        cell: FigureCell | None = cells.get((row.pk, column.pk))
        y = TOP + index * pitch + (pitch - BAR_HEIGHT) // 2
        lines = _label_lines(row.display_label)
        if cell is None:
            bars.append(Bar(lines, y, 0, "no value", "missing", row.label_missing))
        elif cell.kind == FigureCell.Kind.NUMBER:
            width = max(scale.length(cell.value), 1.0)
            bars.append(Bar(lines, y, width, cell.published, FigureCell.Kind.NUMBER, row.label_missing))
        else:
            text = "suppressed (*)" if cell.kind == FigureCell.Kind.SUPPRESSED else "nil (-)"
            bars.append(Bar(lines, y, 0, text, cell.kind, row.label_missing))
    return BarChart(
        title=column.display_label,
        bars=bars,
        scale=scale,
        rows_label=rows_label,
        axis_lines=axis_lines,
        row_pitch=pitch,
    )


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
