"""The re-check end to end: real client, real HTTP to the recorded-API server, PostgreSQL."""

import os
import re
import subprocess
import sys
import time
from datetime import date, timedelta
from urllib.parse import urlparse, urlunparse

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from commitments.models import QuestionEvent, RecheckRun, WrittenQuestion
from commitments.parliament.recheck import recheck_answers, recheck_lock, recheck_pending
from commitments.parliament.watch import Watch

from .conftest import _recreate_core_data
from .factories import WrittenQuestionFactory
from .parliament import client_for, control, expected_ids, start_server

pytestmark = pytest.mark.django_db

EPOCH = date.fromisoformat(settings.RECHECK_EPOCH)


def _state():
    """Everything a re-check writes, in a comparable form."""
    questions = sorted(
        WrittenQuestion.objects.values_list("parliament_id", "house", "uin", "date_tabled", "content_hash")
    )
    events = sorted(QuestionEvent.objects.values_list("question__parliament_id", "kind", "content_hash"))
    return questions, events


def _expected(server):
    return expected_ids(server.state.data, Watch.load().answer_searches(EPOCH))


def test_first_recheck_stores_exactly_the_watched_questions(parliament):
    run = recheck_answers(client=client_for(parliament))
    assert run.outcome == RecheckRun.Outcome.SUCCEEDED, run.errors
    stored = set(WrittenQuestion.objects.values_list("parliament_id", flat=True))
    assert stored == _expected(parliament)
    assert run.questions_created == len(stored)
    assert run.window_from == EPOCH
    # Whipps Cross matched the server's "IPP" search but is not about IPP; research answers are.
    assert not WrittenQuestion.objects.filter(heading__icontains="Whipps", is_about_ipp=True).exists()
    assert WrittenQuestion.objects.get(uin="HL7122").is_about_ipp
    for question in WrittenQuestion.objects.all():
        assert question.content_hash and question.source_record["id"] == question.parliament_id
        assert question.events.filter(kind="tabled").exists()


def test_recheck_twice_changes_nothing_the_second_time(parliament):
    recheck_answers(client=client_for(parliament))
    before = _state()
    client = client_for(parliament, page_size=100)
    second = recheck_answers(client=client, since=EPOCH)  # the same whole window again
    assert _state() == before
    assert (second.questions_created, second.questions_updated, second.events_created) == (0, 0, 0)
    assert second.questions_unchanged == len(before[0])
    assert second.requests_made == 3  # one list page per search, no detail requests


def test_no_op_recheck_stays_within_its_query_budget(parliament, django_assert_max_num_queries):
    recheck_answers(client=client_for(parliament))
    with django_assert_max_num_queries(20):
        run = recheck_answers(client=client_for(parliament, page_size=100), since=EPOCH)
    assert run.requests_made == 3
    assert run.questions_unchanged == WrittenQuestion.objects.count() > 0


def test_incremental_recheck_starts_from_the_last_good_run_minus_the_overlap(parliament):
    first = recheck_answers(client=client_for(parliament))
    second = recheck_answers(client=client_for(parliament))
    assert second.window_from == first.window_to - timedelta(days=7)


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["500", "429", "slow", "malformed", "truncated", "shift"])
def test_every_fault_mode_ends_in_exactly_the_recorded_data(fault, transactional_db):
    truth = start_server()
    recheck_answers(client=client_for(truth))
    expected = _state()
    truth.stop()
    call_command("flush", "--no-input", verbosity=0)
    _recreate_core_data()
    server = start_server(fault=fault, fault_rate=0.5, retry_after=0, slow_seconds=0.6)
    try:
        # A short timeout keeps the slow mode quick: a faulted request waits 0.6 s, the client 0.25 s.
        run = recheck_answers(client=client_for(server, timeout=0.25, page_size=10))
    finally:
        server.stop()
    assert run.outcome == RecheckRun.Outcome.SUCCEEDED, run.errors
    assert _state() == expected


def test_api_down_records_a_failed_run_and_keeps_the_high_water_mark(parliament, caplog):
    recheck_answers(client=client_for(parliament))
    mark = RecheckRun.objects.high_water_mark("answers")
    before = _state()
    control(parliament, "fault", {"mode": "500", "rate": 1.0})
    run = recheck_answers(client=client_for(parliament, max_tries=2))
    assert run.outcome == RecheckRun.Outcome.FAILED
    assert re.search(r"questions failed after 2 tries: 50[023] server error", run.errors[0])
    assert RecheckRun.objects.high_water_mark("answers") == mark
    assert _state() == before
    failures = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(failures) == 1 and "Re-check (answers) failed" in failures[0].getMessage()


def test_malformed_record_is_refused_whole_and_the_run_is_partial(parliament):
    data = parliament.state.data
    bad = data.records[9000020]  # HL7122
    bad["dateAnswered"] = "27/04/2022"
    run = recheck_answers(client=client_for(parliament))
    assert run.outcome == RecheckRun.Outcome.PARTIAL
    assert any("Question 9000020" in error and "dateAnswered" in error for error in run.errors)
    assert not WrittenQuestion.objects.filter(parliament_id=9000020).exists()
    assert RecheckRun.objects.high_water_mark("answers") is None
    assert WrittenQuestion.objects.count() == len(_expected(parliament)) - 1


def test_correction_records_an_event_updates_the_text_and_keeps_the_previous(parliament):
    recheck_answers(client=client_for(parliament))
    original = WrittenQuestion.objects.get(parliament_id=9000020)
    control(parliament, "fault", {"mode": "correction", "rate": 1.0})
    control(parliament, "advance")
    run = recheck_pending(client=client_for(parliament))
    assert run.outcome == RecheckRun.Outcome.SUCCEEDED, run.errors
    corrected = WrittenQuestion.objects.get(parliament_id=9000020)
    assert corrected.answer_is_correction
    assert "This answer was corrected" in corrected.answer_text
    event = corrected.events.get(kind="corrected")
    assert event.previous_text == original.answer_text
    assert event.occurred_on == date.today()
    assert event.recheck_run == run


def test_holding_answer_then_answer_records_two_events(parliament):
    record = parliament.state.data.records[9000020]
    answered = dict(record)
    record.update(
        dateAnswered="2022-04-04T00:00:00",
        dateHoldingAnswer="2022-04-04T00:00:00",
        answerIsHolding=True,
        answerText="<p>The Ministry of Justice has indicated that it will not be possible to answer this "
        "question within the usual time period.</p>",
    )
    parliament.state.data.list_views.pop(9000020, None)
    recheck_answers(client=client_for(parliament))
    question = WrittenQuestion.objects.get(parliament_id=9000020)
    assert question.answer_is_holding
    assert list(question.events.values_list("kind", flat=True)) == ["tabled", "holding_answer"]
    parliament.state.data.records[9000020] = {**answered, "dateHoldingAnswer": "2022-04-04T00:00:00"}
    run = recheck_pending(client=client_for(parliament))
    question.refresh_from_db()
    assert not question.answer_is_holding and question.date_answered == date(2022, 4, 27)
    assert sorted(question.events.values_list("kind", flat=True)) == ["answered", "holding_answer", "tabled"]
    assert run.questions_updated >= 1


def test_withdrawn_question_records_a_withdrawn_event(parliament):
    recheck_answers(client=client_for(parliament))
    parliament.state.data.records[9000020]["isWithdrawn"] = True
    parliament.state.data.list_views.pop(9000020, None)
    recheck_answers(client=client_for(parliament), full=True)
    question = WrittenQuestion.objects.get(parliament_id=9000020)
    assert question.is_withdrawn
    assert question.events.filter(kind="withdrawn").count() == 1


def test_undated_seed_is_filled_in_not_duplicated(parliament):
    template = parliament.state.data.records[9000023]  # a Commons MoJ research record
    seed = WrittenQuestionFactory(
        house="Commons",
        uin="15167",
        date_tabled=None,
        date_answered=None,
        answered_after=date(2024, 11, 15),
        question_text=template["questionText"],
        answer_text="The first is the roll out of IPP Delivery Plans.",
    )
    later = {
        **template,
        "id": 1800001,
        "uin": "15167",
        "dateTabled": "2024-11-20T00:00:00",
        "dateAnswered": "2024-12-02T00:00:00",
    }
    older = {
        **template,
        "id": 1100001,
        "uin": "15167",
        "dateTabled": "2019-05-01T00:00:00",
        "dateAnswered": "2019-05-09T00:00:00",
    }
    parliament.state.data.records.update({1800001: later, 1100001: older})
    recheck_answers(client=client_for(parliament))
    seed.refresh_from_db()
    assert (seed.parliament_id, seed.date_tabled, seed.date_answered) == (
        1800001,
        date(2024, 11, 20),
        date(2024, 12, 2),
    )
    assert WrittenQuestion.objects.filter(uin="15167").count() == 2  # the 2019 question is another one
    assert WrittenQuestion.objects.get(parliament_id=1100001).date_tabled == date(2019, 5, 1)


def test_undated_seed_is_not_merged_with_another_question_that_reuses_its_uin(parliament):
    seed = WrittenQuestionFactory(
        house="Commons",
        uin="15167",
        date_tabled=None,
        date_answered=None,
        answered_after=date(2024, 11, 15),
        question_text="To ask the Secretary of State for Justice, what changes have been implemented.",
    )
    other = {
        **parliament.state.data.records[9000023],
        "id": 1800002,
        "uin": "15167",
        "dateTabled": "2025-06-02T00:00:00",
        "dateAnswered": "2025-06-09T00:00:00",
    }
    parliament.state.data.records[1800002] = other
    recheck_answers(client=client_for(parliament))
    seed.refresh_from_db()
    assert seed.parliament_id is None and seed.date_tabled is None
    assert WrittenQuestion.objects.get(parliament_id=1800002).date_tabled == date(2025, 6, 2)


def test_a_key_conflict_is_recorded_and_the_run_goes_on(parliament):
    record = parliament.state.data.records[9000020]
    WrittenQuestionFactory(house="Lords", uin="HL7122", date_tabled=date(2022, 3, 21), parliament_id=42)
    run = recheck_answers(client=client_for(parliament))
    assert run.outcome == RecheckRun.Outcome.PARTIAL
    assert any("Question 9000020 (Lords HL7122" in error and "conflicts" in error for error in run.errors)
    assert WrittenQuestion.objects.count() == len(_expected(parliament))  # the others all stored
    assert record["uin"] == "HL7122"


def test_list_and_detail_copies_of_one_answer_are_not_a_text_change(parliament):
    recheck_answers(client=client_for(parliament))
    short = WrittenQuestion.objects.filter(answer_html="").exclude(answer_text="").first()
    assert short is not None  # a whole list item, stored from the list view without HTML
    recheck_pending(client=client_for(parliament))  # nothing pending; now read it in full:
    parliament.state.data.records[short.parliament_id]["heading"] = (short.heading or "") + " (updated)"
    parliament.state.data.list_views.pop(short.parliament_id, None)
    recheck_answers(client=client_for(parliament), since=EPOCH)
    short.refresh_from_db()
    assert short.heading.endswith("(updated)")
    assert not short.events.filter(kind="text_changed").exists()


def test_text_changed_beyond_the_list_cut_is_found_by_a_deep_recheck(parliament):
    recheck_answers(client=client_for(parliament))
    record = parliament.state.data.records[9000020]
    record["answerText"] = record["answerText"].replace("3,500 offenders", "4,000 offenders")
    shallow = recheck_answers(client=client_for(parliament), since=EPOCH)
    assert shallow.questions_updated == 0  # the list view cannot show a change after 255 characters
    deep = recheck_answers(client=client_for(parliament), since=EPOCH, deep=True)
    # Whole list items stored without HTML gain it now; only HL7122's words changed.
    assert deep.questions_updated >= 1
    assert QuestionEvent.objects.filter(kind="text_changed").count() == 1
    question = WrittenQuestion.objects.get(parliament_id=9000020)
    event = question.events.get(kind="text_changed")
    assert "4,000 offenders" in question.answer_text and "3,500 offenders" in event.previous_text


def test_a_later_since_does_not_move_the_high_water_mark_past_a_gap(parliament):
    first = recheck_answers(client=client_for(parliament))
    RecheckRun.objects.filter(pk=first.pk).update(window_to=date(2020, 1, 1))
    late = recheck_answers(client=client_for(parliament), since=date.today() - timedelta(days=1))
    assert late.outcome == RecheckRun.Outcome.SUCCEEDED and not late.advances_mark
    assert RecheckRun.objects.high_water_mark("answers") == date(2020, 1, 1)


def test_a_correction_followed_by_a_withdrawal_is_one_correction(parliament):
    recheck_answers(client=client_for(parliament))
    control(parliament, "fault", {"mode": "correction", "rate": 1.0})
    control(parliament, "advance")
    recheck_pending(client=client_for(parliament))
    parliament.state.data.records[9000020]["isWithdrawn"] = True
    recheck_answers(client=client_for(parliament), since=EPOCH, deep=True)
    question = WrittenQuestion.objects.get(parliament_id=9000020)
    assert question.events.filter(kind="corrected").count() == 1
    assert question.events.filter(kind="withdrawn").count() == 1


def test_editing_the_watch_rematches_what_we_hold(parliament):
    from commitments.models import WatchedTerm
    from commitments.parliament.recheck import rematch_stored_questions

    recheck_answers(client=client_for(parliament))
    assert WrittenQuestion.objects.get(parliament_id=9000020).is_about_ipp
    WatchedTerm.objects.update(is_active=False)
    assert rematch_stored_questions() >= 1
    assert not WrittenQuestion.objects.filter(is_about_ipp=True).exists()


def test_answer_html_is_sanitised_for_display_and_kept_raw(parliament):
    record = parliament.state.data.records[9000020]
    record["answerText"] += '<p>x<script>alert(1)</script><img src=x onerror="alert(2)"></p>'
    recheck_answers(client=client_for(parliament))
    question = WrittenQuestion.objects.get(parliament_id=9000020)
    assert "<script>" in question.answer_html and "onerror" in question.answer_html
    assert "<script" not in question.answer_html_safe and "onerror" not in question.answer_html_safe
    assert "alert(1)" not in question.answer_text


def test_second_run_while_one_holds_the_lock_exits_cleanly(parliament):
    with recheck_lock() as acquired:
        assert acquired
        run = recheck_answers(client=client_for(parliament))
    assert run.outcome == RecheckRun.Outcome.SKIPPED
    assert run.requests_made == 0
    assert not WrittenQuestion.objects.exists()
    assert parliament.state.requests == 0


SUBPROCESS_APP = "tracker-test-subprocess"


def _on_the_test_database(script: str, *args: str) -> subprocess.Popen:
    """`script` in a Python process of its own, on this test's database, its output piped."""
    database_url = urlparse(os.environ["DATABASE_URL"])._replace(path=f"/{connection.settings_dict['NAME']}")
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tracker.settings.test",
            "DATABASE_URL": urlunparse(database_url),
            "PGAPPNAME": SUBPROCESS_APP,
        },
        stdout=subprocess.PIPE,
        text=True,
    )


def _kill(process: subprocess.Popen) -> None:
    """SIGKILL, then end any session it left, so the test database can be dropped at the end."""
    process.kill()
    process.wait(timeout=20)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [SUBPROCESS_APP],
        )


def _wait_until_the_lock_is_free() -> None:
    for _ in range(50):  # the server notices a killed holder's closed socket at once; allow it a moment
        with recheck_lock() as free:
            if free:
                return
        time.sleep(0.1)


HOLD_THE_LOCK = """
import time
import django
django.setup()
from commitments.ops.locks import run_exclusively
with run_exclusively("tracker:recheck") as held:
    print("held" if held else "refused", flush=True)
    time.sleep(120)
"""


@pytest.mark.processes
def test_a_run_killed_while_holding_the_lock_never_leaves_it_held(parliament):
    """The lock dies with its holder's connection: after SIGKILL the next re-check runs at once."""
    holder = _on_the_test_database(HOLD_THE_LOCK)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert recheck_answers(client=client_for(parliament)).outcome == RecheckRun.Outcome.SKIPPED
    finally:
        _kill(holder)
    _wait_until_the_lock_is_free()
    run = recheck_answers(client=client_for(parliament))
    assert run.outcome == RecheckRun.Outcome.SUCCEEDED
    assert WrittenQuestion.objects.count() == run.questions_created > 0


def test_recheck_command_prints_a_summary(parliament, settings, capsys):
    from django.core.management import call_command

    settings.PARLIAMENT_API_URL = parliament.url
    settings.PARLIAMENT_API_PAGE_SIZE = 5
    call_command("recheck_answers", "--no-progress")
    out = capsys.readouterr().out
    assert out.startswith("Re-check succeeded: window from 01/01/2016")
    assert f"{WrittenQuestion.objects.count()} created" in out


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("too-long", "characters long; at most 250 can be stored"), ("nul", "holds a NUL character")],
)
def test_a_record_the_database_cannot_hold_is_recorded_and_the_rest_is_written(fault, reason, parliament):
    control(parliament, "fault", {"mode": fault, "rate": 0.5})
    expected = _expected(parliament)
    records = parliament.state.data.records
    spoiled = {id_ for id_ in expected if parliament.state.served(records[id_]) != records[id_]}
    assert spoiled and spoiled != expected, "the fault should spoil some records, not all"
    for _ in range(2):  # and the next run carries on the same way, never stopping on them
        run = recheck_answers(client=client_for(parliament), since=EPOCH)
        assert run.outcome == RecheckRun.Outcome.PARTIAL, run.errors
        assert {failure["id"] for failure in run.failed_records} == spoiled
        assert all(reason in failure["reason"] and failure["uin"] for failure in run.failed_records)
        stored = set(WrittenQuestion.objects.values_list("parliament_id", flat=True))
        assert stored == expected - spoiled


KILLED_MID_RUN = """
import sys, time
import django
django.setup()
from commitments.parliament.client import ParliamentClient
from commitments.parliament.recheck import recheck_answers

def progress(run):
    print(f"wrote {run.questions_created}", flush=True)
    time.sleep(120)

recheck_answers(client=ParliamentClient(sys.argv[1], page_size=5), progress=progress)
"""


@pytest.mark.processes
def test_a_run_whose_worker_was_killed_is_marked_failed_by_the_next(transactional_db, parliament):
    worker = _on_the_test_database(KILLED_MID_RUN, parliament.url)
    try:
        assert worker.stdout.readline().startswith("wrote ")
    finally:
        _kill(worker)
    killed = RecheckRun.objects.get()
    assert killed.outcome == RecheckRun.Outcome.RUNNING
    assert killed.questions_created > 0 and killed.pages_fetched == 1  # what it wrote is on record
    _wait_until_the_lock_is_free()
    run = recheck_answers(client=client_for(parliament))
    killed.refresh_from_db()
    assert killed.outcome == RecheckRun.Outcome.FAILED and killed.finished_at
    assert "stopped before it finished" in killed.errors[-1]
    assert run.outcome == RecheckRun.Outcome.SUCCEEDED
