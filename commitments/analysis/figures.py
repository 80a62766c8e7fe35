"""Parse tables published inside answers into FigureTable rows × columns.

Suppressed (`*`) and nil (`-`) cells are kept as such, never as 0: a suppressed cell hides a
value of one or two, which is not the same as none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from ..exceptions import TrackerError
from ..models import FigureCell, FigureColumn, FigureRow, FigureTable, WrittenQuestion
from ..text.passages import pipe_table_blocks

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
    measure: str = ""  # what the numbers count, from a caption line


NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")


def parse_cell(text: str) -> ParsedCell:
    published = text.strip()
    if published == SUPPRESSED:
        return ParsedCell(FigureCell.Kind.SUPPRESSED, None, published)
    if published in {NIL, "–", "—"}:
        return ParsedCell(FigureCell.Kind.NIL, None, published)
    if not NUMBER.match(published):
        raise FigureParseError(f"“{published}” is not a number, “*” or “-”.")
    value = Decimal(published.replace(",", "").rstrip("%"))
    if value.adjusted() >= INTEGER_DIGITS_MAX:
        raise FigureParseError(f"“{published}” has more than {INTEGER_DIGITS_MAX} digits before the point.")
    return ParsedCell(FigureCell.Kind.NUMBER, value, published)


LABEL_MAX = 200  # FigureAxisLabel.label
INTEGER_DIGITS_MAX = 12  # FigureCell.value: 14 digits, 2 after the point


def _check_label(label: str) -> str:
    if len(label) > LABEL_MAX:
        raise FigureParseError(f"A label is longer than {LABEL_MAX} characters: “{label[:40]}…”.")
    return label


def _is_value(text: str) -> bool:
    try:
        parse_cell(text)
    except FigureParseError:
        return False
    return True


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
    row_heading = measure = ""
    header_index = 0
    # A caption line such as "Probation Region | The number of … | ||||" precedes the header.
    if len(split[0]) == 2 and len(split[1]) > 2:
        row_heading, measure = split[0]
        header_index = 1
    columns = split[header_index]
    data = split[header_index + 1 :]
    # A header that names the rows too ("Year | Number of recalls") has as many cells as every
    # data line: a table whose rows all lost their labels is not a thing sources publish.
    # A header that names the rows too ("Year | Number on licence") has as many cells as every data
    # line, and some line's first cell is a label ("Less than 1 year", "Total"). When every first
    # cell is a number the table is read as it stands, columns only: nothing is guessed.
    same_width = data and all(len(cells) == len(columns) for cells in data)
    labelled = any(not _is_value(cells[0]) for cells in data)
    if not row_heading and same_width and labelled and not _is_value(columns[0]):
        row_heading, columns = columns[0], columns[1:]
    for label in [row_heading, measure, *columns]:
        _check_label(label)
    table = ParsedTable(row_heading=row_heading, columns=columns, measure=measure)
    for number, cells in enumerate(data, start=header_index + 2):
        if len(cells) == len(columns) + 1:
            label, values = _check_label(cells[0]), cells[1:]
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
    try:
        with transaction.atomic():
            table = FigureTable.objects.create(
                question=question,
                slug=slug,
                caption=caption,
                row_heading=parsed.row_heading,
                measure=parsed.measure,
                notes=notes,
                total_mismatches=total_mismatches(parsed),
            )
    except IntegrityError:  # another worker stored it first: theirs stands
        return FigureTable.objects.get(slug=slug)
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


def _sum_check(label: str, parts: list[ParsedCell], total: ParsedCell) -> str | None:
    """Why `parts` do not add up to `total`, or None when they do or suppression can explain it.

    A `*` hides a value of one or two, "with further disclosure control where this alone is not
    sufficient" (seed HL7122's notes; one of its rows hides 13 in two cells). So a total may exceed
    the known cells by at least one per suppressed cell, by any amount above that, and never fall
    below them.
    """
    if total.kind != FigureCell.Kind.NUMBER:
        return None
    known = sum((cell.value for cell in parts if cell.kind == FigureCell.Kind.NUMBER), Decimal(0))
    suppressed = sum(cell.kind == FigureCell.Kind.SUPPRESSED for cell in parts)
    gap = total.value - known
    if gap == 0 and not suppressed or suppressed and gap >= suppressed:
        return None
    hidden = f" and {suppressed} suppressed cell{'s' if suppressed > 1 else ''}" if suppressed else ""
    return f"{label}: the cells add up to {known:,}{hidden}, but the published total is {total.published}."


def total_mismatches(table: ParsedTable) -> list[str]:
    """Published row and column totals that the cells do not explain. Flagged, never fixed."""
    problems = []
    total_column = next(
        (i for i, label in enumerate(table.columns) if label.strip().lower() in TOTAL_LABELS), None
    )
    body = []
    for number, row in enumerate(table.rows, start=1):
        name = f"Row {number} ({row.label or 'label missing'})"
        if row.is_total:
            for index, column in enumerate(table.columns):
                if index != total_column:
                    parts = [body_row.cells[index] for body_row in body]
                    problems.append(_sum_check(f"Column “{column}”", parts, row.cells[index]))
            if total_column is not None:
                parts = [body_row.cells[total_column] for body_row in body]
                problems.append(
                    _sum_check(f"Column “{table.columns[total_column]}”", parts, row.cells[total_column])
                )
            continue
        body.append(row)
        if total_column is not None:
            parts = [cell for index, cell in enumerate(row.cells) if index != total_column]
            problems.append(_sum_check(name, parts, row.cells[total_column]))
    return [problem for problem in problems if problem]


class _TableReader(HTMLParser):
    """The text of each <table>'s cells, row by row; a caption if the table has one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._captions: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "table":
            self._rows, self._captions = [], []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in {"td", "th"} and self._rows:
            self._cell = []
        elif tag == "caption":
            self._caption = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._cell is not None and self._rows:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "caption" and self._caption is not None:
            self._captions.append(" ".join("".join(self._caption).split()))
            self._caption = None
        elif tag == "table" and self._rows is not None:
            self.tables.append((" ".join(self._captions), [row for row in self._rows if any(row)]))
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def html_tables(html: str) -> list[tuple[str, list[str]]]:
    """Each <table> of `html` as (caption, pipe-separated lines), so one parser reads both forms."""
    reader = _TableReader()
    reader.feed(html or "")
    reader.close()
    return [(caption, [" | ".join(row) for row in rows]) for caption, rows in reader.tables]


@dataclass
class Extraction:
    tables: list[FigureTable] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def extract_figure_tables(question: WrittenQuestion) -> Extraction:
    """Tables published in an answer, from its HTML or else its pipe-separated text.

    Runs once per question: tables already stored (loaded, or corrected by editors) are theirs to
    change, so a question that has any is left alone. A table that cannot be read without guessing
    is skipped with the reason.
    """
    result = Extraction()
    if question.figure_tables.exists():
        return result
    found = html_tables(question.answer_html_safe or question.answer_html)
    if not found:
        found = [("", block) for block in pipe_table_blocks(question.answer_text)]
    for number, (caption, lines) in enumerate(found, start=1):
        try:
            parsed = parse_pipe_table(lines)
        except FigureParseError as error:
            result.skipped.append(f"Table {number} of {question}: {error}")
            continue
        slug = slugify(f"{question.house}-{question.uin}-{question.date_tabled or 'undated'}-table-{number}")
        caption = caption or f"{question.heading or 'Written answer'} {question.uin}: table {number}"
        result.tables.append(save_figure_table(parsed, question=question, slug=slug[:100], caption=caption))
    return result
