"""Search over written ministerial statements and Hansard contributions (#30): stored vectors, the
same bounds and time limit as answers, a group and pages of their own, each result named, dated and
linked to its official page first."""

import re
from datetime import date

import pytest
from django.db import connection

from commitments.models import Evidence, HansardContribution, WrittenStatement
from commitments.models.search import (
    SEARCH_CANDIDATES,
    contribution_search_vector,
    statement_search_vector,
)

from .factories import (
    CommitmentFactory,
    EvidenceFactory,
    HansardContributionFactory,
    WrittenQuestionFactory,
    WrittenStatementFactory,
)
from .test_search import _candidates_plan, _search

pytestmark = pytest.mark.django_db

NONE_FOUND = (
    "0 commitments, 0 written answers, 0 written ministerial statements, 0 Hansard contributions and "
    "0 GOV.UK publications"
)


def _count_sentence(page: str) -> str:
    return re.search(r'<p class="result-count" role="status">(.*?)</p>', page).group(1)


def test_a_statement_and_a_contribution_are_found_named_dated_and_linked_to_their_official_pages(client):
    WrittenStatementFactory(
        uin="HCWS72",
        title="Imprisonment for Public Protection: Changes to Licence",
        text="Phase 1 will commence on 1 November 2024, when sections 66 and 67 come into force.",
        is_about_ipp=True,
    )
    HansardContributionFactory(
        debate="Sentences of Imprisonment for Public Protection",
        debate_ext_id="4A1B2C3D-0000-4000-8000-000000000001",
        contribution_ext_id="ABC123",
        text="On 1 November, 1,742 licences were terminated following the commencement of reforms.",
        is_about_ipp=True,
    )
    page = _search(client, {"q": "commencement"})
    assert _count_sentence(page) == (
        "0 commitments, 0 written answers, 1 written ministerial statement, 1 Hansard contribution and "
        "0 GOV.UK publications found."
    )
    # The statement: its title linked to Parliament's page; the kind, house, date and minister named.
    assert (
        '<a href="https://questions-statements.parliament.uk/written-statements/detail/2024-09-05/HCWS72">'
        "Imprisonment for Public Protection: Changes to Licence</a>" in page
    )
    assert (
        "Written ministerial statement HCWS72, made in the House of Commons, 5 September 2024, by "
        "Shabana Mahmood, The Lord Chancellor and Secretary of State for Justice · UK Parliament (official)"
    ) in page
    # The contribution: its debate linked to Hansard at the contribution; the speaker with their role.
    assert '<a href="https://hansard.parliament.uk/Lords/2025-03-24/debates/4A1B2C3D-0000-4000-8000-' in page
    assert "SentencesOfImprisonmentForPublicProtection#contribution-ABC123" in page
    assert (
        "Hansard contribution. Said in the House of Lords, 24 March 2025, by Lord Timpson, "
        "Minister of State, Ministry of Justice · Hansard (official)"
    ) in page
    assert "1,742 licences were terminated" in page


def test_a_contribution_without_an_official_address_links_its_copy_and_says_so(client):
    HansardContributionFactory(debate="Prisoners", text="Dossier work.", is_about_ipp=True)
    HansardContributionFactory(
        debate="Sentencing",
        text="Every dossier was read.",
        is_about_ipp=True,
        sitting_date=None,
        source_url="https://www.parallelparliament.co.uk/debate/Lords/2024-01-16/debates/"
        "4A1B2C3D-0000-4000-8000-000000000002/SentencingIpp",
        text_is_complete=False,
    )
    HansardContributionFactory(debate="Unknown", text="A dossier.", is_about_ipp=True, source_url="")
    page = _search(client, {"q": "dossier", "kind": "contributions"})
    # A copy whose address names its Hansard page resolves to it: the official page first.
    assert (
        '<a href="https://hansard.parliament.uk/Lords/2024-01-16/debates/4A1B2C3D-0000-4000-8000-000000000002/'
        'SentencingIpp">Sentencing</a>'
    ) in page
    assert "Said in the House of Lords, date not known, by Lord Timpson" in page
    assert "our copy is cut short" in page
    assert (
        '<a href="https://parallelparliament.co.uk/lord/baroness-burt-of-solihull/vs/lord-timpson">Prisoners</a>'
        in page
    )
    assert "our copy at Parallel Parliament; the official address is not known" in page
    assert "<li>Unknown" in page and "no address known" in page


def test_only_what_the_public_sees_is_found_by_the_answers_rule(client):
    WrittenStatementFactory(title="Unrelated statement", text="Probation caseloads.", is_about_ipp=False)
    HansardContributionFactory(debate="Unrelated debate", text="Probation caseloads.", is_about_ipp=False)
    page = _search(client, {"q": "caseloads"})
    assert _count_sentence(page) == NONE_FOUND + " found."
    # Not naming IPP, but confirmed as evidence for a published commitment: the public sees it.
    commitment = CommitmentFactory(title="Probation", summary="Nothing about it.")
    statement = WrittenStatement.objects.get()
    EvidenceFactory(
        commitment=commitment, question=None, statement=statement, excerpt="x", state=Evidence.State.CONFIRMED
    )
    page = _search(client, {"q": "caseloads"})
    assert "1 written ministerial statement, 0 Hansard contributions and 0 GOV.UK publications found." in page
    assert "Unrelated statement" in page and "Unrelated debate" not in page


def test_the_stored_vectors_are_the_search_expressions_after_insert_and_update():
    statement = WrittenStatementFactory(uin="HCWS72", title="Licences", text="Phase 1 will commence.")
    contribution = HansardContributionFactory(debate="Sentences", text="Licences were terminated.")
    statement.text = "Caseworkers reviewed every dossier."
    statement.save()
    contribution.attributed_to = "The Minister of State, Ministry of Justice (Lord Bellamy) (Con)"
    contribution.save()
    for model, vector in [
        (WrittenStatement, statement_search_vector()),
        (HansardContribution, contribution_search_vector()),
    ]:
        for row in model.objects.annotate(expected=vector).values("search_vector", "expected"):
            assert row["search_vector"] == row["expected"] and row["search_vector"]
    assert "dossier" in WrittenStatement.objects.values_list("search_vector", flat=True).get()
    assert "bellami" in HansardContribution.objects.values_list("search_vector", flat=True).get()
    # A write of a stale vector gets the computed one back.
    HansardContribution.objects.update(search_vector=None)
    assert "termin" in HansardContribution.objects.values_list("search_vector", flat=True).get()


def test_the_debate_title_ranks_before_the_words_and_the_speaker_is_searchable(client):
    HansardContributionFactory(debate="Licence conditions", text="Nothing more.", is_about_ipp=True)
    HansardContributionFactory(debate="Other business", text="Licence mentioned.", is_about_ipp=True)
    page = _search(client, {"q": "licence", "kind": "contributions"})
    assert page.index(">Licence conditions<") < page.index(">Other business<")
    assert "2 Hansard contributions and 0 GOV.UK publications found" in _search(client, {"q": "Timpson"})


@pytest.mark.parametrize(
    ("model", "factory", "index"),
    [
        (WrittenStatement, WrittenStatementFactory, "statement_search_vector"),
        (HansardContribution, HansardContributionFactory, "contribution_search_vector"),
    ],
)
def test_a_rare_word_is_found_through_the_gin_index(model, factory, index):
    model.objects.bulk_create(factory.build_batch(300, is_about_ipp=True))
    factory(text="Caseworkers read every dossier.", is_about_ipp=True)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {model._meta.db_table}")
        cursor.execute("SET LOCAL enable_seqscan = off")  # as in test_search.py: take the cheap paths away
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = _candidates_plan(model.objects.published(), "dossier")
    assert index in plan and "to_tsvector" not in plan, plan
    assert model.objects.published().search("dossier").count() == 1


def test_a_word_in_every_contribution_ranks_and_counts_only_the_newest_thousand(client):
    HansardContribution.objects.bulk_create(
        HansardContributionFactory.build_batch(1200, text="The action plan was reviewed.", is_about_ipp=True)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE commitments_hansardcontribution")
    plan = _candidates_plan(HansardContribution.objects.published(), "plan")
    assert "to_tsvector" not in plan and "Limit" in plan, plan
    with connection.cursor() as cursor:  # the order candidates are read in is the index's order
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    plan = _candidates_plan(HansardContribution.objects.published(), "plan")
    assert "contribution_newest_first" in plan and "Sort" not in plan.split("Limit")[1], plan
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = on")
        cursor.execute("SET LOCAL enable_bitmapscan = on")
    assert HansardContribution.objects.published().search("plan").count() == SEARCH_CANDIDATES + 1
    page = _search(client, {"q": "plan"})
    assert "0 written ministerial statements, more than 1,000 Hansard contributions and 0 GOV.UK" in page
    assert ">The 1,000 newest Hansard contributions for “plan”</a>" in page
    page = _search(client, {"q": "plan", "kind": "contributions", "page": "40"})
    assert page.count('<li><a href="https://parallelparliament.co.uk/') == 25 and "Next page" not in page
    _search(client, {"q": "plan", "kind": "contributions", "page": "41"}, status=404)


def test_each_kind_pages_through_its_own_group(client):
    for n in range(30):
        WrittenStatementFactory(title=f"Tagging statement {n}", text="Tagging.", is_about_ipp=True)
    HansardContributionFactory(debate="Tagging debate", text="Tagging.", is_about_ipp=True)
    page = _search(client, {"q": "tagging"})
    assert (
        "30 written ministerial statements, 1 Hansard contribution and 0 GOV.UK publications found." in page
    )
    assert page.count(">Tagging statement ") == 10 and "Tagging debate" in page
    assert (
        'href="?q=tagging&amp;kind=statements">All 30 written ministerial statements for “tagging”</a>'
        in page
    )
    page = _search(client, {"q": "tagging", "kind": "statements"})
    assert page.count(">Tagging statement ") == 25 and "Tagging debate" not in page
    assert 'aria-label="Pages of written ministerial statements"' in page
    page = _search(client, {"q": "tagging", "kind": "statements", "page": "2"})
    assert page.count(">Tagging statement ") == 5 and 'start="26"' in page
    page = _search(client, {"q": "tagging", "kind": "contributions"})
    assert "Tagging debate" in page and "Tagging statement" not in page
    _search(client, {"q": "tagging", "kind": "statements", "page": "3"}, status=404)


def test_hostile_text_in_a_statement_or_contribution_is_inert(client):
    WrittenStatementFactory(
        title="<script>alert(1)</script> statement",
        text="<img src=x onerror=alert(2)> hostile",
        is_about_ipp=True,
    )
    HansardContributionFactory(
        debate='"><b>debate</b>',
        text="hostile <iframe src=javascript:alert(3)>",
        member="<i>Lord</i>",
        attributed_to="<script>x</script>",
        source_url="javascript:alert(4)",
        is_about_ipp=True,
    )
    page = _search(client, {"q": "hostile"})
    assert "1 written ministerial statement, 1 Hansard contribution and 0 GOV.UK publications found." in page
    for raw in ["<script>alert(1)", "<img src=x", "<b>debate", "<iframe", "<i>Lord", "<script>x"]:
        assert raw not in page, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt; statement" in page
    assert 'href="javascript:' not in page and "no address known" in page


# As in test_search.py, with four kinds found: the candidates of each of the five kinds (no
# publications here: no count or page), then a count per kind found and a page per group shown,
# plus the time limit's set_config, SAVEPOINT and RELEASE; +1: the footer's
# "Parliament last checked", and +1 where statements or contributions are shown, the researched
# copies the source rule reads (sources.resolve_source), each once per data version.
@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize(
    ("kind", "queries"),
    [
        ("", 5 + 8 + 3 + 2),
        ("commitments", 5 + 5 + 3 + 1),
        ("answers", 5 + 5 + 3 + 1),
        ("statements", 5 + 5 + 3 + 2),
        ("contributions", 5 + 5 + 3 + 2),
    ],
)
def test_search_costs_a_fixed_number_of_queries_however_many_rows(
    client, django_assert_num_queries, kind, queries, rows
):
    for n in range(rows):
        CommitmentFactory(title=f"Pilot {n}", summary="A pilot.")
        WrittenQuestionFactory(heading=f"Pilot answer {n}", answer_text="The pilot.", is_about_ipp=True)
        WrittenStatementFactory(title=f"Pilot statement {n}", text="The pilot.", is_about_ipp=True)
        HansardContributionFactory(
            debate=f"Pilot debate {n}",
            text="The pilot.",
            is_about_ipp=True,
            debate_ext_id=f"4A1B2C3D-0000-4000-8000-{n:012d}",
            sitting_date=date(2025, 3, 24) if n % 2 else None,
        )
    with django_assert_num_queries(queries):
        page = _search(client, {"q": "pilot", "kind": kind})
    if kind in ("", "contributions"):
        assert "Pilot debate" in page
