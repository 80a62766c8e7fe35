"""Search in the header: PostgreSQL full text over commitments and written answers, grouped, paged."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from commitments.models import Commitment, WrittenQuestion

from .factories import CommitmentFactory, WrittenQuestionFactory

pytestmark = pytest.mark.django_db


def _search(client, query: str, status: int = 200) -> str:
    response = client.get("/search/", query)
    assert response.status_code == status, response.status_code
    return response.content.decode()


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
    assert "1 commitment and 0 written answers found." in page
    assert "No written answers match “hostels”." in page

    page = _search(client, {"q": "dossier"})
    assert ">Prisoners</a>" in page and ">Other</a>" not in page
    assert "0 commitments and 1 written answer found." in page


def test_stemming_matches_other_forms_of_a_word(client):
    CommitmentFactory(title="Progression panel in each region", summary="Reviews of progress.")
    WrittenQuestionFactory(heading="Panels", answer_text="The panel met 40 times.", is_about_ipp=True)
    page = _search(client, {"q": "panels"})
    assert "Progression panel in each region" in page
    assert "1 commitment and 1 written answer found." in page
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
    assert "0 commitments and 0 written answers found." in page
    assert "Nothing matches “pilot”. Try fewer or different words" in page


def test_search_uses_the_gin_indexes_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Commitment.objects.published().search("panels").explain()
    assert "commitment_search" in plan, plan
    plan = WrittenQuestion.objects.published().search("panels").explain()
    assert "question_search" in plan, plan


def test_results_are_grouped_and_each_group_pages_through_with_the_query_in_the_address(client):
    for n in range(30):
        CommitmentFactory(title=f"Electronic monitoring {n}", summary="Tagging.")
    WrittenQuestionFactory(heading="Tagging answer", answer_text="Tagging.", is_about_ipp=True)
    page = _search(client, {"q": "tagging"})
    assert "30 commitments and 1 written answer found." in page
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


# +1 each: the footer's "Parliament last checked", read once per data version (the first page here).
@pytest.mark.parametrize(("kind", "queries"), [("", 5), ("commitments", 4), ("answers", 4)])
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
from commitments.models import Commitment, Theme, WrittenQuestion
theme = Theme.objects.create(slug="panels", name="Progression panels")
Commitment.objects.create(slug="a", title="Progression panels", summary="In each region.", theme=theme)
Commitment.objects.create(slug="b", title="Other", summary="Nothing.", theme=theme)
WrittenQuestion.objects.create(house="Lords", uin="HL7122", answer_text="The panels met.", is_about_ipp=True)
print([c.title for c in Commitment.objects.published().search("PANELS")])
print([q.uin for q in WrittenQuestion.objects.published().search("panels")])
page = Client().get("/search/", {"q": "panels"}).content.decode()
print("1 commitment and 1 written answer found." in page)
"""


def test_the_demo_on_sqlite_migrates_without_the_indexes_and_searches_with_a_plain_match(tmp_path):
    """SQLite (the embedded demo) has no to_tsvector: migration 0015 leaves it alone and search
    falls back to a case-insensitive substring match."""
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
    assert ran.stdout.split("\n")[-4:-1] == ["['Progression panels']", "['HL7122']", "True"], ran.stdout
