"""The answer triage screen: which answers wait, each decision and what it records, stale forms,
who may use it, and a fixed number of queries however many answers wait."""

from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from commitments.analysis.suggestions import current_matcher, top_candidates
from commitments.editorial import decide_candidate, finish_triage, mark_not_evidence
from commitments.exceptions import StaleTriage, TriageError
from commitments.models import Evidence, Status, StatusChange, WrittenQuestion
from commitments.models.evidence import evidence_version, triage_version
from commitments.text.passages import quote_sentences, sentences, sentences_covering

from .factories import CommitmentFactory, EditorFactory, EvidenceFactory, UserFactory, WrittenQuestionFactory

SCREEN = reverse("admin:commitments_answertotriage_changelist")
ANSWER = (
    "The Approved Premises move-on pilot has been rolled out in two regions. "
    "Electronic monitoring with GPS tags is used for some people on licence. "
    "Each HMPPS area has an IPP Delivery Plan. "
    "Officials meet monthly."
)


def decide_url(question):
    return reverse("admin:commitments_answertotriage_decide", args=["question", question.pk])


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
        "plans": CommitmentFactory(
            slug="plans",
            title="IPP Delivery Plans in every HMPPS area",
            summary="Every HMPPS area to have its own plan.",
            keywords=["Delivery Plan"],
        ),
        "dashboard": CommitmentFactory(
            slug="dashboard",
            title="IPP data dashboard",
            summary="Publish figures on the IPP population.",
            keywords=["dashboard"],
        ),
    }


def answer(**fields):
    values = {"answer_text": ANSWER, "is_about_ipp": True, "date_answered": date(2025, 2, 10)}
    return WrittenQuestionFactory(**{**values, **fields})


def candidate_form(question, commitment, decision, *, sentences=(0,)):
    row = question.evidence.filter(commitment=commitment).first()
    return {
        "action": decision,
        "commitment": commitment.pk,
        "version": evidence_version(row),
        "sentence": list(sentences),
    }


def answer_form(question, action, **extra):
    question.refresh_from_db()
    return {"action": action, "version": triage_version(question, question.evidence.all()), **extra}


# The queue rule


def test_the_queue_holds_answered_ipp_questions_not_yet_triaged_newest_first(db, editor):
    older = answer(date_answered=date(2025, 1, 5))
    newer = answer(date_answered=date(2025, 3, 5))
    answer(is_about_ipp=False)
    answer(date_answered=None)
    answer(answer_is_holding=True)
    answer(is_withdrawn=True)
    triaged = answer()
    triaged.triaged_at, triaged.triaged_by = timezone.now(), editor
    triaged.save()

    assert list(WrittenQuestion.objects.awaiting_triage()) == [newer, older]


def test_not_evidence_answers_are_queryable_by_their_field(db, commitments, editor):
    question = answer()
    mark_not_evidence(question, by=editor, seen=triage_version(question, []))

    assert list(WrittenQuestion.objects.filter(not_evidence=True)) == [question]
    assert list(WrittenQuestion.objects.not_evidence()) == [question]
    assert not WrittenQuestion.objects.awaiting_triage().exists()


# Candidates and quotes


def test_top_candidates_rank_every_scoring_commitment_whatever_the_threshold(db, commitments, settings):
    settings.MATCH_THRESHOLD = 1000.0  # nothing would be suggested
    question = answer()

    ranked = top_candidates(question, matcher=current_matcher())

    assert {"move-on", "gps", "plans"} <= {match.slug for match in ranked}
    assert [m.score for m in ranked] == sorted((m.score for m in ranked), reverse=True)
    assert len(top_candidates(question, k=2)) == 2
    assert top_candidates(answer(is_about_ipp=False)) == []


def test_a_quote_is_whole_sentences_with_gaps_marked():
    text = "First one. Second one; with a clause. Third one.\nA | table | line\nFourth one."

    assert [text[a:b] for a, b in sentences(text)] == [
        "First one.",
        "Second one; with a clause.",
        "Third one.",
        "Fourth one.",
    ]
    assert quote_sentences(text, [1, 0]) == "First one. Second one; with a clause."
    assert quote_sentences(text, [0, 2]) == "First one. … Third one."
    assert quote_sentences(text, [2, 3]) == "Third one. … Fourth one."  # a table lies between
    assert quote_sentences(text, [9]) == ""
    assert sentences_covering(text, "with a clause.") == [1]


# Decisions


def test_confirming_a_candidate_quotes_the_chosen_sentence_and_records_who(client, editor, commitments):
    question = answer()
    gps = commitments["gps"]
    client.force_login(editor)

    response = client.post(decide_url(question), candidate_form(question, gps, "confirm", sentences=[1]))

    assert response.status_code == 302 and response.url.endswith(f"?answer={question.pk}")
    evidence = Evidence.objects.get(question=question, commitment=gps)
    assert evidence.state == Evidence.State.CONFIRMED
    assert evidence.excerpt == "Electronic monitoring with GPS tags is used for some people on licence."
    assert evidence.score is not None and evidence.reasons  # what the matcher found is kept
    assert (evidence.reviewed_by, evidence.history.latest().history_user) == (editor, editor)
    assert LogEntry.objects.filter(
        user=editor, object_id=str(evidence.pk), change_message="Confirmed from the triage screen."
    ).exists()
    assert question in WrittenQuestion.objects.awaiting_triage()  # more may be decided on it
    page = client.get(SCREEN).content.decode()
    assert "GPS electronic monitoring: confirmed." in page
    assert "Confirmed</strong> by editor" in page


def test_confirming_needs_a_sentence_and_changes_nothing_without_one(client, editor, commitments):
    question = answer()
    client.force_login(editor)

    response = client.post(
        decide_url(question),
        candidate_form(question, commitments["gps"], "confirm", sentences=[]),
        follow=True,
    )

    assert "Tick at least one sentence" in response.content.decode()
    assert not Evidence.objects.exists()


def test_rejecting_a_candidate_records_a_rejection(client, editor, commitments):
    question = answer()
    suggested = EvidenceFactory(question=question, commitment=commitments["plans"], score=9.0)
    client.force_login(editor)

    client.post(decide_url(question), candidate_form(question, commitments["plans"], "reject"))

    suggested.refresh_from_db()
    assert (suggested.state, suggested.reviewed_by) == (Evidence.State.REJECTED, editor)
    assert suggested.history.latest().history_user == editor


def test_confirming_with_the_suggested_status_appends_a_status_change(client, editor, commitments):
    question = answer()
    move_on = commitments["move-on"]
    client.force_login(editor)

    page = client.get(SCREEN).content.decode()
    assert "its words suggest “Delivered”" in page
    client.post(decide_url(question), candidate_form(question, move_on, "confirm_status", sentences=[0]))

    change = StatusChange.objects.get(commitment=move_on, origin=StatusChange.Origin.SUGGESTION)
    assert (change.to_status, change.question, change.changed_by) == (Status.DELIVERED, question, editor)
    evidence = Evidence.objects.get(question=question, commitment=move_on)
    assert evidence.state == Evidence.State.CONFIRMED and evidence.status_change == change


def test_linking_another_commitment_confirms_it_with_the_chosen_sentences(client, editor, commitments):
    question = answer()
    dashboard = commitments["dashboard"]
    client.force_login(editor)

    client.post(
        decide_url(question),
        answer_form(question, "link", link_commitment=dashboard.title, sentence=["2", "3"]),
    )

    evidence = Evidence.objects.get(question=question, commitment=dashboard)
    assert evidence.state == Evidence.State.CONFIRMED
    assert evidence.excerpt == "Each HMPPS area has an IPP Delivery Plan. Officials meet monthly."
    assert LogEntry.objects.filter(object_id=str(evidence.pk), user=editor).exists()


def test_linking_without_choosing_a_commitment_says_so(client, editor, commitments):
    question = answer()
    client.force_login(editor)

    response = client.post(
        decide_url(question), answer_form(question, "link", link_commitment="", sentence=["0"]), follow=True
    )

    assert "Choose a commitment" in response.content.decode()
    assert not Evidence.objects.exists()


def test_done_needs_a_confirmed_link_then_the_answer_leaves_the_queue(editor, commitments):
    question = answer()
    with pytest.raises(TriageError, match="no confirmed link"):
        finish_triage(question, by=editor, seen=triage_version(question, []))
    evidence = decide_candidate(
        question, commitments["gps"], decision="confirm", by=editor, seen="none", sentences=[1]
    )

    finish_triage(question, by=editor, seen=triage_version(question, [evidence]))

    question.refresh_from_db()
    assert (question.triaged_by, question.not_evidence) == (editor, False) and question.triaged_at
    assert not WrittenQuestion.objects.awaiting_triage().exists()


def test_not_evidence_rejects_the_suggestions_and_the_answer_leaves_the_queue(client, editor, commitments):
    question = answer()
    suggested = EvidenceFactory(question=question, commitment=commitments["plans"], score=9.0)
    client.force_login(editor)

    response = client.post(decide_url(question), answer_form(question, "not_evidence"), follow=True)

    assert "not evidence for any commitment. It has left the queue." in response.content.decode()
    question.refresh_from_db()
    assert (question.not_evidence, question.triaged_by) == (True, editor)
    suggested.refresh_from_db()
    assert (suggested.state, suggested.reviewed_by) == (Evidence.State.REJECTED, editor)
    assert LogEntry.objects.filter(
        object_id=str(question.pk), change_message__contains="not evidence"
    ).exists()
    assert f'id="answer-{question.pk}"' not in response.content.decode()


def test_an_answer_with_a_confirmed_link_cannot_be_marked_not_evidence(editor, commitments):
    question = answer()
    confirmed = EvidenceFactory(
        question=question, commitment=commitments["gps"], state=Evidence.State.CONFIRMED
    )

    with pytest.raises(TriageError, match="confirmed evidence for gps"):
        mark_not_evidence(question, by=editor, seen=triage_version(question, [confirmed]))
    question.refresh_from_db()
    assert question.triaged_at is None and not question.not_evidence


# Stale forms


def test_a_stale_candidate_form_cannot_undo_another_editors_decision(client, editor, commitments):
    question = answer()
    suggested = EvidenceFactory(question=question, commitment=commitments["plans"], score=9.0)
    stale = candidate_form(question, commitments["plans"], "reject")
    other = EditorFactory(username="other")
    decide_candidate(
        question, commitments["plans"], decision="confirm", by=other, seen=stale["version"], sentences=[2]
    )
    client.force_login(editor)

    response = client.post(decide_url(question), stale, follow=True)

    assert "now confirmed by other" in response.content.decode()
    assert "Nothing was changed" in response.content.decode()
    suggested.refresh_from_db()
    assert (suggested.state, suggested.reviewed_by) == (Evidence.State.CONFIRMED, other)


def test_a_stale_answer_form_is_refused_after_another_editors_decision(editor, commitments):
    question = answer()
    seen = triage_version(question, [])
    decide_candidate(question, commitments["gps"], decision="confirm", by=editor, seen="none", sentences=[1])

    with pytest.raises(StaleTriage, match="Another editor decided"):
        mark_not_evidence(question, by=editor, seen=seen)
    question.refresh_from_db()
    assert question.triaged_at is None


def test_a_decision_on_an_answer_already_triaged_is_refused(editor, commitments):
    question = answer()
    mark_not_evidence(question, by=EditorFactory(username="first"), seen=triage_version(question, []))

    with pytest.raises(StaleTriage, match="was triaged by first"):
        decide_candidate(
            question, commitments["gps"], decision="confirm", by=editor, seen="none", sentences=[1]
        )
    assert not Evidence.objects.exists()


# The screen


def test_the_screen_shows_each_answer_with_its_candidates_marked_and_hostile_html_inert(
    client, editor, commitments
):
    question = answer(
        heading="Approved Premises",
        question_text="To ask about <script>alert(1)</script> move-on.",
        answer_html_safe="<p>The Approved Premises move-on pilot has been rolled out.</p>",
        uin="HL1234",
    )
    client.force_login(editor)

    page = client.get(SCREEN).content.decode()

    assert page.count(f'id="answer-{question.pk}"') == 1
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<p>The Approved Premises move-on pilot has been rolled out.</p>" in page
    assert "<mark>Approved Premises</mark>" in page
    assert "its words suggest “Delivered”" in page and "“has been rolled out”" in page
    assert "Parliament’s page for HL1234" in page
    assert page.count('<li class="triage-candidate') == len(top_candidates(question)) == 3


def test_the_screen_shows_at_most_five_candidates_per_answer(client, editor, commitments):
    for n in range(4):
        CommitmentFactory(
            slug=f"extra-{n}",
            title=f"Electronic monitoring GPS tags variant {n}",
            keywords=["GPS tags"],
        )
    answer()
    client.force_login(editor)

    page = client.get(SCREEN).content.decode()

    assert page.count('<li class="triage-candidate') == 5


def test_the_screen_costs_the_same_queries_for_one_answer_or_many(
    client, editor, commitments, django_assert_num_queries
):
    client.force_login(editor)
    answer()
    current_matcher()
    client.get(SCREEN)  # session and matcher warmed
    with django_assert_num_queries(15) as one:  # 12, and the other three kinds' counts for their tabs
        client.get(SCREEN)
    for _ in range(4):
        answer()
    EvidenceFactory(question=WrittenQuestion.objects.first(), commitment=commitments["gps"], score=8.0)
    current_matcher()
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(SCREEN)


@pytest.mark.parametrize(("count", "text"), [(0, "No answers waiting for triage"), (2, "2 answers waiting")])
def test_the_admin_index_says_how_many_answers_wait(client, editor, count, text):
    for _ in range(count):
        answer()
    client.force_login(editor)

    page = client.get(reverse("admin:index")).content.decode()

    assert text in page
    assert ("Open the triage screen" in page) == bool(count)


# Who may use it


def test_anonymous_and_non_staff_users_are_sent_to_log_in(client, commitments):
    question = answer()
    for user in (None, UserFactory(username="member")):
        if user:
            client.force_login(user)
        assert client.get(SCREEN).status_code == 302
        response = client.post(decide_url(question), answer_form(question, "not_evidence"))
        assert response.status_code == 302 and "/login/" in response.url
    question.refresh_from_db()
    assert question.triaged_at is None


def test_staff_outside_the_editors_group_are_refused(client, commitments):
    question = answer()
    client.force_login(UserFactory(username="staff", is_staff=True))

    assert client.get(SCREEN).status_code == 403
    assert client.post(decide_url(question), answer_form(question, "not_evidence")).status_code == 403
    question.refresh_from_db()
    assert question.triaged_at is None


def test_editors_may_use_it_and_odd_requests_fail_cleanly(client, editor, commitments):
    question = answer()
    client.force_login(editor)

    assert client.get(SCREEN).status_code == 200
    assert "Answer 1 of 1" in client.get(SCREEN + "?at=abc&answer=x").content.decode()
    assert client.get(decide_url(question)).status_code == 405
    assert (
        client.post(
            reverse("admin:commitments_answertotriage_decide", args=["question", 999999]), {}
        ).status_code
        == 404
    )
    response = client.post(decide_url(question), {"action": "undo"}, follow=True)
    assert "not one the triage screen knows" in response.content.decode()
