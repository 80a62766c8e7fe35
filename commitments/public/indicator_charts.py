"""Charts of indicator series: one horizontal bar per figure, oldest at the top, every bar labelled
with its date and its value, on a scale from 0. The bar charts of figure tables (charts.py) supply
the geometry, so a series reads at a phone's width exactly as a table's chart does; bars suit
figures taken on uneven dates (years apart, then quarters) better than a line would."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from decimal import Decimal

from ..models import Indicator, IndicatorPoint
from .charts import (
    AXIS_TITLE_CHARS,
    BAR_HEIGHT,
    LABEL_CHARS,
    LINE_HEIGHT,
    ROW_PITCH,
    TOP,
    Bar,
    BarChart,
    nice_scale,
)

DERIVED = "derived"


def _label(point: IndicatorPoint) -> list[str]:
    text = point.period_text.removeprefix("at ").removeprefix("on ")
    return textwrap.wrap(text, LABEL_CHARS) or [text]


@dataclass
class SeriesChart(BarChart):
    unit: str = ""
    html_id: str = ""

    @property
    def has_derived(self) -> bool:
        return any(bar.kind == DERIVED for bar in self.bars)

    @property
    def description(self) -> str:
        """The chart in words, for screen readers; the table beside it holds the same figures."""
        values = "; ".join(
            f"{bar.label}: {bar.text}"
            + (" (derived by the tracker, not published)" if bar.kind == DERIVED else "")
            for bar in self.bars
        )
        return (
            f"Bars, one per figure, oldest first: {' '.join(self.axis_lines)} on a scale of 0 to "
            f"{self.scale.top_text}. {values}."
        )


def series_chart(indicator: Indicator) -> SeriesChart | None:
    """A chart of the series' current figures, or None for a series of fewer than two (a single
    figure is a sentence, not a chart). Needs Indicator.objects.with_points()."""
    points = indicator.current_points
    if len(points) < 2:
        return None
    scale = nice_scale(max(point.value for point in points) or Decimal(1))
    labels = [_label(point) for point in points]
    pitch = max(ROW_PITCH, max(len(lines) for lines in labels) * LINE_HEIGHT + 4)
    bars = []
    for index, (point, lines) in enumerate(zip(points, labels, strict=True)):
        y = TOP + index * pitch + (pitch - BAR_HEIGHT) // 2
        kind = DERIVED if point.is_derived else "number"
        bars.append(Bar(lines, y, max(scale.length(point.value), 1.0), point.value_text, kind))
    axis = indicator.unit.capitalize()
    return SeriesChart(
        title=indicator.name,
        bars=bars,
        scale=scale,
        rows_label="Date",
        axis_lines=textwrap.wrap(axis, AXIS_TITLE_CHARS) or [axis],
        row_pitch=pitch,
        unit=indicator.unit,
        html_id=f"chart-{indicator.slug}",
    )
