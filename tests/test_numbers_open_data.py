"""Indicator series and deadlines as open data: the JSON API and its schema, the CSVs, the zip and
its dictionary, and the Atom feeds of new figures and passed dates."""

import csv
import io
import json
import zipfile
from datetime import date
from xml.etree import ElementTree

import feedparser

from commitments.editorial import revise_point

from .factories import DeadlineFactory, IndicatorPointFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_api_lists_series_with_every_figure_and_deadlines_with_their_standing(client, demo):
    series = client.get("/api/v1/indicators/").json()
    assert series["count"] == 17
    total = client.get("/api/v1/indicators/ipp_in_custody_total/").json()
    assert total["official_table"] == "Offender management statistics quarterly, table 1.Q.14"
    assert [point["value"] for point in total["points"]] == [
        "5040.00",
        "2926.00",
        "2694.00",
        "2614.00",
        "2544.00",
    ]
    by_date = {point["period_end"]: point for point in total["points"]}
    # The source as recorded, and as the source rule resolves it (Hansard, official first).
    assert by_date["2024-09-30"]["official_source_url"].startswith(
        "https://hansard.parliament.uk/Lords/2024-12-12/"
    )
    deadlines = client.get("/api/v1/deadlines/").json()
    assert deadlines["count"] == 9
    claimed = [row for row in deadlines["results"] if row["date_claimed_by"] == "third_party"]
    assert [(row["state"], row["days"], row["action_plan"]) for row in claimed] == [
        ("met_late", 229, "ipp-annual-report-2024")
    ]
    assert client.get("/api/v1/indicators/no%00such/").status_code == 404


def test_the_schema_documents_the_series_and_deadline_endpoints(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()
    for path in [
        "/api/v1/indicators/",
        "/api/v1/indicators/{slug}/",
        "/api/v1/deadlines/",
        "/api/v1/deadlines/{id}/",
    ]:
        assert path in schema["paths"], path
    point = schema["components"]["schemas"]["Point"]["properties"]
    assert {"value", "is_derived", "revises", "question", "figure_cell", "is_current"} <= set(point)


def test_the_csvs_carry_every_figure_and_every_deadline(client, db):
    point = IndicatorPointFactory(value=2690)
    revise_point(point, value=2694, source_title="Revised", source_url="https://www.gov.uk/r")
    DeadlineFactory(due_on=date(2024, 11, 1), delivered_on=date(2024, 11, 1))
    points = _rows(client.get("/exports/indicator-points.csv"))
    assert [(row["value"], row["is_current"]) for row in points] == [
        ("2690.00", "False"),
        ("2694.00", "True"),
    ]
    deadlines = _rows(client.get("/exports/deadlines.csv"))
    assert [(row["state"], row["standing"]) for row in deadlines] == [("met_on_time", "Met on time")]


def test_the_zip_carries_series_and_deadlines_explained_in_its_dictionary(client, demo):
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get("/exports/ipp-tracker-data.zip").streaming_content))
    )
    names = set(archive.namelist())
    assert {"indicators.csv", "indicator_points.csv", "deadlines.csv"} <= names
    points = list(csv.DictReader(io.StringIO(archive.read("indicator_points.csv").decode())))
    assert len(points) == 42 and sum(row["is_derived"] == "True" for row in points) == 1
    data = json.loads(archive.read("data.json"))
    assert len(data["deadlines"]) == 9 and len(data["indicators"]) == 17
    dictionary = archive.read("DATA-DICTIONARY.md").decode()
    for section in ["## indicators.csv", "## indicator_points.csv", "## deadlines.csv"]:
        assert section in dictionary


def _atom(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    return parsed


def test_the_feeds_of_new_figures_and_passed_dates_are_atom(client, demo):
    figures = _atom(client, "/numbers/feed.atom")
    assert len(figures.entries) == 42
    assert any("2,544 at 31 March 2025" in entry.title for entry in figures.entries)
    passed = _atom(client, "/deadlines/feed.atom")
    titles = [entry.title for entry in passed.entries]
    assert len(titles) == 4  # the four dated promises, all passed; the undated are never "passed"
    assert any("Met 229 days late" in title for title in titles)
    third = next(entry for entry in passed.entries if "229" in entry.title)
    assert "a third party's claim, not the government's" in third.summary
