"""Reading published tables: suppressed and nil cells stay what they are."""

from decimal import Decimal

import pytest

from commitments.figures import FigureParseError, parse_cell, parse_pipe_table, save_figure_table
from commitments.models import FigureCell

from .factories import WrittenQuestionFactory

SEED_LIKE = [
    "Probation Region | Panels held | ||||",
    "2020 | 2021 | Total | |",
    "East of England | 715 | 554 | 1,269 |",
    "- | * | 4 | |",
    "Total | 715 | 558 | 1,273 |",
]


def test_suppressed_cell_is_not_zero():
    cell = parse_cell("*")
    assert cell.kind == FigureCell.Kind.SUPPRESSED
    assert cell.value is None


def test_nil_cell_is_not_zero():
    cell = parse_cell("-")
    assert cell.kind == FigureCell.Kind.NIL
    assert cell.value is None


def test_thousands_separator_is_read_as_a_number():
    assert parse_cell("13,988").value == Decimal("13988")


def test_text_in_a_number_cell_is_an_error_not_a_guess():
    with pytest.raises(FigureParseError, match="not a number"):
        parse_cell("n/a")


def test_row_that_lost_its_label_is_kept_unlabelled():
    table = parse_pipe_table(SEED_LIKE)
    assert table.row_heading == "Probation Region"
    assert table.columns == ["2020", "2021", "Total"]
    lost = table.rows[1]
    assert lost.label == "" and lost.label_missing
    assert [cell.published for cell in lost.cells] == ["-", "*", "4"]
    assert table.rows[2].is_total


def test_line_with_wrong_number_of_cells_is_refused():
    with pytest.raises(FigureParseError, match="Line 2 has 6 cells"):
        parse_pipe_table(["2020 | 2021 | Total", "London | 1 | 2 | 3 | 4 | 5"])


def test_saved_table_keeps_suppressed_and_nil_cells_without_values():
    question = WrittenQuestionFactory()
    table = save_figure_table(parse_pipe_table(SEED_LIKE), question=question, slug="t", caption="Panels")
    cells = FigureCell.objects.filter(row__table=table)
    assert cells.count() == 9
    assert cells.filter(kind="suppressed").count() == 1
    assert cells.filter(kind="nil").count() == 1
    assert not cells.filter(kind__in=["suppressed", "nil"], value__isnull=False).exists()
    assert table.rows.get(label_missing=True).display_label == "Label missing in source"
