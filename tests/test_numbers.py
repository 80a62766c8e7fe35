"""Indicator series: revisions kept as history, figure-table cells promoted with their answer, the
numbers page and its charts, the home headline, and what ships in fixtures/."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from commitments.editorial import promote_figure_cell, revise_point
from commitments.exceptions import IndicatorError
from commitments.loading import load_shipped_data
from commitments.models import FigureCell, Indicator, IndicatorPoint
from commitments.public.indicator_charts import series_chart

from .factories import (
    CommitmentFactory,
    FigureCellFactory,
    IndicatorFactory,
    IndicatorPointFactory,
)

IMAGE = '<img src="https://evil.example/pixel.png" onerror="alert(1)">'


def test_a_revised_figure_is_a_new_point_and_the_earlier_one_stays_as_history(client, db):
    first = IndicatorPointFactory(value=2690, source_title="First release")
    revised = revise_point(
        first,
        value=2694,
        source_title="Revised release",
        source_url="https://hansard.parliament.uk/Lords/2024-12-12",
    )
    assert IndicatorPoint.objects.count() == 2
    first.refresh_from_db()
    assert first.value == 2690 and revised.revises == first
    assert (revised.period_start, revised.period_end) == (first.period_start, first.period_end)
    indicator = Indicator.objects.with_points().get()
    assert indicator.current_points == [revised]
    assert indicator.earlier_figures(revised) == [first]
    page = client.get("/numbers/").content.decode()
    assert "2,694" in page and "Revised: first given as 2,690" in page


def test_a_figure_is_never_overwritten_in_place_nor_revised_twice_from_the_same_point(db):
    point = IndicatorPointFactory(value=2614)
    point.value = Decimal(2600)
    with pytest.raises(IndicatorError):
        point.save()
    point.refresh_from_db()
    revise_point(point, value=2600, source_title="Correction", source_url="https://www.gov.uk/x")
    with pytest.raises(IndicatorError):
        revise_point(point, value=2601, source_title="Again", source_url="https://www.gov.uk/y")
    assert IndicatorPoint.objects.count() == 2
    point.note = "Wording of the note may be corrected."
    point.save()  # only the figure itself is frozen


def test_a_promoted_figure_table_cell_keeps_its_answer_and_cell(client, db):
    cell = FigureCellFactory(value=629, published="629", row__label="London", column__label="2021")
    indicator = IndicatorFactory(name="Progression panels held")
    point = promote_figure_cell(cell, indicator=indicator, period_end=date(2021, 12, 31))
    question = cell.row.table.question
    assert point.figure_cell == cell and point.question == question
    assert point.value == 629 and point.source_url == question.citation_url
    assert "London × 2021" in point.note
    page = client.get("/numbers/").content.decode()
    assert f'href="/questions/{question.pk}/"' in page and "a cell of its table" in page


def test_a_suppressed_cell_cannot_become_a_point(db):
    cell = FigureCellFactory(kind=FigureCell.Kind.SUPPRESSED, value=None, published="*")
    with pytest.raises(IndicatorError):
        promote_figure_cell(cell, indicator=IndicatorFactory(), period_end=date(2021, 12, 31))
    assert not IndicatorPoint.objects.exists()


def test_an_editor_promotes_a_cell_in_the_admin_and_the_point_keeps_its_provenance(client, editor):
    cell = FigureCellFactory(value=31, published="31")
    indicator = IndicatorFactory()
    client.force_login(editor)
    response = client.post(
        "/admin/commitments/indicatorpoint/add/",
        {"indicator": indicator.pk, "period_end": "2021-12-31", "figure_cell": cell.pk, "note": ""},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    point = IndicatorPoint.objects.get()
    assert (point.value, point.question, point.figure_cell) == (31, cell.row.table.question, cell)


def test_the_shipped_numbers_load_once_with_the_derived_sum_marked(demo):
    assert IndicatorPoint.objects.count() == 42
    assert Indicator.objects.count() == 17
    derived = IndicatorPoint.objects.get(is_derived=True)
    assert (derived.indicator.slug, derived.value, derived.period_end) == (
        "ipp_unreleased_over_tariff_10y_plus",
        711,
        date(2024, 9, 30),
    )
    # The research file's "as above" is the row above's note, spelled out.
    assert not IndicatorPoint.objects.filter(note="as above").exists()
    june = IndicatorPoint.objects.get(indicator__slug="ipp_in_custody_recalled", period_end=date(2024, 6, 30))
    assert "month-end date assumed 30 June" in june.note
    report = load_shipped_data()
    assert not report.created["indicator points"] and not report.created["indicators"]


def test_the_home_page_opens_with_the_latest_headline_figure_its_date_source_and_change(client, demo):
    page = client.get("/").content.decode()
    headline = page.index('class="headline-figure"')
    assert headline < page.index("Progress at a glance")
    section = page[headline : page.index("</section>", headline)]
    assert "2,544" in section and "at 31 March 2025" in section
    assert "Down 2,496 since 30 June 2015, the first figure in the series (5,040)" in section
    assert "russellwebster.com" in section and "Secondary source" in section


def test_the_numbers_page_charts_each_series_of_two_figures_or_more_with_words_and_a_table(client, demo):
    page = client.get("/numbers/").content.decode()
    assert page.count('role="img"') == 6
    assert page.count("<desc id=") == 6 and page.count("<title id=") == 6
    for slug in ["ipp_in_custody_total", "ipp_licences_terminated", "ipp_sentences_imposed_total"]:
        assert f'href="/exports/indicators/{slug}.csv"' in page
    # Every point is a row of a table, with its source.
    assert page.count('<tr id="point-') == 42
    assert "Written statement" not in page  # no deadline words leak in
    assert "derived</strong>" in page


def test_no_chart_text_is_under_11_px_at_390_px(demo):
    for indicator in Indicator.objects.with_points():
        chart = series_chart(indicator)
        if chart is not None:
            assert chart.rendered_font_px() >= 11, indicator.slug
            assert max(bar.width for bar in chart.bars) <= chart.plot_width


def test_a_commitment_shows_the_indicators_it_aims_to_move(client, db):
    commitment = CommitmentFactory()
    indicator = IndicatorFactory(name="Licences ended automatically", commitments=[commitment])
    IndicatorPointFactory(
        indicator=indicator, value=1742, period_start=date(2024, 11, 1), period_end=date(2024, 11, 1)
    )
    page = client.get(f"/commitments/{commitment.slug}/").content.decode()
    assert "The numbers it aims to move" in page
    assert "Licences ended automatically" in page and "1,742" in page and "on 1 November 2024" in page


def test_a_series_csv_holds_every_figure_with_its_revision(client, db):
    point = IndicatorPointFactory(value=2690)
    revise_point(point, value=2694, source_title="Revised", source_url="https://www.gov.uk/r")
    response = client.get(f"/exports/indicators/{point.indicator.slug}.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["value"], row["is_current"]) for row in rows] == [("2690.00", "False"), ("2694.00", "True")]
    assert rows[1]["revises"] == str(point.pk)
    assert client.get("/exports/indicators/no-such.csv").status_code == 404


def test_hostile_html_in_a_series_is_shown_as_text_everywhere(client, db):
    indicator = IndicatorFactory(name=f"Panels {IMAGE}", counts=IMAGE, commitments=[CommitmentFactory()])
    IndicatorPointFactory(indicator=indicator, note=IMAGE, source_title=IMAGE, period_end=date(2024, 6, 30))
    IndicatorPointFactory(indicator=indicator, note=IMAGE, source_title=IMAGE)
    page = client.get("/numbers/").content.decode()
    assert "<img" not in page and "&lt;img" in page
    feed = client.get("/numbers/feed.atom").content.decode()
    assert "<img" not in feed
