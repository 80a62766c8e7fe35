"""Figures people can read: the answer page shows its table as a table, the figures page explains
and links what it shows, its charts share one labelled scale legible on a phone, and each table
downloads as CSV."""

import csv
import io
import re
from decimal import Decimal

import pytest

from commitments.analysis.figures import extract_figure_tables
from commitments.models import Evidence, FigureCell, FigureTable, WrittenQuestion
from commitments.parliament.answer_html import sanitise_answer_html
from commitments.public.charts import PHONE_CHART_PX, figure_column_charts, nice_scale

from .factories import CommitmentFactory, EvidenceFactory, WrittenQuestionFactory
from .pages import get_page
from .servers import clear_cache

pytestmark = pytest.mark.django_db

SEED_FIGURES = "/figures/hl7122-progression-panels-by-region/"
SEED_CSV = "/exports/figures/hl7122-progression-panels-by-region.csv"


def _answer(page: str) -> str:
    start = page.index('<div class="answer">')
    return page[start : page.index("</section>", start)]


def _figure_question(answer_html: str, **kwargs) -> WrittenQuestion:
    return WrittenQuestionFactory(
        answer_html=answer_html,
        answer_html_safe=sanitise_answer_html(answer_html),
        is_about_ipp=True,
        **kwargs,
    )


# The answer page


def test_the_answer_page_shows_the_seed_table_where_the_pipe_paragraph_was(client, demo):
    question = WrittenQuestion.objects.get(uin="HL7122")
    answer = _answer(get_page(client, f"/questions/{question.pk}/"))

    assert "East of England | 224" not in answer and "| ||||" not in answer
    before, table = answer.split("<table", 1)
    table, after = table.split("</table>", 1)
    assert "by year since June 2019*" in before  # in the paragraph's place, after the text before it
    assert "*Notes:" in after  # and before the notes that follow it
    assert "<caption" in table and "progression panels held" in table
    assert '<th scope="col">2020</th>' in table and '<th scope="col">Total</th>' in table
    assert '<th scope="row">East of England</th>' in table
    assert table.count('<span class="label-missing">Name lost (row ') == 8
    assert '<span class="label-missing">Name lost (row 6)</span>' in table  # its place in the answer
    assert (
        table.count('<abbr title="suppressed">*</abbr>') == 4
        and table.count('<abbr title="nil">–</abbr>') == 2
    )
    assert f'href="{SEED_FIGURES}"' in after.split("*Notes:")[0]  # the stored copy: charts and CSV
    note = before[before.index('class="lost-names"') :]  # said once, above the table
    assert "8 of the 14 probation region names are missing here." in note
    assert "“Unknown Region”" in note and "does not say which row" in note
    official = "https://questions-statements.parliament.uk/written-questions/detail/2022-03-21/HL7122"
    assert f'href="{official}">Parliament’s website</a>' in note
    assert "lost" not in after.split("*Notes:")[0]


def test_cells_of_a_pipe_table_in_an_answer_stay_inert(client):
    question = _figure_question(
        "<p>Region | 2020 |\n&lt;img src=x onerror=alert(1)&gt; | 5 |\nLondon | * |</p>"
        "<p><script>alert(2)</script>After the table.</p>"
    )
    answer = _answer(get_page(client, f"/questions/{question.pk}/"))

    assert '<th scope="row">&lt;img src=x onerror=alert(1)&gt;</th>' in answer
    assert "<img" not in answer and "<script" not in answer
    assert "After the table." in answer


def test_an_answer_without_html_shows_its_pipe_lines_as_a_table(client):
    question = WrittenQuestionFactory(
        answer_text="Figures follow.\n\nRegion | 2020 |\nLondon | 7 |\nWales | - |", is_about_ipp=True
    )
    answer = _answer(get_page(client, f"/questions/{question.pk}/"))

    assert "<p>Figures follow.</p>" in answer
    assert '<th scope="row">Wales</th>' in answer and '<abbr title="nil">–</abbr>' in answer
    assert "Table 1 in this answer" in answer  # no stored copy to take a caption from


def test_a_pipe_paragraph_that_cannot_be_read_without_guessing_stays_as_published(client):
    question = _figure_question("<p>Region | 2020 |\nLondon | about seven |</p>")
    answer = _answer(get_page(client, f"/questions/{question.pk}/"))

    assert "<table" not in answer and "London | about seven |" in answer


# The figures page


def test_the_figures_page_links_the_official_record_the_answer_and_the_commitments_it_evidences(client, demo):
    question = WrittenQuestion.objects.get(uin="HL7122")
    page = get_page(client, SEED_FIGURES)

    assert (
        'href="https://questions-statements.parliament.uk/written-questions/detail/2022-03-21/HL7122"' in page
    )
    assert f'href="/questions/{question.pk}/"' in page
    assert f'href="{SEED_CSV}"' in page
    evidenced = Evidence.objects.published().filter(question=question).select_related("commitment")
    assert evidenced.count() >= 8
    for item in evidenced:
        assert f'href="/commitments/{item.commitment.slug}/"' in page


def test_the_figures_page_says_in_plain_words_what_a_missing_label_means(client, demo):
    page = get_page(client, SEED_FIGURES)

    assert "8 of the 14 probation region names are missing here." in page
    assert "The copy of this answer we hold lost those names" in page and "We do not guess names." in page
    assert "Suppressed: a value of one or two" in page


def test_a_blank_column_heading_is_named_as_blank_and_explained(client):
    question = WrittenQuestionFactory(answer_text="Region |  | 2021\nLondon | 4 | 5", is_about_ipp=True)
    [table] = extract_figure_tables(question).tables

    page = get_page(client, f"/figures/{table.slug}/")

    assert '<th scope="col"><span class="label-missing">No label</span></th>' in page
    assert "1 column had no heading where the table was published" in page


def test_a_figure_page_links_only_published_commitments(client):
    question = WrittenQuestionFactory(answer_text="Region | 2020\nLondon | 4", is_about_ipp=True)
    [table] = extract_figure_tables(question).tables
    shown = EvidenceFactory(question=question, state="confirmed", commitment=CommitmentFactory())
    EvidenceFactory(question=question, state="confirmed", commitment=CommitmentFactory(is_published=False))
    EvidenceFactory(question=question, state="suggested", commitment=CommitmentFactory())

    page = get_page(client, f"/figures/{table.slug}/")

    assert re.findall(r'href="/commitments/[^"]+/"', page) == [
        f'href="/commitments/{shown.commitment.slug}/"'
    ]


# The charts


def test_every_chart_of_a_table_shares_one_scale_with_labelled_axes(demo):
    table = FigureTable.objects.with_grid().get(slug="hl7122-progression-panels-by-region")
    charts = figure_column_charts(table)

    assert [chart.title for chart in charts] == [
        "01/06/2019 to 31/12/2019",
        "2020",
        "2021",
        "01/01/2022 to 22/03/2022",
        "Total",
    ]
    assert {chart.scale.top for chart in charts} == {Decimal(2000)}  # the largest bar is 1,820
    assert [tick.text for tick in charts[0].scale.ticks] == ["0", "500", "1,000", "1,500", "2,000"]
    for chart in charts:
        assert chart.rows_label == "Probation Region"
        assert " ".join(chart.axis_lines) == "The number of progression panels held (Lifers and IPPs)"
    # One scale: equal values are equal bars in any chart (129 in Kent 2019, 129 nowhere else; 79 twice).
    widths = {bar.text: bar.width for chart in charts for bar in chart.bars if bar.kind == "number"}
    london_2020 = next(bar for bar in charts[1].bars if bar.label == "London")
    assert london_2020.width == pytest.approx(551 / 2000 * charts[1].plot_width)
    assert widths["1,820"] == pytest.approx(1820 / 2000 * charts[0].plot_width)


def test_suppressed_and_nil_cells_are_labelled_markers_not_bars(db):
    question = WrittenQuestionFactory(
        answer_text="Region | 2020 | 2021\nLondon | * | 3\nWales | - | *\nEast | 4 | *", is_about_ipp=True
    )
    [table] = extract_figure_tables(question).tables
    bars = [
        bar
        for chart in figure_column_charts(FigureTable.objects.with_grid().get(pk=table.pk))
        for bar in chart.bars
    ]

    assert sum(bar.kind == FigureCell.Kind.SUPPRESSED for bar in bars) == 3
    assert {bar.text for bar in bars if bar.kind == FigureCell.Kind.NIL} == {"nil (-)"}
    assert all(bar.width == 0 for bar in bars if bar.kind != FigureCell.Kind.NUMBER)
    assert all(bar.width >= 1 for bar in bars if bar.kind == FigureCell.Kind.NUMBER)  # 3 and 4 show


def test_chart_text_renders_at_eleven_pixels_or_more_on_a_390_pixel_phone(demo):
    table = FigureTable.objects.with_grid().get(slug="hl7122-progression-panels-by-region")
    for chart in figure_column_charts(table):
        assert chart.rendered_font_px(PHONE_CHART_PX) >= 11
        # and nothing is drawn outside the chart, where it would be cut off
        assert all(tick.x <= chart.width - 20 for tick in chart.scale.ticks)
        assert all(len(line) <= 18 for bar in chart.bars for line in bar.label_lines)
        assert all(bar.width <= chart.plot_width for bar in chart.bars)


def test_a_long_row_label_wraps_onto_more_lines_and_is_never_cut(db):
    label = "Kent, Surrey and Sussex Probation Region (including Brighton)"
    question = WrittenQuestionFactory(answer_text=f"Region | 2020\n{label} | 4\nWales | 5", is_about_ipp=True)
    [table] = extract_figure_tables(question).tables

    [chart] = figure_column_charts(FigureTable.objects.with_grid().get(pk=table.pk))

    long = chart.bars[0]
    assert " ".join(long.label_lines) == label and len(long.label_lines) >= 4
    assert all(len(line) <= 17 for line in long.label_lines)
    assert chart.row_pitch >= len(long.label_lines) * chart.line_height
    first, last = long.label_rows[0][0], long.label_rows[-1][0]
    assert first - chart.font_size >= long.y - chart.row_pitch // 2 and last <= long.y + chart.row_pitch


@pytest.mark.parametrize(
    ("largest", "ticks"),
    [
        ("1820", ["0", "500", "1,000", "1,500", "2,000"]),
        ("868", ["0", "500", "1,000"]),
        ("7", ["0", "2", "4", "6", "8"]),
        ("0.3", ["0", "0.1", "0.2", "0.3"]),
        ("0", ["0", "0.5", "1"]),
    ],
)
def test_the_shared_scale_has_round_ticks_reaching_past_the_largest_value(largest, ticks):
    assert [tick.text for tick in nice_scale(Decimal(largest)).ticks] == ticks


def test_the_figures_page_draws_accessible_charts_with_axes(client, demo):
    page = get_page(client, SEED_FIGURES)
    svgs = re.findall(r"<svg .*?</svg>", page, flags=re.S)

    assert len(svgs) == 5
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
        assert 'class="chart-axis"' in svg and "2,000</text>" in svg
        assert "Probation Region</text>" in svg
    assert "all drawn on the same scale (0 to 2,000)" in page


# The CSV of a table


def test_a_figure_table_downloads_as_csv_with_cells_as_published(client, demo):
    response = client.get(SEED_CSV)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="hl7122-progression-panels-by-region.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Probation Region",
        "01/06/2019 to 31/12/2019",
        "2020",
        "2021",
        "01/01/2022 to 22/03/2022",
        "Total",
    ]
    assert rows[2] == ["East of England", "224", "715", "554", "107", "1600"]
    assert rows[6] == ["", "'-", "*", "4", "*", "9"]  # label lost in the source; nil and suppressed kept
    assert rows[-1] == ["Total", "2330", "6322", "4407", "929", "13988"]
    assert len(rows) == 1 + 15


def test_a_figure_table_csv_cannot_carry_a_formula(client):
    question = WrittenQuestionFactory(
        answer_text='Region | =HYPERLINK("http://x") | @SUM(A1)\n+cmd | -3 | -', is_about_ipp=True
    )
    [table] = extract_figure_tables(question).tables

    rows = list(csv.reader(io.StringIO(client.get(f"/exports/figures/{table.slug}.csv").content.decode())))

    assert rows[0] == ["Region", '\'=HYPERLINK("http://x")', "'@SUM(A1)"]
    assert rows[1] == ["'+cmd", "-3", "'-"]  # -3 is a number, written as one; the text "-" is not
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for row in rows for cell in row)


def test_a_figure_table_csv_of_a_private_answer_or_an_unknown_table_is_not_found(client):
    question = WrittenQuestionFactory(answer_text="Region | 2020\nLondon | 4", is_about_ipp=False)
    [table] = extract_figure_tables(question).tables

    assert client.get(f"/exports/figures/{table.slug}.csv").status_code == 404
    assert client.get("/exports/figures/no-such-table.csv").status_code == 404


# What the pages cost


@pytest.mark.parametrize("rows", [2, 40])
def test_the_figure_pages_and_csv_cost_a_fixed_number_of_queries(client, django_assert_num_queries, rows):
    lines = ["Region | 2020 | 2021", *(f"Region {n} | {n} | *" for n in range(rows))]
    question = WrittenQuestionFactory(answer_text="\n".join(lines), is_about_ipp=True)
    [table] = extract_figure_tables(question).tables
    for _ in range(3):
        EvidenceFactory(question=question, state="confirmed")

    # +1 on each page (not the CSV): the footer's "Parliament last checked", once per data version.
    with django_assert_num_queries(7):  # table and answer, columns, rows, cells, published?, evidence
        assert client.get(f"/figures/{table.slug}/").status_code == 200
    clear_cache()
    with django_assert_num_queries(4):  # table, columns, rows, cells
        assert client.get(f"/exports/figures/{table.slug}.csv").status_code == 200
    clear_cache()  # a new data version: the footer's time is read again (+1)
    with django_assert_num_queries(8):  # answer, evidence, events, tables, columns, rows, cells
        assert client.get(f"/questions/{question.pk}/").status_code == 200


# Rows whose names the copy lost


def test_hl7122s_charts_draw_the_named_regions_and_say_the_others_are_in_the_table(client, demo):
    table = FigureTable.objects.with_grid().get(slug="hl7122-progression-panels-by-region")
    for chart in figure_column_charts(table):
        assert [bar.label for bar in chart.bars] == [
            "East of England",
            "Kent Surrey Sussex Region",
            "London",
            "North West Region",
            "Wales",
            "West Midlands Region",
        ]
        assert chart.rows_left_out == 8 and "8 rows whose names were lost are left out" in chart.description
    page = get_page(client, SEED_FIGURES)
    charts = page[page.index('id="charts-heading"') :]
    assert "Name lost" not in charts and "Label missing" not in charts
    assert "The 8 rows whose names were lost in the copy we hold are left out of these charts" in charts
    assert "The total row is left out of the charts." in charts
    assert page.count("Name lost (row ") == 8  # in the table, each once
    assert page.count('class="lost-names"') == 1


def test_any_table_with_lost_names_explains_them_above_itself_and_charts_the_named_rows(client):
    question = WrittenQuestionFactory(
        answer_text="Area | Panels held | ||||\n2020 | 2021 | Total | |\nNorth | 5 | 6 | 11 |\n"
        "7 | 8 | 15 | |\nSouth | 9 | * | 10 |",
        is_about_ipp=True,
        uin="12345",
    )
    [stored] = extract_figure_tables(question).tables
    page = get_page(client, f"/figures/{stored.slug}/")
    note = page[page.index('class="lost-names"') : page.index("<table")]
    assert "1 of the 3 area names is missing here." in note
    assert question.official_url in note
    assert '<span class="label-missing">Name lost (row 2)</span>' in page
    [first, *_] = figure_column_charts(FigureTable.objects.with_grid().get(pk=stored.pk))
    assert [bar.label for bar in first.bars] == ["North", "South"] and first.rows_left_out == 1
    assert "The 1 row whose name was lost in the copy we hold is left out of these charts" in page


def test_a_table_with_no_names_left_is_still_charted_each_row_named_by_its_place(db):
    question = WrittenQuestionFactory(
        answer_text="Area | Panels held | ||||\n2020 | 2021 | Total | |\n5 | 6 | 11 | |\n7 | 8 | 15 | |",
        is_about_ipp=True,
    )
    [stored] = extract_figure_tables(question).tables
    [chart, *_] = figure_column_charts(FigureTable.objects.with_grid().get(pk=stored.pk))
    assert [bar.label for bar in chart.bars] == ["Name lost (row 1)", "Name lost (row 2)"]
    assert all(bar.label_missing for bar in chart.bars)
    assert chart.rows_left_out == 0
