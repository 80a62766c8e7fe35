"""Outside recommendations: loaded from fixtures/ exactly once, shown apart from promises, in the
open data and the admin, with what is cut short or inferred said so."""

import csv
import io
import json
import zipfile
from collections import Counter
from datetime import date

from django.urls import reverse

from commitments.loading import FIXTURES_DIR, load_shipped_data
from commitments.models import Commitment, Recommendation, RecommendationDevelopment

from .factories import CommitmentFactory, RecommendationDevelopmentFactory, RecommendationFactory
from .pages import get_page

REC8 = "jsc-2022-rec8-licence-qualifying-period"
SHIPPED = [json.loads(line) for line in (FIXTURES_DIR / "recommendations.jsonl").read_text().splitlines()]


def test_the_shipped_recommendations_load_with_their_verdicts(demo):
    assert Recommendation.objects.count() == 12
    assert Counter(Recommendation.objects.values_list("verdict", flat=True)) == {
        "rejected": 6,
        "accepted": 3,
        "partly_accepted": 1,
        "not_answered": 2,
    }
    assert Recommendation.objects.filter(verdict_is_inferred=True).count() == 5
    cut_descriptions = Recommendation.objects.filter(description_is_complete=False)
    assert sorted(cut_descriptions.values_list("slug", flat=True)) == ["hmip-2023-all-11", REC8]
    assert RecommendationDevelopment.objects.count() == sum(len(row["later"]) for row in SHIPPED) == 26


def test_loading_the_recommendations_again_creates_nothing(demo):
    again = load_shipped_data()
    assert again.created["recommendations"] == 0
    assert again.created["recommendation developments"] == 0
    assert Recommendation.objects.count() == 12
    assert RecommendationDevelopment.objects.count() == 26


def test_a_second_load_keeps_what_an_editor_changed(demo):
    rec = Recommendation.objects.get(slug=REC8)
    rec.title = "An editor's title"
    rec.save()
    rec.developments.first().delete()
    load_shipped_data()
    rec.refresh_from_db()
    assert rec.title == "An editor's title"
    assert rec.developments.count() == 5


def test_words_that_stop_are_loaded_as_cut_short_and_never_filled_in(demo):
    with_text = Recommendation.objects.exclude(text="")
    assert with_text.count() == 4
    assert not with_text.filter(text_is_complete=True).exists()
    rec18 = Recommendation.objects.get(slug="jsc-2022-rec18-resentence-all")
    row = next(row for row in SHIPPED if row["id"] == rec18.slug)
    assert rec18.text == row["text"]
    assert rec18.response_text == row["response"]["text"]
    assert not rec18.response_text_is_complete
    # Official address first; the third-party page the words were read on is kept beside it.
    assert (
        rec18.response_url == "https://publications.parliament.uk/pa/cm5803/cmselect/cmjust/933/report.html"
    )
    assert rec18.response_text_source_url.startswith("https://www.solicitorsjournal.com/")
    assert rec18.report_url == "https://publications.parliament.uk/pa/cm5803/cmselect/cmjust/266/report.html"
    assert rec18.text_source_url.startswith("https://www.accountabilityindex.uk/")
    cut = RecommendationDevelopment.objects.filter(quote_is_complete=False)
    assert sorted(cut.values_list("quote", flat=True)) == sorted(
        later["what"] for row in SHIPPED for later in row["later"] if later["text_complete"] is False
    )


def test_the_licence_recommendation_links_the_act_that_enacted_it_in_another_form(demo):
    rec8 = Recommendation.objects.get(slug=REC8)
    assert rec8.verdict == "rejected" and rec8.verdict_is_inferred
    assert rec8.report_on == date(2022, 9, 28)
    assert rec8.number == "8"
    enacted = rec8.developments.filter(commitment__slug="vpa-qualifying-period-three-years")
    assert enacted.count() == 3
    assert all("Victims and Prisoners" in d.quote or "Section 66" in d.quote for d in enacted)
    assert "vpa-qualifying-period-three-years" in rec8.commitments.values_list("slug", flat=True)


def test_recommendations_link_only_published_commitments(demo):
    linked = Commitment.objects.filter(recommendations__isnull=False)
    assert not linked.filter(is_published=False).exists()
    assert not linked.filter(slug__endswith="-rejected").exists()
    assert "resentencing-rejected" in SHIPPED[1]["related_commitments"]
    assert not Recommendation.objects.filter(commitments__slug="resentencing-rejected").exists()


def test_addresses_that_are_not_web_addresses_are_kept_as_given(demo):
    github = RecommendationDevelopment.objects.filter(source_url__startswith="github:")
    assert github.count() == 4
    assert RecommendationDevelopment.objects.filter(happened_on__isnull=True).count() == 11


HOSTILE = '<script>alert("x")</script>'


def test_the_list_shows_each_recommendation_with_its_response(client, demo):
    page = get_page(client, "/recommendations/")
    assert "12 recommendations found." in page
    assert "Cut the licence qualifying period from ten years to five" in page
    assert 'class="verdict verdict-rejected"' in page and '<span class="inferred">inferred</span>' in page
    assert "HM Inspectorate of Probation" in page


def test_the_list_filters_by_verdict_and_by_who_made_it_in_the_address(client, demo):
    rejected = get_page(client, "/recommendations/?verdict=rejected")
    assert "6 recommendations found." in rejected
    inspectorate = get_page(client, "/recommendations/?made_by=HM+Inspectorate+of+Probation&sort=-report_on")
    assert "3 recommendations found." in inspectorate
    assert "Resentence everyone" not in inspectorate


def test_the_list_refuses_an_invalid_filter_or_sort_with_the_reason(client, demo):
    assert "There is a problem with the filters" in get_page(
        client, "/recommendations/?verdict=maybe", status=400
    )
    assert "Select a valid choice" in get_page(client, "/recommendations/?made_by=Nobody", status=400)
    get_page(client, "/recommendations/?sort=secret", status=400)


def test_an_unknown_or_unpublished_recommendation_is_not_found(client, db):
    hidden = RecommendationFactory(is_published=False)
    get_page(client, "/recommendations/no-such-recommendation/", status=404)
    get_page(client, f"/recommendations/{hidden.slug}/", status=404)


def test_the_licence_page_tells_the_story_from_rejection_to_the_act(client, demo):
    page = get_page(client, f"/recommendations/{REC8}/")
    assert "Number 8" in page and "28 September 2022" in page
    assert "https://publications.parliament.uk/pa/cm5803/cmselect/cmjust/266/report.html" in page
    assert "The recommendation’s own words have not been found." in page
    assert "We also recommend a reduction to the qualifying l&nbsp;…" in page  # as stored, not completed
    assert "Cut short in the copy we read." in page
    assert '<span class="inferred">inferred</span>' in page and "Basis: Contemporary reports" in page
    assert "9 February 2023" in page and "The verdict as reported on 9 February 2023" in page
    assert "Carried out, in another form, through the commitment" in page
    assert 'href="/commitments/vpa-qualifying-period-three-years/"' in page
    # Not a web address: shown as text, never as a link.
    assert 'href="github:' not in page and "github:mysociety/uk-parl-written-questions" in page
    assert page.index("16 October 2023") < page.index("5 September 2024") < page.index("Date not known")
    assert "licence-period-five-years-rejected" not in page


def test_words_cut_short_are_marked_so(client, demo):
    page = get_page(client, "/recommendations/jsc-2022-rec18-resentence-all/")
    assert "This is the only way to address the&nbsp;…" in page
    assert page.count("Cut short in the copy we read.") == 3  # its words, the response's, a later quote
    assert "Solicitors Journal" in page


def test_hostile_text_stays_inert_on_the_pages(client, db):
    commitment = CommitmentFactory(title=f"Commitment {HOSTILE}")
    rec = RecommendationFactory(
        title=f"Title {HOSTILE}",
        made_by=f"Maker {HOSTILE}",
        text=HOSTILE,
        response_text=HOSTILE,
        verdict_basis=HOSTILE,
        response_url='javascript:alert("x")',
        note=HOSTILE,
    )
    rec.commitments.add(commitment)
    RecommendationDevelopmentFactory(recommendation=rec, quote=HOSTILE, said_by=HOSTILE, source_url=HOSTILE)
    for url in ("/recommendations/", f"/recommendations/{rec.slug}/", f"/commitments/{commitment.slug}/"):
        page = get_page(client, url)
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page, url
        assert 'href="javascript:' not in page, url


def test_a_commitment_page_lists_its_related_recommendations(client, demo):
    page = get_page(client, "/commitments/vpa-qualifying-period-three-years/")
    assert "Related recommendations" in page
    assert f'href="/recommendations/{REC8}/"' in page
    assert "rejected (inferred)" in page
    assert "Related recommendations" not in get_page(client, "/commitments/em-gps-domestic-abuse/")


def test_home_counts_promises_and_recommendations_apart(client, demo):
    page = get_page(client, "/")
    assert "30 commitments tracked." in page  # the three rejected recommendations are not promises
    assert "12 recommendations</a>" in page
    assert "3 accepted</a>, " in page and "6 rejected</a>" in page and "2 not yet answered</a>" in page
    assert 'href="/recommendations/?verdict=partly_accepted"' in page


def test_a_recommendation_edited_shows_at_once(client, demo):
    url = f"/recommendations/{REC8}/"
    get_page(client, url)
    rec = Recommendation.objects.get(slug=REC8)
    rec.title = "Retitled by an editor"
    rec.save()
    assert "Retitled by an editor" in get_page(client, url)
    assert "Retitled by an editor" in get_page(client, "/commitments/vpa-qualifying-period-three-years/")


def test_the_api_lists_recommendations_and_gives_each_with_its_developments(client, demo):
    body = client.get("/api/v1/recommendations/?verdict=rejected").json()
    assert body["count"] == 6
    detail = client.get(f"/api/v1/recommendations/{REC8}/").json()
    assert detail["verdict"] == "rejected" and detail["verdict_is_inferred"] is True
    assert "vpa-qualifying-period-three-years" in detail["commitments"]
    assert len(detail["developments"]) == 6
    assert [d["commitment"] for d in detail["developments"]].count("vpa-qualifying-period-three-years") == 3
    assert client.get("/api/v1/recommendations/nope/").status_code == 404
    assert client.get("/api/v1/recommendations/?verdict=maybe").status_code == 400


def test_the_csv_has_every_recommendation_and_guards_against_formulas(client, demo):
    rec = Recommendation.objects.get(slug=REC8)
    rec.title = '=HYPERLINK("http://evil")'
    rec.save()
    rows = list(csv.DictReader(io.StringIO(_download(client, "/exports/recommendations.csv"))))
    assert len(rows) == 12
    row = next(row for row in rows if row["slug"] == REC8)
    assert row["title"].startswith("'=")
    assert row["verdict_is_inferred"] == "True" and row["report_on"] == "2022-09-28"
    assert row["url"] == f"/recommendations/{REC8}/"
    filtered = _download(client, "/exports/recommendations.csv?verdict=accepted")
    assert len(list(csv.DictReader(io.StringIO(filtered)))) == 3


def test_the_zip_holds_the_recommendations_and_what_became_of_them(client, demo):
    response = client.get("/exports/ipp-tracker-data.zip")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    developments = list(csv.DictReader(io.StringIO(archive.read("recommendation_developments.csv").decode())))
    assert len(developments) == 26
    assert len(json.loads(archive.read("data.json"))["recommendations"]) == 12


def test_an_editor_can_open_the_recommendations_admin(client, editor, demo):
    client.force_login(editor)
    changelist = reverse("admin:commitments_recommendation_changelist")
    assert client.get(changelist, {"verdict__exact": "rejected", "q": "licence"}).status_code == 200
    rec = Recommendation.objects.get(slug=REC8)
    page = client.get(reverse("admin:commitments_recommendation_change", args=[rec.pk]))
    assert page.status_code == 200 and "What became of it" in page.content.decode()


def _download(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def test_recommendation_pages_cost_a_fixed_number_of_queries(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        get_page(client, "/recommendations/?verdict=rejected&sort=-report_on")
    # Its developments and commitments, one query each; the source copies its links resolve through
    # (once per data version, the first page here).
    with django_assert_max_num_queries(4):
        get_page(client, f"/recommendations/{REC8}/")


def test_the_recommendations_feed_lists_each_with_its_response_as_plain_text(db, client):
    from .factories import RecommendationFactory

    RecommendationFactory(title="<script>alert(1)</script> Resentence all", verdict_is_inferred=True)
    response = client.get("/recommendations/feed.atom")
    assert response.status_code == 200
    body = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Resentence all: rejected (inferred)" in body
    assert "<script>" not in body
    assert "Government response dated 9 February 2023." in body
    assert '<summary type="text">' in body
