"""The editors' review queue in the admin: what each action records, and who did it."""

from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from commitments.models import Evidence, Status, StatusChange

from .factories import CommitmentFactory, EvidenceFactory, WrittenQuestionFactory

QUEUE = reverse("admin:commitments_evidencesuggestion_changelist")


def suggestion(**fields):
    question = WrittenQuestionFactory(
        date_answered=date(2025, 2, 10),
        answer_text="The Approved Premises move-on pilot has been rolled out in two regions.",
        is_about_ipp=True,
    )
    values = {
        "question": question,
        "commitment": CommitmentFactory(title="Approved Premises move-on pilot"),
        "excerpt": question.answer_text,
        "score": 9.5,
        "matched_terms": ["Approved Premises", "move-on", "pilot"],
        "reasons": ["Scored 9.5 (suggested from 6)."],
        "suggested_status": Status.DELIVERED,
        "status_cue": "has been rolled out",
    }
    return EvidenceFactory(**{**values, **fields})


def test_the_queue_shows_suggestions_with_matched_words_marked_and_escaped(client, editor):
    waiting = suggestion(excerpt="<b>Approved Premises</b> pilot", matched_terms=["Approved Premises"])
    reviewed = suggestion(state=Evidence.State.CONFIRMED)
    client.force_login(editor)

    page = client.get(QUEUE).content.decode()

    assert "&lt;b&gt;<mark>Approved Premises</mark>&lt;/b&gt; pilot" in page
    assert "has been rolled out" in page and "Scored 9.5" not in page  # no numbers against a threshold
    assert f'value="{waiting.pk}"' in page
    assert f'value="{reviewed.pk}"' not in page


def test_bulk_confirm_and_reject_record_who_and_when(client, editor):
    keep, drop = suggestion(), suggestion()
    client.force_login(editor)

    client.post(QUEUE, {"action": "confirm_selected", "_selected_action": [keep.pk]})
    client.post(QUEUE, {"action": "reject_selected", "_selected_action": [drop.pk]})

    keep.refresh_from_db()
    drop.refresh_from_db()
    assert (keep.state, keep.reviewed_by) == (Evidence.State.CONFIRMED, editor)
    assert (drop.state, drop.reviewed_by) == (Evidence.State.REJECTED, editor)
    assert keep.reviewed_at and drop.reviewed_at
    assert keep.history.latest().history_user == editor
    assert drop.history.latest().history_user == editor
    logged = LogEntry.objects.filter(user=editor).values_list("object_id", "change_message")
    assert {
        (str(keep.pk), "Confirmed from the review queue."),
        (str(drop.pk), "Rejected from the review queue."),
    } <= set(logged)
    assert client.get(QUEUE).context["cl"].result_count == 0


def test_accepting_the_status_appends_a_status_change_citing_the_answer(client, editor):
    waiting = suggestion()
    client.force_login(editor)

    client.post(QUEUE, {"action": "accept_status_selected", "_selected_action": [waiting.pk]})

    change = StatusChange.objects.get(commitment=waiting.commitment, origin=StatusChange.Origin.SUGGESTION)
    assert (change.to_status, change.question, change.changed_by) == (
        Status.DELIVERED,
        waiting.question,
        editor,
    )
    waiting.refresh_from_db()
    assert waiting.state == Evidence.State.CONFIRMED and waiting.status_change == change
    waiting.commitment.refresh_from_db()
    assert waiting.commitment.status == Status.DELIVERED


def test_accepting_the_status_of_a_suggestion_without_one_is_refused_with_the_reason(client, editor):
    plain = suggestion(suggested_status="", status_cue="")
    client.force_login(editor)

    response = client.post(
        QUEUE, {"action": "accept_status_selected", "_selected_action": [plain.pk]}, follow=True
    )

    assert "carries no status suggestion" in response.content.decode()
    plain.refresh_from_db()
    assert plain.state == Evidence.State.SUGGESTED
    assert not StatusChange.objects.filter(origin=StatusChange.Origin.SUGGESTION).exists()


@pytest.mark.parametrize(("count", "text"), [(0, "No suggestions waiting"), (2, "2 suggestions waiting")])
def test_the_admin_index_says_how_many_suggestions_wait(client, editor, count, text):
    for _ in range(count):
        suggestion()
    client.force_login(editor)

    page = client.get(reverse("admin:index")).content.decode()

    assert text in page
    assert ("Open the review queue" in page) == bool(count)
