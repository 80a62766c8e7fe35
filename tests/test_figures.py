"""Reading published tables: suppressed and nil cells stay what they are."""

from decimal import Decimal

import pytest

from commitments.analysis.figures import (
    FigureParseError,
    extract_figure_tables,
    parse_cell,
    parse_pipe_table,
    save_figure_table,
    total_mismatches,
)
from commitments.loading import FIXTURES_DIR, read_seed_text
from commitments.models import FigureCell

from .factories import WrittenQuestionFactory

pytestmark = pytest.mark.django_db

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
    lost = table.rows.get(label_missing=True)
    assert lost.display_label == f"Name lost (row {lost.position})"


SEED_004 = FIXTURES_DIR / "seeds" / "004_690f25eabe96b537.txt"


def seed_004_question():
    question_text, answer_text = read_seed_text(SEED_004, footer_starts="Yes0 people think so")
    return WrittenQuestionFactory(
        house="Lords", uin="HL7122", question_text=question_text, answer_text=answer_text, is_about_ipp=True
    )


def test_the_seed_table_is_extracted_from_its_pipe_text_with_the_right_cells_and_no_false_alarm():
    question = seed_004_question()

    extraction = extract_figure_tables(question)

    assert extraction.skipped == []
    [table] = extraction.tables
    assert table.total_mismatches == []
    assert table.row_heading == "Probation Region"
    assert [c.label for c in table.columns.all()] == [
        "01/06/2019 to 31/12/2019",
        "2020",
        "2021",
        "01/01/2022 to 22/03/2022",
        "Total",
    ]
    assert table.rows.count() == 15
    assert table.rows.filter(label_missing=True).count() == 8
    london = [c.published for c in FigureCell.objects.filter(row__table=table, row__label="London")]
    assert london == ["236", "551", "629", "134", "1,550"]
    small = table.rows.get(position=6)
    assert [(c.kind, c.value) for c in small.cells.all()] == [
        ("nil", None),
        ("suppressed", None),
        ("number", Decimal("4")),
        ("suppressed", None),
        ("number", Decimal("9")),
    ]
    total = table.rows.get(is_total=True)
    assert total.cells.get(column__label="Total").value == Decimal("13988")


def test_a_table_whose_totals_do_not_add_up_is_kept_and_flagged_never_fixed():
    question = WrittenQuestionFactory(
        answer_text="The figures are below.\n\nRegion | 2020 | 2021 | Total\nLondon | 4 | 5 | 9\n"
        "Wales | 1 | * | 3\nKent | 2 | 2 | 5\nTotal | 7 | 12 | 17\n\nSource: HMPPS.",
    )

    [table] = extract_figure_tables(question).tables

    # Wales's total and the 2021 total are explained by the suppressed cell; Kent's is not.
    assert table.total_mismatches == ["Row 3 (Kent): the cells add up to 4, but the published total is 5."]
    kent = table.rows.get(label="Kent")
    assert kent.cells.get(column__label="Total").value == Decimal("5")  # as published


def test_suppressed_cells_explain_a_total_only_when_the_gap_can_be_theirs():
    parsed = parse_pipe_table(["Region | 2020 | Total", "A | * | 3", "B | * | 1", "C | 2 | 1"])

    problems = total_mismatches(parsed)

    assert problems == ["Row 3 (C): the cells add up to 2, but the published total is 1."]


def test_tables_in_answer_html_are_extracted_with_their_caption():
    question = WrittenQuestionFactory(
        answer_html="<p>See the table.</p><table><caption>Recalls by year</caption>"
        "<tr><th>Year</th><th>Recalls</th></tr><tr><td>2022</td><td>1,200</td></tr>"
        "<tr><td>2023</td><td>*</td></tr><tr><td>Total</td><td>1,000</td></tr></table>",
        answer_html_safe="",
    )

    [table] = extract_figure_tables(question).tables

    assert table.caption == "Recalls by year"
    assert table.row_heading == "Year"
    assert [row.label for row in table.rows.all()] == ["2022", "2023", "Total"]
    assert table.total_mismatches == [
        "Column “Recalls”: the cells add up to 1,200 and 1 suppressed cell, but the published total is 1,000."
    ]


def test_a_table_that_cannot_be_read_is_skipped_with_the_reason_and_the_others_kept():
    question = WrittenQuestionFactory(
        answer_text="Year | Count\n2020 | 4\n2021 | about five\n\nAnd also:\n\nRegion | Count\nLondon | 3"
    )

    extraction = extract_figure_tables(question)

    assert [table.rows.get().label for table in extraction.tables] == ["London"]
    assert len(extraction.skipped) == 1 and "“about five” is not a number" in extraction.skipped[0]


def test_extraction_leaves_a_question_whose_tables_editors_already_have_alone():
    question = seed_004_question()
    first = extract_figure_tables(question).tables[0]
    row = first.rows.filter(label_missing=True).first()
    row.label, row.label_missing = "North East", False
    row.save()

    again = extract_figure_tables(question)

    assert again.tables == [] and again.skipped == []
    assert question.figure_tables.count() == 1
    row.refresh_from_db()
    assert row.label == "North East"


def test_the_figure_page_says_which_published_totals_do_not_add_up(client):
    question = WrittenQuestionFactory(
        answer_text="Region | 2020 | Total\nLondon | 4 | 9\nTotal | 4 | 9", is_about_ipp=True
    )
    [table] = extract_figure_tables(question).tables

    page = client.get(f"/figures/{table.slug}/").content.decode()

    assert "The published totals do not add up" in page
    assert "Row 1 (London): the cells add up to 4, but the published total is 9." in page


def test_a_table_of_numbers_only_is_read_as_columns_without_guessing_row_labels():
    parsed = parse_pipe_table(["Number recalled | Number released", "5 | 7", "6 | 8"])

    assert parsed.row_heading == "" and parsed.columns == ["Number recalled", "Number released"]
    assert [row.label_missing for row in parsed.rows] == [True, True]


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (["Region | Count", "London | 1234567890123"], "more than 12 digits"),
        (["Region | Count", "L" * 201 + " | 4"], "longer than 200 characters"),
    ],
)
def test_a_table_the_database_could_not_hold_is_refused_with_the_reason(lines, reason):
    with pytest.raises(FigureParseError, match=reason):
        parse_pipe_table(lines)
