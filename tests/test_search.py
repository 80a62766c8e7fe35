"""Search in the header: PostgreSQL full text over commitments and written answers, grouped, paged
(statements and contributions: test_search_spoken.py)."""

import os
import re
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from commitments.models import Commitment, WrittenQuestion
from commitments.models.search import SEARCH_CANDIDATES, answer_search_vector, commitment_search_vector

from .factories import CommitmentFactory, WrittenQuestionFactory

pytestmark = pytest.mark.django_db

# The end of the sentence counting results when no statement or contribution matches.
NO_SPOKEN = " 0 written ministerial statements, 0 Hansard contributions and 0 GOV.UK publications found."


def _search(client, query: str, status: int = 200) -> str:
    response = client.get("/search/", query)
    assert response.status_code == status, response.status_code
    return response.content.decode()


def client_from(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def test_finds_a_commitment_by_a_word_of_its_summary_and_an_answer_by_a_word_of_its_text(client):
    assert connection.vendor == "postgresql"
    CommitmentFactory(
        title="Approved Premises pilot", summary="A move-on pilot for residents leaving hostels."
    )
    CommitmentFactory(title="Unrelated", summary="Nothing to do with it.")
    WrittenQuestionFactory(
        heading="Prisoners", answer_text="Caseworkers reviewed every dossier.", is_about_ipp=True
    )
    WrittenQuestionFactory(heading="Other", answer_text="No such word here.", is_about_ipp=True)

    page = _search(client, {"q": "hostels"})
    assert "Approved Premises pilot" in page and "Unrelated" not in page
    assert "1 commitment, 0 written answers," + NO_SPOKEN in page
    assert "No written answers match “hostels”." in page

    page = _search(client, {"q": "dossier"})
    assert ">Prisoners</a>" in page and ">Other</a>" not in page
    assert "0 commitments, 1 written answer," + NO_SPOKEN in page


def test_stemming_matches_other_forms_of_a_word(client):
    CommitmentFactory(title="Progression panel in each region", summary="Reviews of progress.")
    WrittenQuestionFactory(heading="Panels", answer_text="The panel met 40 times.", is_about_ipp=True)
    page = _search(client, {"q": "panels"})
    assert "Progression panel in each region" in page
    assert "1 commitment, 1 written answer," + NO_SPOKEN in page
    assert "Progression panel in each region" in _search(client, {"q": "progressing"})


def test_results_are_ranked_title_words_before_summary_words(client):
    CommitmentFactory(title="A plan", summary="Mentions licence once in passing.")
    CommitmentFactory(title="Licence termination", summary="Ending the licence after the qualifying period.")
    page = _search(client, {"q": "licence"})
    assert page.index("Licence termination") < page.index("A plan")


def test_only_published_commitments_and_answers_are_found(client):
    CommitmentFactory(title="Hidden pilot", summary="A secret pilot.", is_published=False)
    WrittenQuestionFactory(heading="Not about IPP", answer_text="A pilot elsewhere.", is_about_ipp=False)
    page = _search(client, {"q": "pilot"})
    assert "0 commitments, 0 written answers," + NO_SPOKEN in page
    assert "Nothing matches “pilot”. Try fewer or different words" in page


def _seed_answers(count: int, **fields) -> None:
    """`count` published answers in one INSERT (the trigger fills their vectors), then fresh
    planner statistics, as autovacuum would have after a re-check."""
    WrittenQuestion.objects.bulk_create(
        WrittenQuestionFactory.build_batch(count, is_about_ipp=True, **fields)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE commitments_writtenquestion")


def test_the_stored_vector_is_the_search_expression_after_insert_and_update():
    """The trigger (migration 0023) and models/search.py say the same thing, or search misses."""
    commitment = CommitmentFactory(title="Progression panels", summary="In each region.")
    question = WrittenQuestionFactory(uin="HL7122", heading="Prisoners", answer_text="Licences ended.")
    question.answer_text = "Caseworkers reviewed every dossier."
    question.save()
    commitment.summary = "Held quarterly."
    commitment.save()
    for model, rows, vector in [
        (Commitment, [commitment], commitment_search_vector()),
        (WrittenQuestion, [question], answer_search_vector()),
    ]:
        found = model.objects.filter(pk__in=[row.pk for row in rows]).annotate(expected=vector)
        for row in found.values("search_vector", "expected"):
            assert row["search_vector"] == row["expected"] and row["search_vector"]
    assert "dossier" in WrittenQuestion.objects.values_list("search_vector", flat=True).get()
    assert "quarter" in Commitment.objects.values_list("search_vector", flat=True).get()


def test_an_update_that_writes_a_stale_vector_back_gets_the_computed_one():
    question = WrittenQuestionFactory(answer_text="Caseworkers reviewed every dossier.")
    WrittenQuestion.objects.filter(pk=question.pk).update(search_vector=None)
    assert "dossier" in WrittenQuestion.objects.values_list("search_vector", flat=True).get()


def _candidates_plan(queryset, words: str) -> str:
    """The plan of the query a search reads its candidates with (it runs when `.search()` is called)."""
    with CaptureQueriesContext(connection) as captured:
        queryset.search(words)
    (candidates,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + candidates["sql"])
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_rare_word_is_found_through_the_gin_index_and_no_text_is_parsed_at_query_time():
    _seed_answers(2000, answer_text="The action plan was reviewed.")
    WrittenQuestionFactory(
        heading="Dossiers", answer_text="Caseworkers read every dossier.", is_about_ipp=True
    )
    with connection.cursor() as cursor:
        # At 50,000 answers the planner picks the GIN index for a rare word by itself (measured in
        # docs/benchmarks.md). A test-sized table is as cheap to read whole or to walk newest first,
        # so those paths are taken away: what is checked is that the index serves the stored column.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = _candidates_plan(WrittenQuestion.objects.published(), "dossier")
    assert "question_search_vector" in plan and "to_tsvector" not in plan, plan
    assert [q.heading for q in WrittenQuestion.objects.published().search("dossier")] == ["Dossiers"]
    plan = _candidates_plan(Commitment.objects.published(), "panels")
    assert "to_tsvector" not in plan, plan  # a few hundred rows at most: any plan will do


def test_a_word_in_every_answer_ranks_and_counts_only_the_first_thousand(client):
    _seed_answers(1200, answer_text="The action plan was reviewed.")
    plan = _candidates_plan(WrittenQuestion.objects.published(), "plan")
    assert "to_tsvector" not in plan and "Limit" in plan, plan
    found = WrittenQuestion.objects.published().search("plan")
    assert "to_tsvector" not in found.explain() and found.count() == SEARCH_CANDIDATES + 1

    page = _search(client, {"q": "plan"})
    assert "0 commitments, more than 1,000 written answers," + NO_SPOKEN in page
    assert "Only the 1,000 newest matches of each kind are ranked and shown." in page
    assert ">The 1,000 newest written answers for “plan”</a>" in page
    page = _search(client, {"q": "plan", "kind": "answers", "page": "40"})
    assert len(re.findall(r'<li><a href="/questions/\d+/"', page)) == 25 and "Next page" not in page
    _search(client, {"q": "plan", "kind": "answers", "page": "41"}, status=404)


@pytest.mark.django_db(transaction=True)
def test_a_search_stopped_by_the_statement_timeout_is_a_503_page_and_the_next_one_works(client, settings):
    """Another session holds the answers table locked, as a slow query would hold the database:
    the search waits, the timeout stops it, and the reader gets a page saying so, not a 500."""
    settings.SEARCH_STATEMENT_TIMEOUT_MS = 300
    WrittenQuestionFactory(
        heading="Dossiers", answer_text="Caseworkers read every dossier.", is_about_ipp=True
    )
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            other.set_autocommit(False)
            cursor.execute("LOCK TABLE commitments_writtenquestion IN ACCESS EXCLUSIVE MODE")
            started = time.monotonic()
            response = client.get("/search/", {"q": "dossier"})
            waited = time.monotonic() - started
            other.rollback()
    finally:
        other.close()
    assert response.status_code == 503 and response["Retry-After"] == "60"
    page = response.content.decode()
    assert "This search took too long" in page and "Dossiers" not in page
    assert waited < 5, waited
    assert ">Dossiers</a>" in _search(client, {"q": "dossier"})


def test_searches_past_the_per_client_limit_are_refused_with_a_429_page(client, settings):
    settings.SEARCH_LIMIT_PER_MINUTE = 3
    CommitmentFactory(title="Approved Premises pilot", summary="Hostels.")
    for _ in range(3):
        assert "Approved Premises pilot" in _search(client, {"q": "hostels"})
    response = client.get("/search/", {"q": "hostels"})
    assert response.status_code == 429 and response["Retry-After"] == "60"
    page = response.content.decode()
    assert "Too many searches from your connection" in page and "Approved Premises pilot" not in page
    # Another client is counted apart, and the empty search page is not counted at all.
    assert "Approved Premises pilot" in _search(client_from("192.0.2.9"), {"q": "hostels"})
    assert "Type a word or two" in _search(client, {})


def test_results_are_grouped_and_each_group_pages_through_with_the_query_in_the_address(client):
    for n in range(30):
        CommitmentFactory(title=f"Electronic monitoring {n}", summary="Tagging.")
    WrittenQuestionFactory(heading="Tagging answer", answer_text="Tagging.", is_about_ipp=True)
    page = _search(client, {"q": "tagging"})
    assert "30 commitments, 1 written answer," + NO_SPOKEN in page
    assert page.count('<li><a href="/commitments/commitment-') == 10  # the first ten of the group
    assert 'href="?q=tagging&amp;kind=commitments">All 30 commitments for “tagging”</a>' in page
    assert "Tagging answer" in page

    page = _search(client, {"q": "tagging", "kind": "commitments"})
    assert page.count('<li><a href="/commitments/commitment-') == 25 and "Tagging answer" not in page
    assert 'href="?q=tagging&amp;kind=commitments&amp;page=2"' in page
    page = _search(client, {"q": "tagging", "kind": "commitments", "page": "2"})
    assert page.count('<li><a href="/commitments/commitment-') == 5 and 'start="26"' in page

    _search(client, {"q": "tagging", "kind": "commitments", "page": "3"}, status=404)
    _search(client, {"q": "tagging", "page": "2"}, status=404)  # the grouped page has one page
    _search(client, {"q": "tagging", "kind": "commitments", "page": "²"}, status=404)
    _search(client, {"q": "tagging", "kind": "everything"}, status=400)


def test_without_words_the_page_suggests_searches_and_runs_no_query(client, django_assert_num_queries):
    _search(client, {})  # reads the footer's "Parliament last checked", once per data version
    with django_assert_num_queries(0):
        page = _search(client, {})
    assert "Type a word or two" in page
    assert "Type a word or two" in _search(client, {"q": "   "})


def test_a_hostile_query_is_inert(client):
    CommitmentFactory(title="Safe", summary="Nothing.")
    for query in [
        "<script>alert(1)</script>",
        '"unclosed & | ! :* (',
        "'; DROP TABLE x; --",
        "!!!",
        "a" * 200,
    ]:
        page = _search(client, {"q": query})
        assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in _search(client, {"q": "<script>alert(1)</script>"})
    page = _search(client, {"q": "a" * 201}, status=400)
    assert "Search for at most 200 characters" in page
    _search(client, {"q": "nul\x00byte"}, status=400)


# The candidates of each of the five kinds, then a count per kind and a page per group shown, plus the
# time limit: its set_config, and in a test (already inside a transaction) a SAVEPOINT and its RELEASE
# where production has BEGIN and COMMIT; +1: the footer's "Parliament last checked", read once per
# data version (the first page here). The candidates are read as a list of ids, which costs a query
# of its own but spares the ranked query a scan of the whole table (models/search.py); a kind with
# no candidates (no statements, contributions or publications here) costs no count or page: an empty
# list of ids is no query. test_search_spoken.py counts four kinds with rows,
# test_search_publications.py all five.
@pytest.mark.parametrize(
    ("kind", "queries"), [("", 5 + 4 + 3 + 1), ("commitments", 5 + 3 + 3 + 1), ("answers", 5 + 3 + 3 + 1)]
)
def test_search_costs_a_fixed_number_of_queries(client, django_assert_num_queries, kind, queries):
    for n in range(40):
        CommitmentFactory(title=f"Pilot {n}", summary="A pilot.")
        WrittenQuestionFactory(heading=f"Pilot answer {n}", answer_text="The pilot.", is_about_ipp=True)
    with django_assert_num_queries(queries):
        _search(client, {"q": "pilot", "kind": kind})


SQLITE_SEARCH = """
import django; django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
from commitments.models import (
    Commitment, HansardContribution, Publication, Theme, WrittenQuestion, WrittenStatement,
)
theme = Theme.objects.create(slug="panels", name="Progression panels")
Commitment.objects.create(slug="a", title="Progression panels", summary="In each region.", theme=theme)
Commitment.objects.create(slug="b", title="Other", summary="Nothing.", theme=theme)
WrittenQuestion.objects.create(house="Lords", uin="HL7122", answer_text="The panels met.", is_about_ipp=True)
WrittenStatement.objects.create(
    parliament_id=1, house="Commons", uin="HCWS72", date_made="2024-09-05", text="Panels.", is_about_ipp=True
)
HansardContribution.objects.create(item_id=1, house="Lords", debate="Parole panels", is_about_ipp=True)
Publication.objects.create(
    content_id="00000000-0000-4000-8000-000000000001",
    base_path="/government/publications/fictional-panels-report",
    title="Fictional report",
    quoted_passages="https://www.gov.uk/fictional.pdf\\nThe panels met.",
    is_about_ipp=True,
)
print([c.title for c in Commitment.objects.published().search("PANELS")])
print([q.uin for q in WrittenQuestion.objects.published().search("panels")])
print([s.uin for s in WrittenStatement.objects.published().for_list().search("panels")])
print([c.debate for c in HansardContribution.objects.published().for_list().search("panels")])
print([p.title for p in Publication.objects.published().for_list().search("panels")])
page = Client().get("/search/", {"q": "panels"}).content.decode()
print("1 written answer, 1 written ministerial statement, 1 Hansard contribution and 1 GOV.UK" in page)
"""


@pytest.mark.processes
def test_the_demo_on_sqlite_migrates_without_the_indexes_and_searches_with_a_plain_match(tmp_path):
    """SQLite (the embedded demo) has no to_tsvector: migrations 0015, 0023, 0031 and 0035 add no index or
    trigger there (the vector column stays empty), and search falls back to a case-insensitive
    substring match."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env |= {"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "tracker.settings"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    ran = subprocess.run(
        [sys.executable, "-c", SQLITE_SEARCH],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split("\n")[-7:-1] == [
        "['Progression panels']",
        "['HL7122']",
        "['HCWS72']",
        "['Parole panels']",
        "['Fictional report']",
        "True",
    ], ran.stdout
