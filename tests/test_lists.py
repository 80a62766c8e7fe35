"""The public lists as a researcher reads them: every row on one page, every known value shown."""

import re
from datetime import date
from html import unescape

import pytest

from commitments.models import Commitment, WrittenQuestion
from commitments.public.views import PER_PAGE

from .factories import CommitmentFactory, RecommendationFactory, WrittenQuestionFactory
from .pages import get_page

pytestmark = pytest.mark.django_db


def _rows(page: str) -> list[str]:
    return re.findall(r"<tr><td.*?</tr>", page, flags=re.DOTALL)


def _cell(row: str, label: str) -> str:
    found = re.search(rf'data-label="{label}">(.*?)</td>', row, flags=re.DOTALL)
    return unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def test_every_demo_commitment_is_listed_on_one_page(client, demo):
    page = get_page(client, "/commitments/")
    assert len(_rows(page)) == Commitment.objects.published().count() > 25
    assert "?page=2" not in page


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/commitments/", lambda n: CommitmentFactory.create_batch(n)),
        ("/questions/", lambda n: WrittenQuestionFactory.create_batch(n, is_about_ipp=True)),
        ("/recommendations/", lambda n: RecommendationFactory.create_batch(n)),
    ],
)
def test_a_list_shows_up_to_a_hundred_rows_on_one_page_then_pages(client, url, make):
    make(PER_PAGE)
    page = get_page(client, url)
    assert PER_PAGE == 100 and len(_rows(page)) == 100 and "page=2" not in page
    make(1)
    page = get_page(client, url)
    assert len(_rows(page)) == 100 and "page=2" in page
    assert len(_rows(get_page(client, url + "?page=2"))) == 1


def test_the_answers_list_shows_every_subject_and_asker_the_demo_data_holds(client, demo):
    """No "—" and no "Not known" where the record has a value: checked row by row over the demo."""
    page = get_page(client, "/questions/")
    rows = _rows(page)
    questions = WrittenQuestion.objects.published()
    assert len(rows) == questions.count()
    assert "—" not in "".join(rows)
    for question in questions:
        row = next(r for r in rows if f'href="/questions/{question.pk}/"' in r)
        assert _cell(row, "Subject") == (question.heading or "Not known"), question.uin
        assert _cell(row, "Asked by") == (question.asking_member or "Not known"), question.uin


def test_undated_answers_sort_by_what_is_known_of_their_date_and_the_page_says_so(client):
    WrittenQuestionFactory(uin="OLD", is_about_ipp=True, date_answered=date(2022, 4, 27))
    WrittenQuestionFactory(
        uin="AFTER", is_about_ipp=True, date_answered=None, answered_after=date(2024, 11, 15)
    )
    WrittenQuestionFactory(uin="NEWER", is_about_ipp=True, date_answered=date(2024, 5, 13))
    WrittenQuestionFactory(uin="UNKNOWN", is_about_ipp=True, date_answered=None, answered_after=None)

    def order(url):
        return re.findall(r"House of Commons (OLD|AFTER|NEWER|UNKNOWN)</a>", get_page(client, url))

    assert order("/questions/") == ["AFTER", "NEWER", "OLD", "UNKNOWN"]
    assert order("/questions/?sort=-date_answered") == ["AFTER", "NEWER", "OLD", "UNKNOWN"]
    assert order("/questions/?sort=date_answered")[1:] == ["OLD", "NEWER", "AFTER"]
    page = get_page(client, "/questions/")
    assert "placed by the date it is known to have come after" in page
    assert "After 15 Nov 2024" in page
