"""Parse tables published inside answers into FigureTable rows × columns.

Suppressed (`*`) and nil (`-`) cells are kept as such, never as 0: a suppressed cell hides a
value of one or two, which is not the same as none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from .exceptions import TrackerError
from .models import FigureCell, FigureColumn, FigureRow, FigureTable, WrittenQuestion

SUPPRESSED = "*"
NIL = "-"
TOTAL_LABELS = {"total", "totals", "grand total"}


class FigureParseError(TrackerError):
    """A table could not be read without guessing."""


@dataclass(frozen=True)
class ParsedCell:
    kind: str
    value: Decimal | None
    published: str


@dataclass
class ParsedRow:
    label: str
    label_missing: bool
    cells: list[ParsedCell]

    @property
    def is_total(self) -> bool:
        return self.label.strip().lower() in TOTAL_LABELS


@dataclass
class ParsedTable:
    row_heading: str
    columns: list[str]
    rows: list[ParsedRow] = field(default_factory=list)


NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")


def parse_cell(text: str) -> ParsedCell:
    published = text.strip()
    if published == SUPPRESSED:
        return ParsedCell(FigureCell.Kind.SUPPRESSED, None, published)
    if published in {NIL, "–", "—"}:
        return ParsedCell(FigureCell.Kind.NIL, None, published)
    if not NUMBER.match(published):
        raise FigureParseError(f"“{published}” is not a number, “*” or “-”.")
    return ParsedCell(FigureCell.Kind.NUMBER, Decimal(published.replace(",", "").rstrip("%")), published)


def _split(line: str) -> list[str]:
    cells = [cell.strip() for cell in line.split("|")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def parse_pipe_table(lines: list[str]) -> ParsedTable:
    """Read the plain-text form `label | n | n |` with a header line of column labels.

    The first line holds the column labels, unless it has just two cells and the next line more:
    then it is a caption line (`row heading | table title`) and the column labels follow it.
    A data line with one cell fewer than label + columns lost its label in copying: it is kept
    with `label_missing`, never given a guessed name.
    """
    split = [_split(line) for line in lines if line.strip()]
    if len(split) < 2:
        raise FigureParseError("A table needs a header line and at least one row.")
    row_heading = ""
    header_index = 0
    # A caption line such as "Probation Region | The number of … | ||||" precedes the header.
    if len(split[0]) == 2 and len(split[1]) > 2:
        row_heading = split[0][0]
        header_index = 1
    columns = split[header_index]
    table = ParsedTable(row_heading=row_heading, columns=columns)
    for number, cells in enumerate(split[header_index + 1 :], start=header_index + 2):
        if len(cells) == len(columns) + 1:
            label, values = cells[0], cells[1:]
            table.rows.append(ParsedRow(label, False, [parse_cell(v) for v in values]))
        elif len(cells) == len(columns):
            table.rows.append(ParsedRow("", True, [parse_cell(v) for v in cells]))
        else:
            raise FigureParseError(
                f"Line {number} has {len(cells)} cells; expected {len(columns)} values, "
                "with or without a label."
            )
    return table


@transaction.atomic
def save_figure_table(
    parsed: ParsedTable, *, question: WrittenQuestion, slug: str, caption: str, notes: str = ""
) -> FigureTable:
    """Store a parsed table once; an existing table with this slug is left as editors made it."""
    existing = FigureTable.objects.filter(slug=slug).first()
    if existing:
        return existing
    table = FigureTable.objects.create(
        question=question, slug=slug, caption=caption, row_heading=parsed.row_heading, notes=notes
    )
    columns = [
        FigureColumn.objects.create(
            table=table,
            position=position,
            label=label,
            is_total=label.strip().lower() in TOTAL_LABELS,
        )
        for position, label in enumerate(parsed.columns, start=1)
    ]
    for position, parsed_row in enumerate(parsed.rows, start=1):
        row = FigureRow.objects.create(
            table=table,
            position=position,
            label=parsed_row.label,
            label_missing=parsed_row.label_missing,
            is_total=parsed_row.is_total,
        )
        FigureCell.objects.bulk_create(
            FigureCell(row=row, column=column, kind=cell.kind, value=cell.value, published=cell.published)
            for column, cell in zip(columns, parsed_row.cells, strict=True)
        )
    return table


PIPE_LINE = re.compile(r"\|")


def pipe_table_lines(text: str) -> list[str]:
    """The consecutive lines of `text` that hold ` | `-separated cells."""
    return [line for line in text.splitlines() if PIPE_LINE.search(line)]
