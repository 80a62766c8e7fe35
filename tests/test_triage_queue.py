"""The triage screen as an editor works through it: one answer at a time with its place in the
queue, strong matches open and weak ones folded, nothing internal on the page, confirm and finish in
one step, confirm and record a status change on a filled-in form, ticks kept after a refusal,
corrected answers back in the queue, an old backlog cleared in bulk, and a page that costs the same
at 1,000 waiting answers."""

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from commitments.analysis.suggestions import current_matcher
from commitments.editorial.triage import evidence_version, triage_version
from commitments.loading import load_shipped_data
from commitments.models import Commitment, Evidence, QuestionEvent, Status, StatusChange, WrittenQuestion

from .factories import (
    CommitmentFactory,
    EditorFactory,
    EvidenceFactory,
    QuestionEventFactory,
    WrittenQuestionFactory,
)
from .test_admin import _change_form

SCREEN = reverse("admin:commitments_answertotriage_changelist")
CLEAR = reverse("admin:commitments_answertotriage_clear_backlog")
ANSWER = (
    "The Approved Premises move-on pilot has been rolled out in two regions. "
    "Electronic monitoring with GPS tags is used for some people on licence. "
    "Officials meet monthly."
)
# What must never show on an editor's screen: file names, the matcher's numbers against its
# threshold, debugging words.
INTERNAL = re.compile(
    r"\.jsonl|\.csv\b|Scored \d|suggested from \d|threshold|MATCH_|Traceback|DEBUG"
    r"|\bNone\b(?! available|:)|\{\{|\{%",
    re.IGNORECASE,
)


@pytest.fixture
def commitments(db):
    return {
        "move-on": CommitmentFactory(
            slug="move-on",
            title="Approved Premises move-on pilot",
            summary="A pilot to support people leaving Approved Premises.",
            keywords=["Approved Premises", "move-on"],
        ),
        "gps": CommitmentFactory(
            slug="gps",
            title="GPS electronic monitoring",
            summary="GPS tags for people on licence.",
            keywords=["electronic monitoring", "GPS"],
        ),
        "dashboard": CommitmentFactory(slug="dashboard", title="IPP data dashboard", keywords=["dashboard"]),
    }


def answer(**fields):
    values = {"answer_text": ANSWER, "is_about_ipp": True, "date_answered": date(2025, 2, 10)}
    return WrittenQuestionFactory(**{**values, **fields})


def decide(client, question, action, commitment=None, **extra):
    question.refresh_from_db()
    row = question.evidence.filter(commitment=commitment).first() if commitment else None
    version = evidence_version(row) if commitment else triage_version(question, question.evidence.all())
    data = {"action": action, "version": version, "at": "1", **extra}
    if commitment:
        data["commitment"] = commitment.pk
    return client.post(
        reverse("admin:commitments_answertotriage_decide", args=["question", question.pk]), data
    )


def page_text(response) -> str:
    return response.content.decode()


def test_one_answer_at_a_time_with_its_place_in_the_queue_and_a_way_on(client, editor, commitments):
    older = answer(uin="OLD1", date_answered=date(2025, 1, 1))
    newer = answer(uin="NEW1", date_answered=date(2025, 3, 1))
    client.force_login(editor)

    first = page_text(client.get(SCREEN))
    second = page_text(client.get(SCREEN + "?at=2"))
    beyond = page_text(client.get(SCREEN + "?at=99"))
    by_answer = page_text(client.get(SCREEN + f"?answer={older.pk}"))

    assert "Answer 1 of 2" in first and "NEW1" in first and "OLD1" not in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert "Answer 2 of 2" in second and "OLD1" in second and 'rel="prev"' in second
    assert "Answer 2 of 2" in beyond  # past the end: the last answer
    assert "Answer 2 of 2" in by_answer and f'id="answer-{newer.pk}"' not in by_answer


def test_strong_matches_are_open_and_weak_ones_folded_under_a_count(client, editor, commitments, settings):
    settings.MATCH_THRESHOLD = 1000.0  # nothing is strong by score...
    question = answer()
    EvidenceFactory(question=question, commitment=commitments["gps"], score=None, reasons=[])  # ...but this
    client.force_login(editor)

    page = page_text(client.get(SCREEN))

    strong, weak = page.split('class="triage-weak"')
    assert "GPS electronic monitoring" in strong and "Strong match" in strong
    assert "Approved Premises move-on pilot" in weak and "1 weak match:" in page


def test_no_editor_screen_shows_file_names_thresholds_or_debugging_words(client, db):
    """The demo's queue, every answer, the review queue and the evidence pages, as an editor sees them."""
    load_shipped_data()
    EditorFactory(username="ed")
    client.force_login(EditorFactory(username="reader"))
    total = WrittenQuestion.objects.awaiting_triage().count()
    pages = [SCREEN + f"?at={n}" for n in range(1, total + 1)]
    evidence = Evidence.objects.filter(reasons__isnull=False).exclude(reasons=[]).first()
    pages += [  # every list in the admin: those an editor may not open answer 403 and are skipped
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
        if model._meta.app_label == "commitments" and model._meta.model_name != "answertotriage"
    ]
    pages += [
        reverse("admin:index"),
        reverse("admin:commitments_evidencesuggestion_changelist"),
        reverse("admin:commitments_evidence_changelist"),
        reverse("admin:commitments_evidence_change", args=[evidence.pk]),
        reverse("admin:commitments_commitment_change", args=[evidence.commitment.pk]),
    ]
    found = {}
    for url in pages:
        response = client.get(url)
        if response.status_code == 403:
            continue
        assert response.status_code == 200, url
        body = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", page_text(response), flags=re.S)
        if hits := INTERNAL.findall(body):
            found[url] = hits
    assert found == {}


def test_confirm_and_finish_takes_one_step_and_moves_on_to_the_next_answer(client, editor, commitments):
    first = answer(uin="NEW1", date_answered=date(2025, 3, 1))
    second = answer(uin="OLD1", date_answered=date(2025, 1, 1))
    client.force_login(editor)

    response = decide(client, first, "finish", commitments["gps"], sentence=["1"])

    assert response.url == SCREEN + "?at=1"
    first.refresh_from_db()
    assert first.triaged_by == editor and not first.not_evidence
    assert Evidence.objects.get(question=first, commitment=commitments["gps"]).state == "confirmed"
    assert list(WrittenQuestion.objects.awaiting_triage()) == [second]
    assert "OLD1" in page_text(client.get(response.url))


def test_confirm_and_record_status_fills_in_the_status_change_and_returns_to_the_answer(
    client, editor, commitments
):
    question = answer(uin="HL4321", house="Lords")
    move_on = commitments["move-on"]
    client.force_login(editor)

    response = decide(client, question, "confirm_record", move_on, sentence=["0"])

    assert Evidence.objects.get(question=question, commitment=move_on).state == "confirmed"
    url = urlsplit(response.url)
    assert url.path == reverse("admin:commitments_commitment_change", args=[move_on.pk])
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert query["new_status"] == "delivered" and query["status_effective_on"] == "2025-02-10"
    assert query["status_question"] == str(question.pk)
    assert query["status_reason"].startswith(
        "The answer to Lords HL4321 (10 February 2025) says: “The Approved"
    )
    form = page_text(client.get(response.url))
    assert 'value="delivered" selected' in form and 'value="2025-02-10"' in form
    assert "Lords HL4321 · answered 10 February 2025" in form  # the picker names the answer

    data = _commitment_post(move_on, query)
    after = client.post(response.url, data)

    assert after.status_code == 302 and after.url == SCREEN + f"?answer={question.pk}"
    change = StatusChange.objects.get(commitment=move_on)
    assert (change.to_status, change.question, change.effective_on) == (
        Status.DELIVERED,
        question,
        date(2025, 2, 10),
    )


def _commitment_post(commitment: Commitment, query: dict) -> dict:
    """What the commitment page posts back: its fields as they are, plus the filled-in change."""
    return _change_form(
        commitment,
        new_status=query["new_status"],
        status_reason=query["status_reason"],
        status_effective_on="10 February 2025",  # typed as people type it
        status_question=query["status_question"],
    )


def test_ticked_sentences_are_kept_after_a_refusal(client, editor, commitments):
    question = answer()
    gps = commitments["gps"]
    client.force_login(editor)
    stale = {"version": "stale", "commitment": gps.pk, "sentence": ["1", "2"], "action": "confirm"}

    response = client.post(
        reverse("admin:commitments_answertotriage_decide", args=["question", question.pk]), stale
    )

    page = page_text(response)
    assert response.status_code == 200 and "Nothing was changed" in page
    assert f'id="s-{question.pk}-{gps.pk}-1" checked' in page
    assert f'id="s-{question.pk}-{gps.pk}-2" checked' in page
    assert f'id="s-{question.pk}-{gps.pk}-0" checked' not in page
    linked = decide(client, question, "link", link_commitment="No such thing", sentence=["2"])
    assert 'value="No such thing"' in page_text(linked) and f'id="l-{question.pk}-2" checked' in page_text(
        linked
    )


@pytest.mark.parametrize("kind", [QuestionEvent.Kind.CORRECTED, QuestionEvent.Kind.TEXT_CHANGED])
def test_an_answer_corrected_or_changed_after_triage_comes_back_marked_as_such(
    client, editor, commitments, kind
):
    question = answer(uin="BACK1")
    decide(client.force_login(editor) or client, question, "not_evidence")
    assert not WrittenQuestion.objects.awaiting_triage().exists()

    QuestionEventFactory(question=question, kind=kind, content_hash="new")

    assert list(WrittenQuestion.objects.awaiting_triage()) == [question]
    page = page_text(client.get(SCREEN))
    assert "Back in the queue:" in page and ("corrected" if kind == "corrected" else "text changed") in page
    decide(client, question, "not_evidence")  # and triaging it again takes it out
    assert not WrittenQuestion.objects.awaiting_triage().exists()


def test_an_old_backlog_is_cleared_in_bulk_and_recorded_per_answer(client, editor, commitments):
    old_weak = [
        answer(uin=f"OLD{n}", answer_text="Officials meet monthly.", date_answered=date(2023, 1, n + 1))
        for n in range(3)
    ]
    old_strong = answer(uin="OLDSTRONG", date_answered=date(2023, 2, 1))
    EvidenceFactory(question=old_strong, commitment=commitments["gps"], score=9.0)
    recent = answer(uin="RECENT", answer_text="Officials meet monthly.", date_answered=date(2025, 1, 1))
    client.force_login(editor)

    response = client.post(CLEAR, {"before": "1 January 2024"}, follow=True)

    assert "3 answers answered before 1 January 2024 with no strong candidate left the queue" in page_text(
        response
    )
    assert set(WrittenQuestion.objects.awaiting_triage()) == {old_strong, recent}
    for question in old_weak:
        question.refresh_from_db()
        assert (question.cleared_in_bulk, question.triaged_by, question.not_evidence) == (True, editor, False)
        assert LogEntry.objects.get(object_id=str(question.pk)).change_message.startswith(
            "Cleared with the old backlog: answered before 1 January 2024"
        )
    refused = client.post(CLEAR, {"before": "last Tuesday"}, follow=True)
    assert "7 December 2026, 7/12/2026 or 2026-12-07" in page_text(refused)


def test_a_page_of_the_queue_costs_the_same_queries_and_bytes_at_1000_waiting_answers(
    client, editor, commitments, django_assert_num_queries
):
    client.force_login(editor)
    answer(uin="FIRST", date_answered=date(2025, 6, 1))
    current_matcher()
    client.get(SCREEN)  # session and matcher warmed
    with django_assert_num_queries(15) as one:  # 12, and the other three kinds' counts for their tabs
        small = client.get(SCREEN)
    day = date(2020, 1, 1)
    WrittenQuestion.objects.bulk_create(
        WrittenQuestion(
            house="Commons",
            uin=f"B{n}",
            date_tabled=day,
            date_answered=day + timedelta(days=n % 900),
            answer_text=ANSWER,
            is_about_ipp=True,
        )
        for n in range(999)
    )
    assert WrittenQuestion.objects.awaiting_triage().count() == 1000
    with django_assert_num_queries(len(one.captured_queries)):
        large = client.get(SCREEN)
    assert "Answer 1 of 1000" in page_text(large)
    # The same answer, so the same page but for the count and the way on to the next answer.
    assert abs(len(large.content) - len(small.content)) < 200
    # + the answer asked for by id, and where it stands in the queue
    with django_assert_num_queries(len(one.captured_queries) + 2):
        client.get(SCREEN + f"?answer={WrittenQuestion.objects.get(uin='B500').pk}")


def test_the_editors_keyboard_shortcuts_are_an_extra_and_the_page_works_without_them(
    client, editor, commitments, settings
):
    settings.MATCH_THRESHOLD = 1.0
    answer()
    client.force_login(editor)

    page = page_text(client.get(SCREEN))

    assert '<details class="triage-keys" hidden>' in page  # shown only when the script runs
    assert 'data-key="c"' in page and 'data-key="d"' in page and 'data-key="x"' in page
    assert "triage_keys.js" in page and "defer" in page
    assert timezone.now()  # the forms are plain posts: see test_triage.py for every decision


def test_a_status_change_from_an_answer_older_than_the_latest_change_is_dated_today(
    client, editor, commitments
):
    question = answer()  # answered 10 February 2025
    move_on = commitments["move-on"]
    from commitments.editorial import record_status_change

    record_status_change(move_on, to="in_progress", reason="Started.", effective_on=date(2025, 6, 1), by=None)
    client.force_login(editor)

    response = decide(client, question, "confirm_record", move_on, sentence=["0"])

    query = parse_qs(urlsplit(response.url).query)
    assert query["status_effective_on"] == [timezone.localdate().isoformat()]
    page = page_text(client.get(response.url))
    assert "It is dated today: the answer is older than the latest change, on 1 June 2025" in page


def test_after_confirming_the_candidate_says_only_what_was_decided(client, editor, commitments):
    question = answer()
    gps = commitments["gps"]
    client.force_login(editor)

    decide(client, question, "confirm", gps, sentence=["1"])

    page = page_text(client.get(SCREEN))
    block = page.split(f'id="candidate-{question.pk}-{gps.pk}"')[1].split("</li>")[0]
    assert "Confirmed</strong> by editor" in block
    assert "match" not in block.lower() and "Words it shares" not in block  # nothing to contradict it
