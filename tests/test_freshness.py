"""How fresh each public page says it is: when Parliament was last checked (every page's footer),
when a commitment's record last changed, and the home page's lists newest first, each dated."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from commitments.analysis.figures import extract_figure_tables
from commitments.editorial import record_status_change
from commitments.models import Commitment, RecheckRun
from commitments.parliament.recheck import recheck_answers

from .factories import CommitmentFactory, EvidenceFactory, RecheckRunFactory, WrittenQuestionFactory
from .pages import get_page
from .parliament import client_for

pytestmark = pytest.mark.django_db

CHECKED = (
    'Parliament last checked: <time datetime="2026-07-07T14:05:00+0100">7 July 2026, 14:05</time> (UK time)'
)


def _every_page_type() -> list[str]:
    """One address of each public page type, with something on each."""
    commitment = CommitmentFactory(title="Progression panels")
    question = WrittenQuestionFactory(
        uin="HL7122", is_about_ipp=True, answer_text="Region | 2020\nLondon | 551\nWales | 197"
    )
    EvidenceFactory(commitment=commitment, question=question, state="confirmed")
    [table] = extract_figure_tables(question).tables
    return [
        "/",
        "/commitments/",
        f"/commitments/{commitment.slug}/",
        "/themes/",
        f"/themes/{commitment.theme.slug}/",
        "/questions/",
        f"/questions/{question.pk}/",
        f"/figures/{table.slug}/",
        "/about/",
        "/search/?q=panels",
        "/what-is-an-ipp-sentence/",
    ]


def test_every_public_page_type_says_when_parliament_was_last_checked_in_uk_time(client):
    RecheckRunFactory(finished_at=datetime(2026, 7, 6, 9, 0, tzinfo=UTC))
    RecheckRunFactory()  # the newest success: 13:05 UTC is 14:05 in London in July
    for url in _every_page_type():
        assert CHECKED in get_page(client, url), url
    assert "The latest successful re-check finished on 7 July 2026 at 14:05 (UK time)." in get_page(
        client, "/about/"
    )


def test_before_any_successful_recheck_every_page_says_not_yet_checked(client):
    RecheckRunFactory(outcome=RecheckRun.Outcome.FAILED)
    for url in _every_page_type():
        assert "Parliament last checked: not yet checked." in get_page(client, url), url


@pytest.mark.parametrize("outcome", ["failed", "partial", "skipped", "running"])
def test_a_run_that_did_not_succeed_does_not_move_last_checked(client, outcome):
    RecheckRunFactory()
    assert CHECKED in get_page(client, "/")
    RecheckRunFactory(outcome=outcome, finished_at=datetime(2026, 7, 8, 10, 0, tzinfo=UTC))
    page = get_page(client, "/")
    assert CHECKED in page and "8 July 2026" not in page


def test_a_successful_run_moves_last_checked_on_a_cached_page_at_once(client):
    RecheckRunFactory()
    commitment = CommitmentFactory()
    url = f"/commitments/{commitment.slug}/"
    assert CHECKED in get_page(client, url)  # rendered and cached
    run = RecheckRunFactory(outcome=RecheckRun.Outcome.RUNNING, finished_at=None)
    assert CHECKED in get_page(client, url)  # a run still going moves nothing
    run.outcome, run.finished_at = RecheckRun.Outcome.SUCCEEDED, datetime(2026, 7, 8, 7, 30, tzinfo=UTC)
    run.save()
    assert ">8 July 2026, 08:30</time>" in get_page(client, url)


def test_a_successful_recheck_that_stores_nothing_still_moves_last_checked(client, parliament):
    with time_machine.travel(datetime(2026, 7, 7, 13, 5, tzinfo=UTC)):
        recheck_answers(client=client_for(parliament))
    assert ">7 July 2026, 14:05</time>" in get_page(client, "/questions/")  # cached from here on
    with time_machine.travel(datetime(2026, 7, 8, 16, 40, tzinfo=UTC)):
        run = recheck_answers(client=client_for(parliament))
    assert run.outcome == RecheckRun.Outcome.SUCCEEDED
    assert run.questions_created == run.questions_updated == run.events_created == 0
    assert ">8 July 2026, 17:40</time>" in get_page(client, "/questions/")


# A commitment's record


def _record_changed(page: str) -> str:
    standing = page[page.index('id="standing-heading"') : page.index('id="evidence-heading"')]
    return standing[standing.index("Record last changed:") :].split("</time>")[0]


def test_record_last_changed_is_the_newest_of_its_edits_status_changes_and_confirmed_evidence(client):
    with time_machine.travel(datetime(2025, 1, 10, 12, tzinfo=UTC)):
        commitment = CommitmentFactory()
    url = f"/commitments/{commitment.slug}/"
    assert _record_changed(get_page(client, url)).endswith(">10 January 2025")

    with time_machine.travel(datetime(2025, 3, 4, 12, tzinfo=UTC)):
        record_status_change(commitment, to="in_progress", reason="Started", effective_on=date(2024, 6, 1))
    assert _record_changed(get_page(client, url)).endswith(">4 March 2025")

    EvidenceFactory(commitment=commitment, state="confirmed", reviewed_at=datetime(2025, 5, 6, 9, tzinfo=UTC))
    EvidenceFactory(commitment=commitment, reviewed_at=datetime(2025, 9, 9, 9, tzinfo=UTC))  # only suggested
    assert _record_changed(get_page(client, url)).endswith(">6 May 2025")


def test_record_changed_at_is_one_annotation_the_commitment_page_reads(django_assert_num_queries):
    commitment = CommitmentFactory()
    EvidenceFactory(commitment=commitment, state="confirmed", reviewed_at=datetime(2030, 1, 1, tzinfo=UTC))
    with django_assert_num_queries(1):
        found = Commitment.objects.with_record_changed_at().get(pk=commitment.pk)
    assert found.record_changed_at == datetime(2030, 1, 1, tzinfo=UTC)


# The home page's lists


def test_home_lists_status_changes_and_evidenced_answers_newest_first_each_dated(client):
    for title, effective in [
        ("Beta", date(2024, 5, 1)),
        ("Alpha", date(2025, 2, 1)),
        ("Gamma", date(2023, 1, 1)),
    ]:
        record_status_change(
            CommitmentFactory(title=title), to="in_progress", reason="x", effective_on=effective
        )
    # Confirmed in an order that is not the answers' order: the list follows the answers' dates.
    for uin, answered in [
        ("UIN-2023", date(2023, 7, 1)),
        ("UIN-2025", date(2025, 3, 2)),
        ("UIN-2024", date(2024, 4, 3)),
    ]:
        EvidenceFactory(
            question=WrittenQuestionFactory(uin=uin, date_answered=answered, is_about_ipp=True),
            state="confirmed",
            reviewed_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
    page = get_page(client, "/")
    changes = page[page.index("Latest status changes") : page.index("Newly evidenced answers")]
    assert changes.index("1 February 2025") < changes.index("1 May 2024") < changes.index("1 January 2023")
    assert changes.index("Alpha") < changes.index("Beta") < changes.index("Gamma")
    answers = page[page.index("Newly evidenced answers") :]
    assert answers.index("UIN-2025") < answers.index("UIN-2024") < answers.index("UIN-2023")
    assert 'Answered <time datetime="2025-03-02">2 March 2025</time>' in answers
    assert "Newest answer first, by the date the government answered." in answers
