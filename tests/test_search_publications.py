"""Search over GOV.UK publications (#30): a stored vector over the title, description, summary and
the passages editors pasted, the same bounds and time limit as the other kinds, a group and pages of
their own, each result named, dated and linked to its GOV.UK page."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection

from commitments.models import Evidence, Publication
from commitments.models.search import publication_search_vector

from .factories import (
    FICTIONAL_ATTACHMENT,
    CommitmentFactory,
    EvidenceFactory,
    HansardContributionFactory,
    PublicationFactory,
    WrittenQuestionFactory,
    WrittenStatementFactory,
)
from .test_search import _candidates_plan, _search

pytestmark = pytest.mark.django_db

NONE_FOUND = (
    "0 commitments, 0 written answers, 0 written ministerial statements, 0 Hansard contributions and "
    "0 GOV.UK publications found."
)


def _count_sentence(page: str) -> str:
    return re.search(r'<p class="result-count" role="status">(.*?)</p>', page).group(1)


def _passage(words: str) -> str:
    return f"{FICTIONAL_ATTACHMENT}\n{words}"


def test_a_publication_naming_ipp_is_found_by_its_title_and_its_pasted_passage_named_dated_and_linked(client):
    assert connection.vendor == "postgresql"
    PublicationFactory(
        base_path="/government/publications/fictional-ipp-progression-report",
        title="Fictional IPP progression report",
        text="A fictional summary for tests: how licences were reviewed in the first year.",
        quoted_passages=_passage("Fictional passage for tests: caseworkers read every dossier."),
    )
    for words in ["progression", "dossiers"]:  # a word of the title; a word of the pasted passage, stemmed
        page = _search(client, {"q": words})
        assert _count_sentence(page) == NONE_FOUND.replace("0 GOV.UK publications", "1 GOV.UK publication")
        assert (
            '<a href="https://www.gov.uk/government/publications/fictional-ipp-progression-report">'
            "Fictional IPP progression report</a>"
        ) in page
        assert (
            "GOV.UK publication. Published on GOV.UK, 15 November 2024, updated 17 July 2025 · "
            "GOV.UK (official)"
        ) in page
        assert "A fictional summary for tests: how licences were reviewed in the first year." in page
        assert "our copy is cut short" not in page
    # Found through the stored vector, never parsed at query time.
    assert "dossier" in Publication.objects.values_list("search_vector", flat=True).get()
    assert "to_tsvector" not in _candidates_plan(Publication.objects.published(), "dossier")


def test_the_first_published_day_is_the_uk_day(client):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    moment = datetime(2024, 6, 30, 23, 30, tzinfo=UTC)
    PublicationFactory(
        title="Fictional IPP licence report", first_published_at=moment, public_updated_at=moment
    )
    page = _search(client, {"q": "licence", "kind": "publications"})
    assert "Published on GOV.UK, 1 July 2024 · GOV.UK (official)" in page


def test_a_publication_not_about_ipp_and_evidencing_nothing_is_not_shown(client):
    publication = PublicationFactory(
        title="Fictional probation caseloads bulletin",
        text="A fictional summary for tests.",
        quoted_passages="",
        is_about_ipp=False,
    )
    page = _search(client, {"q": "caseloads"})
    assert _count_sentence(page) == NONE_FOUND
    assert "Fictional probation caseloads bulletin" not in page
    assert "No GOV.UK publications match" not in page and "Nothing matches “caseloads”" in page
    # Not naming IPP, but confirmed as evidence for a published commitment: the public sees it.
    commitment = CommitmentFactory(title="Probation", summary="Nothing about it.")
    EvidenceFactory(
        commitment=commitment, question=None, publication=publication, state=Evidence.State.CONFIRMED
    )
    page = _search(client, {"q": "caseloads"})
    assert "0 Hansard contributions and 1 GOV.UK publication found." in page
    assert "Fictional probation caseloads bulletin" in page


def test_the_stored_vector_is_the_search_expression_after_insert_and_update_and_the_title_ranks_first(
    client,
):
    PublicationFactory(title="Fictional tagging report", quoted_passages="")
    other = PublicationFactory(title="Fictional other report", description="Tagging was piloted.")
    other.quoted_passages = _passage("Fictional passage for tests: the parole board met.")
    other.save()
    for row in Publication.objects.annotate(expected=publication_search_vector()).values(
        "search_vector", "expected"
    ):
        assert row["search_vector"] == row["expected"] and row["search_vector"]
    assert "parol" in Publication.objects.values_list("search_vector", flat=True).get(pk=other.pk)
    # A write of a stale vector gets the computed one back.
    Publication.objects.filter(pk=other.pk).update(search_vector=None)
    assert "parol" in Publication.objects.values_list("search_vector", flat=True).get(pk=other.pk)
    page = _search(client, {"q": "tagging", "kind": "publications"})
    assert page.index(">Fictional tagging report<") < page.index(">Fictional other report<")


def test_a_rare_word_is_found_through_the_gin_index():
    Publication.objects.bulk_create(PublicationFactory.build_batch(300))
    PublicationFactory(quoted_passages=_passage("Fictional passage for tests: every dossier was read."))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE commitments_publication")
        cursor.execute("SET LOCAL enable_seqscan = off")  # as in test_search.py: take the cheap paths away
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = _candidates_plan(Publication.objects.published(), "dossier")
    assert "publication_search_vector" in plan and "to_tsvector" not in plan, plan
    assert Publication.objects.published().search("dossier").count() == 1


def test_publications_page_through_their_own_group(client):
    for n in range(30):
        PublicationFactory(
            title=f"Fictional tagging report {n}", first_published_at=datetime(2024, 1, n + 1, tzinfo=UTC)
        )
    HansardContributionFactory(debate="Tagging debate", text="Tagging.", is_about_ipp=True)
    page = _search(client, {"q": "tagging"})
    assert "1 Hansard contribution and 30 GOV.UK publications found." in page
    assert page.count(">Fictional tagging report ") == 10 and "Tagging debate" in page
    assert 'href="?q=tagging&amp;kind=publications">All 30 GOV.UK publications for “tagging”</a>' in page
    page = _search(client, {"q": "tagging", "kind": "publications"})
    assert page.count(">Fictional tagging report ") == 25 and "Tagging debate" not in page
    assert 'aria-label="Pages of GOV.UK publications"' in page and "Page 1 of 2" in page
    # Ranked alike, so newest first: the 30th published first.
    assert page.index(">Fictional tagging report 29<") < page.index(">Fictional tagging report 28<")
    page = _search(client, {"q": "tagging", "kind": "publications", "page": "2"})
    assert page.count(">Fictional tagging report ") == 5 and 'start="26"' in page
    _search(client, {"q": "tagging", "kind": "publications", "page": "3"}, status=404)
    page = _search(client, {"q": "nothing-like-it", "kind": "publications"})
    assert "Nothing matches “nothing-like-it”" in page


def test_hostile_html_in_a_publication_is_inert(client):
    PublicationFactory(
        title="<script>alert(1)</script> hostile report",
        text="<img src=x onerror=alert(2)> hostile",
        base_path='/government/publications/"><b>x</b>',
    )
    page = _search(client, {"q": "hostile"})
    assert "1 GOV.UK publication found." in page
    for raw in ["<script>alert(1)", "<img src=x", "<b>x"]:
        assert raw not in page, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt; hostile report" in page
    assert 'href="https://www.gov.uk/government/publications/&quot;&gt;&lt;b&gt;x&lt;/b&gt;"' in page


# As in test_search_spoken.py, with all five kinds found: the candidates of each kind, then a count
# per kind and a page per group shown, plus the time limit's set_config, SAVEPOINT and RELEASE; +1:
# the footer's "Parliament last checked", and +1 where statements or contributions are shown, the
# researched copies the source rule reads, each once per data version. A publication's GOV.UK page
# is an official address: naming it reads nothing.
@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize(
    ("kind", "queries"),
    [("", 5 + 10 + 3 + 2), ("publications", 5 + 6 + 3 + 1), ("statements", 5 + 6 + 3 + 2)],
)
def test_search_costs_a_fixed_number_of_queries_however_many_rows(
    client, django_assert_num_queries, kind, queries, rows
):
    for n in range(rows):
        CommitmentFactory(title=f"Pilot {n}", summary="A pilot.")
        WrittenQuestionFactory(heading=f"Pilot answer {n}", answer_text="The pilot.", is_about_ipp=True)
        WrittenStatementFactory(title=f"Pilot statement {n}", text="The pilot.", is_about_ipp=True)
        HansardContributionFactory(debate=f"Pilot debate {n}", text="The pilot.", is_about_ipp=True)
        PublicationFactory(
            title=f"Fictional pilot report {n}",
            first_published_at=datetime(2024, 11, 15, tzinfo=UTC) if n % 2 else None,
        )
    with django_assert_num_queries(queries):
        page = _search(client, {"q": "pilot", "kind": kind})
    if kind in ("", "publications"):
        assert "Fictional pilot report" in page
