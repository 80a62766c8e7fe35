"""CSV that a spreadsheet opens as text. Every CSV the tracker writes goes through `csv_writer()`.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a formula, and tab or carriage return
can hide one (OWASP, "CSV Injection"); titles, reasons and excerpts come from editors, and headings,
members' names and figure labels from Parliament. So a text cell starting with one of those characters
gets a single quote in front, which spreadsheets show as text, and every cell is quoted.

Numbers from our own numeric fields (ids, positions, figure values) are written as they are: a number
cannot be a formula, and `-3` must stay a number. The same "-3" as text (a UIN, a published cell) is
Parliament's text and is neutralised like any other."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> Any:
    """The cell as a spreadsheet should show it: text that could start a formula gets a leading `'`."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


class _SafeWriter:
    def __init__(self, file) -> None:
        self._writer = csv.writer(file, quoting=csv.QUOTE_ALL)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([neutralise(cell) for cell in row])


def csv_writer(file) -> _SafeWriter:
    """`csv.writer` whose rows cannot smuggle a formula into a spreadsheet (see the module docstring)."""
    return _SafeWriter(file)
