"""Figure tables as readers see them: one shape for a stored table (the figures page) and for a
table read from an answer's `a | b |` lines (the answer page), drawn by one template.

On the answer page a paragraph that is nothing but pipe-separated lines is replaced by the table it
holds. The replacement is rendered by an autoescaping template from the paragraph's text, so the
sanitised answer stays inert: no markup can come out that did not pass through escaping.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from ..analysis.figures import FigureParseError, ParsedTable, parse_pipe_table
from ..models import FigureTable
from ..models.figures import BLANK_LABEL, lost_label


@dataclass
class GridCell:
    kind: str
    published: str


# A name in quotation marks in a table's published notes ('Unknown Region', “Other”).
QUOTED_NAME = re.compile(r"['‘\"“]([A-Z][^'’\"”\n]{1,60})['’\"”]")


@dataclass
class GridRow:
    label: str
    label_missing: bool
    is_total: bool
    cells: list[GridCell]
    number: int = 0  # its place in the published table, from 1

    @property
    def display_label(self) -> str:
        return lost_label("row", self.number) if self.label_missing else self.label or BLANK_LABEL


@dataclass
class Grid:
    caption: str
    row_heading: str
    columns: list[str]
    rows: list[GridRow]
    html_id: str = "figure-table"
    figure_table: FigureTable | None = None
    official_url: str = ""  # the answer as Parliament published it, for rows whose names were lost
    missing_labels: int = field(init=False)
    blank_columns: int = field(init=False)

    def __post_init__(self) -> None:
        self.missing_labels = sum(row.label_missing for row in self.rows)
        self.blank_columns = sum(not label for label in self.columns)
        for number, row in enumerate(self.rows, start=1):
            row.number = row.number or number

    @property
    def body_rows(self) -> int:
        """Rows other than published totals: what "8 of the 14" counts."""
        return sum(not row.is_total for row in self.rows)

    @property
    def names_only_in_notes(self) -> list[str]:
        """Names the table's published notes quote that no row we hold carries: when some names
        were lost, likely among them (HL7122's note 2: "recorded as 'Unknown Region'"). Never
        assigned to a row: which row it is, the copy does not say."""
        if not self.missing_labels or self.figure_table is None:
            return []
        held = {row.label.strip().lower() for row in self.rows}
        found = dict.fromkeys(QUOTED_NAME.findall(self.figure_table.notes))
        return [name for name in found if name.strip().lower() not in held]

    @property
    def column_labels(self) -> list[str]:
        return [label or BLANK_LABEL for label in self.columns]

    def key(self) -> tuple:
        """What identifies a table's shape: its column labels and row labels, in order."""
        return (tuple(self.columns), tuple((row.label, row.label_missing) for row in self.rows))

    @classmethod
    def from_figure_table(
        cls, table: FigureTable, *, html_id: str = "figure-table", official_url: str = ""
    ) -> Grid:
        """Rows, columns and cells must be prefetched (see FigureTable.objects.with_grid())."""
        return cls(
            caption=table.caption,
            row_heading=table.row_heading,
            columns=[column.label for column in table.columns.all()],
            rows=[
                GridRow(
                    row.label,
                    row.label_missing,
                    row.is_total,
                    [GridCell(cell.kind, cell.published) for cell in row.cells.all()],
                    row.position,
                )
                for row in table.rows.all()
            ],
            html_id=html_id,
            figure_table=table,
            official_url=official_url,
        )

    @classmethod
    def from_parsed(cls, parsed: ParsedTable, *, caption: str, html_id: str) -> Grid:
        return cls(
            caption=caption,
            row_heading=parsed.row_heading,
            columns=parsed.columns,
            rows=[
                GridRow(
                    row.label,
                    row.label_missing,
                    row.is_total,
                    [GridCell(cell.kind, cell.published) for cell in row.cells],
                )
                for row in parsed.rows
            ],
            html_id=html_id,
        )


# A paragraph of the sanitised answer with no markup inside but line breaks.
PARAGRAPH = re.compile(r"<p>((?:[^<]|<br\s*/?>)*)</p>")
LINE_BREAK = re.compile(r"<br\s*/?>|\n")


def _pipe_lines(paragraph: str) -> list[str] | None:
    """The paragraph's lines when every one of them (two at least) holds `|`-separated cells."""
    lines = [html.unescape(line).strip() for line in LINE_BREAK.split(paragraph)]
    lines = [line for line in lines if line]
    if len(lines) < 2 or not all("|" in line for line in lines):
        return None
    return lines


def answer_with_tables(
    answer_html: str, figure_tables: list[FigureTable], *, official_url: str = ""
) -> SafeString:
    """The sanitised answer with each pipe-separated paragraph shown as the table it holds.

    A table that matches one stored for this answer (same column and row labels) takes its caption
    and links to its figures page; one that cannot be read without guessing stays as published.
    `official_url` is where a reader finds names our copy lost.
    """
    stored = {}
    for table in figure_tables:
        stored.setdefault(Grid.from_figure_table(table).key(), table)
    number = 0

    def replace(match: re.Match) -> str:
        nonlocal number
        lines = _pipe_lines(match.group(1))
        if lines is None:
            return match.group(0)
        try:
            parsed = parse_pipe_table(lines)
        except FigureParseError:
            return match.group(0)
        number += 1
        grid = Grid.from_parsed(
            parsed,
            caption=parsed.measure or f"Table {number} in this answer",
            html_id=f"answer-table-{number}",
        )
        grid.official_url = official_url
        grid.figure_table = stored.get(grid.key())
        if grid.figure_table:
            grid.caption = grid.figure_table.caption
        return render_to_string("commitments/_figure_grid.html", {"grid": grid, "in_answer": True})

    return mark_safe(PARAGRAPH.sub(replace, answer_html))  # noqa: S308 - escaped by the template
