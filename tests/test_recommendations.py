"""Outside recommendations: loaded from fixtures/ exactly once, shown apart from promises, in the
open data and the admin, with what is cut short or inferred said so."""

import json
from collections import Counter
from datetime import date

from commitments.loading import FIXTURES_DIR, load_demo
from commitments.models import Commitment, Recommendation, RecommendationDevelopment

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
    assert RecommendationDevelopment.objects.count() == sum(len(row["later"]) for row in SHIPPED) == 26


def test_loading_the_recommendations_again_creates_nothing(demo):
    again = load_demo()
    assert again.created["recommendations"] == 0
    assert again.created["recommendation developments"] == 0
    assert Recommendation.objects.count() == 12
    assert RecommendationDevelopment.objects.count() == 26


def test_a_second_load_keeps_what_an_editor_changed(demo):
    rec = Recommendation.objects.get(slug=REC8)
    rec.title = "An editor's title"
    rec.save()
    rec.developments.first().delete()
    load_demo()
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
    assert "resentencing-rejected" in " ".join(demo.skipped)


def test_addresses_that_are_not_web_addresses_are_kept_as_given(demo):
    github = RecommendationDevelopment.objects.filter(source_url__startswith="github:")
    assert github.count() == 4
    assert RecommendationDevelopment.objects.filter(happened_on__isnull=True).count() == 11
