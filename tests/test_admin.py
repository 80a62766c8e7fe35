"""The editors' admin: who may do what, and status changes made from the commitment page."""

from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commitments.editorial import record_status_change
from commitments.models import Commitment, StatusChange
from commitments.ops.roles import EDITOR_PERMISSIONS, EDITORS_GROUP

from .factories import (
    ActionPlanFactory,
    CommitmentFactory,
    CorrectionFactory,
    EditorFactory,
    EvidenceFactory,
    FigureCellFactory,
    QuestionEventFactory,
    WrittenQuestionFactory,
)


def _change_form(commitment, **extra):
    data = {
        "title": commitment.title,
        "slug": commitment.slug,
        "theme": commitment.theme_id,
        "owner": commitment.owner,
        "summary": commitment.summary,
        "is_published": "on",
        "keywords": "",
        "targets": "",
        "source_urls": "",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
        "wordings-TOTAL_FORMS": "0",
        "wordings-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_anonymous_users_are_sent_to_the_admin_login(client, commitment):
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_editors_group_from_the_migrations_has_exactly_the_listed_permissions(db):
    # The autouse fixture only recreates the group after a flush, so this is the migrations' group.
    group = Group.objects.get(name=EDITORS_GROUP)
    granted = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert granted == set(EDITOR_PERMISSIONS)
    assert not any(codename.startswith("delete_") for _, codename in granted)
    assert ("commitments", "change_statuschange") not in granted


def test_editor_can_change_a_commitment_and_record_a_status_change(client, editor, commitment):
    client.force_login(editor)
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        _change_form(
            commitment,
            owner="HMPPS Psychology Services",
            new_status="in_progress",
            status_reason="A minister said the pilot has commenced.",
            status_effective_on="15/11/2024",
            status_source_url="https://parallelparliament.co.uk/question/15167/probation",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    commitment.refresh_from_db()
    assert commitment.owner == "HMPPS Psychology Services"
    assert commitment.status == "in_progress"
    change = commitment.status_changes.get()
    assert change.changed_by == editor
    assert change.effective_on == date(2024, 11, 15)
    assert change.reason == "A minister said the pilot has commenced."


def test_new_status_without_reason_is_refused_and_nothing_is_written(client, editor, commitment):
    client.force_login(editor)
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    response = client.post(
        url,
        _change_form(commitment, owner="Changed", new_status="delivered", status_effective_on="15/11/2024"),
    )
    assert response.status_code == 200
    assert "Give the reason for the new status." in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.owner == "HMPPS" and commitment.status == "planned"
    assert not StatusChange.objects.exists()


def test_status_cannot_be_set_directly_through_the_form(client, editor, commitment):
    client.force_login(editor)
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    response = client.post(url, _change_form(commitment, status="delivered"))
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == "planned"


def test_editor_cannot_delete_status_history(client, editor, commitment):
    change = record_status_change(commitment, to="delayed", reason="Paused", effective_on=date(2024, 1, 1))
    client.force_login(editor)
    delete_url = reverse("admin:commitments_statuschange_delete", args=[change.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    change_url = reverse("admin:commitments_statuschange_change", args=[change.pk])
    response = client.post(change_url, {"reason": "Rewritten"})
    assert response.status_code == 403 or "Rewritten" not in StatusChange.objects.get().reason
    assert StatusChange.objects.get().reason == "Paused"


def test_even_a_superuser_cannot_delete_or_edit_status_history(client, superuser, commitment):
    change = record_status_change(commitment, to="delayed", reason="Paused", effective_on=date(2024, 1, 1))
    client.force_login(superuser)
    assert (
        client.post(
            reverse("admin:commitments_statuschange_delete", args=[change.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    page = client.get(reverse("admin:commitments_commitment_change", args=[commitment.pk])).content.decode()
    assert "status_changes-0-DELETE" not in page
    assert StatusChange.objects.count() == 1


def test_editor_cannot_delete_commitments(client, editor, commitment):
    client.force_login(editor)
    response = client.post(
        reverse("admin:commitments_commitment_delete", args=[commitment.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Commitment.objects.filter(pk=commitment.pk).exists()


def test_history_is_visible_per_object(client, editor, commitment):
    client.force_login(editor)
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    client.post(url, _change_form(commitment, owner="Parole Board"))
    history = client.get(reverse("admin:commitments_commitment_history", args=[commitment.pk]))
    assert history.status_code == 200
    assert commitment.history.count() == 2
    assert commitment.history.first().history_user == editor


def test_evidence_bulk_confirm_action_records_the_reviewer(client, editor):
    evidence = EvidenceFactory()
    client.force_login(editor)
    client.post(
        reverse("admin:commitments_evidence_changelist"),
        {"action": "confirm_selected", "_selected_action": [evidence.pk]},
    )
    evidence.refresh_from_db()
    assert evidence.state == "confirmed"
    assert evidence.reviewed_by == editor


@pytest.mark.parametrize(
    "model",
    [
        "actionplan",
        "theme",
        "commitment",
        "statuschange",
        "writtenquestion",
        "questionevent",
        "evidence",
        "evidencesuggestion",
        "figuretable",
        "figurerow",
        "figurecolumn",
        "figurecell",
        "recheckrun",
        "watchedterm",
        "watchedbody",
        "correction",
    ],
)
def test_every_model_has_a_working_admin_list_and_search(client, superuser, model):
    ActionPlanFactory()
    EvidenceFactory()
    QuestionEventFactory()
    FigureCellFactory()
    CorrectionFactory()
    client.force_login(superuser)
    url = reverse(f"admin:commitments_{model}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "IPP"}).status_code == 200


def test_editor_permissions_exist_in_the_database(db):
    for app_label, codename in EDITOR_PERMISSIONS:
        assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists()


def test_back_dated_status_in_the_form_is_refused_with_the_reason(client, editor, commitment):
    record_status_change(commitment, to="in_progress", reason="Started", effective_on=date(2024, 6, 1))
    client.force_login(editor)
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    response = client.post(
        url,
        _change_form(
            commitment, new_status="delivered", status_reason="Done", status_effective_on="01/01/2024"
        ),
    )
    assert response.status_code == 200
    assert "cannot take effect on 01/01/2024, before the latest one (01/06/2024)" in response.content.decode()
    assert StatusChange.objects.count() == 1


def test_staff_without_add_statuschange_cannot_record_a_status(client, commitment):
    from .factories import UserFactory

    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.set(
        Permission.objects.filter(codename__in=["view_commitment", "change_commitment"])
    )
    client.force_login(clerk)
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    assert "status_reason" not in client.get(url).content.decode()
    response = client.post(
        url,
        _change_form(
            commitment, new_status="delivered", status_reason="Done", status_effective_on="01/01/2024"
        ),
    )
    assert response.status_code == 302
    assert not StatusChange.objects.exists()
    commitment.refresh_from_db()
    assert commitment.status == "planned"


def test_history_cannot_be_reverted_around_the_services(client, superuser, commitment):
    record_status_change(commitment, to="delivered", reason="Done", effective_on=date(2024, 6, 1))
    old_version = commitment.history.earliest()
    client.force_login(superuser)
    url = reverse("admin:commitments_commitment_simple_history", args=[commitment.pk, old_version.history_id])
    response = client.post(url, _change_form(commitment))
    assert response.status_code in (403, 404) or b"Revert" not in response.content
    commitment.refresh_from_db()
    assert commitment.status == "delivered"


def test_evidence_state_is_not_editable_on_the_evidence_page(client, editor):
    evidence = EvidenceFactory()
    client.force_login(editor)
    url = reverse("admin:commitments_evidence_change", args=[evidence.pk])
    client.post(
        url,
        {
            "commitment": evidence.commitment_id,
            "question": evidence.question_id,
            "excerpt": evidence.excerpt,
            "state": "confirmed",
            "reasons": "[]",
        },
    )
    evidence.refresh_from_db()
    assert evidence.state == "suggested"


def test_recheck_now_queues_a_recheck_of_parliament(
    client, editor, parliament, settings, django_capture_on_commit_callbacks
):
    settings.PARLIAMENT_API_URL = parliament.url
    client.force_login(editor)
    changelist = reverse("admin:commitments_recheckrun_changelist")
    assert "Re-check Parliament now" in client.get(changelist).content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("admin:commitments_recheckrun_recheck_now"))
    assert response.status_code == 302
    assert callbacks[0].__name__ == "delay"  # the re-check itself, queued on commit
    from commitments.models import RecheckRun, WrittenQuestion

    assert RecheckRun.objects.get().outcome == "succeeded"
    assert WrittenQuestion.objects.exists()
    page = client.get(changelist).content.decode()
    assert "Succeeded" in page


def test_recheck_now_refuses_a_get(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:commitments_recheckrun_recheck_now")).status_code == 403


def test_question_page_shows_its_event_timeline(client, editor):
    event = QuestionEventFactory()
    client.force_login(editor)
    page = client.get(reverse("admin:commitments_writtenquestion_change", args=[event.question_id]))
    assert page.status_code == 200
    assert "Answered" in page.content.decode()


def test_keywords_targets_and_sources_are_edited_as_one_box_per_item_and_stored_as_lists(
    client, editor, commitment
):
    commitment.keywords = ["ipp delivery plans", "hmpps"]
    commitment.save()
    client.force_login(editor)
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    page = client.get(url).content.decode()
    assert 'name="keywords" id="id_keywords_0" value="ipp delivery plans" aria-label="Keyword 1"' in page
    assert 'id="id_keywords_4"' in page and 'id="id_keywords_5"' not in page  # two items, three blanks
    assert '["ipp delivery plans"' not in page  # no JSON for an editor to type
    response = client.post(
        url,
        _change_form(
            commitment,
            keywords=["  ipp delivery plans ", "", "operational area", ""],
            targets=["Every area to have a delivery plan by March 2025", ""],
            source_urls=["https://www.gov.uk/ipp-action-plan", "parallelparliament.co.uk/question/15167", ""],
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    commitment.refresh_from_db()
    assert commitment.keywords == ["ipp delivery plans", "operational area"]
    assert commitment.targets == ["Every area to have a delivery plan by March 2025"]
    assert commitment.source_urls == [
        "https://www.gov.uk/ipp-action-plan",
        "https://parallelparliament.co.uk/question/15167",
    ]


def test_emptying_every_box_stores_an_empty_list(client, editor, commitment):
    commitment.targets = ["A target"]
    commitment.save()
    client.force_login(editor)
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    response = client.post(url, _change_form(commitment, targets=["", "  "]))
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.targets == []


def test_a_bad_item_is_named_in_the_error_and_everything_typed_is_kept(client, editor, commitment):
    client.force_login(editor)
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    response = client.post(
        url,
        _change_form(
            commitment,
            keywords=["hmpps", "HMPPS", "<b>plans</b>"],
            source_urls=["https://www.gov.uk/ok", "not a web address"],
            owner="Changed owner",
        ),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["keywords"] == ["Keyword 2 (“HMPPS”) is already in the list."]
    assert errors["source_urls"] == ["Source 2 (“not a web address”): is not a web address (https://…)."]
    page = response.content.decode()
    assert 'value="not a web address"' in page and 'value="&lt;b&gt;plans&lt;/b&gt;"' in page
    assert "<b>plans</b>" not in page
    commitment.refresh_from_db()
    assert commitment.keywords == [] and commitment.owner == "HMPPS"


def test_an_over_long_keyword_is_refused_with_its_length(client, editor, commitment):
    client.force_login(editor)
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    response = client.post(url, _change_form(commitment, keywords=["x" * 101]))
    assert response.context["adminform"].form.errors["keywords"] == [
        f"Keyword 1 (“{'x' * 39}…”) is 101 characters; at most 100."
    ]


def test_action_plans_are_chosen_with_tick_boxes(client, editor, commitment):
    plan = ActionPlanFactory()
    client.force_login(editor)
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    assert f'type="checkbox" name="action_plans" value="{plan.pk}"' in client.get(url).content.decode()
    response = client.post(url, _change_form(commitment, action_plans=[plan.pk]))
    assert response.status_code == 302
    assert list(commitment.action_plans.all()) == [plan]


def test_evidence_list_filters_and_drills_down_by_the_day_the_answer_was_given(client, editor):
    EvidenceFactory(question=WrittenQuestionFactory(date_answered=date(2024, 11, 26)))
    EvidenceFactory(question=WrittenQuestionFactory(date_answered=date(2025, 3, 4)))
    client.force_login(editor)
    url = reverse("admin:commitments_evidence_changelist")
    page = client.get(url).content.decode()
    assert "?question__date_answered__year=2024" in page and "?question__date_answered__year=2025" in page
    drilled = client.get(
        url, {"question__date_answered__year": "2025", "question__date_answered__month": "3"}
    )
    assert [row.question.date_answered for row in drilled.context["cl"].result_list] == [date(2025, 3, 4)]
    filtered = client.get(
        url, {"question__date_answered__gte": "2024-11-01", "question__date_answered__lt": "2024-12-01"}
    )
    assert [row.question.date_answered for row in filtered.context["cl"].result_list] == [date(2024, 11, 26)]
    assert "4 Mar 2025" in client.get(url).content.decode()  # the answered column


def test_commitment_list_shows_the_day_of_the_last_edit_and_whether_it_is_public(client, editor):
    CommitmentFactory(title="Shown", is_published=True)
    client.force_login(editor)
    page = client.get(reverse("admin:commitments_commitment_changelist")).content.decode()
    assert 'class="field-published"><img src="/static/admin/img/icon-yes.svg" alt="True">' in page
    assert "a.m." not in page and "p.m." not in page  # a day, not a time of day


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_commitment_page_and_lists_cost_the_same_queries_however_many_rows(client, editor, commitment):
    """Except one per evidence row on the commitment page: Django's autocomplete box for its
    answer looks up the answer it shows."""
    client.force_login(editor)
    change = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    lists = [
        reverse("admin:commitments_commitment_changelist"),
        reverse("admin:commitments_evidence_changelist"),
    ]
    EvidenceFactory(commitment=commitment, state="confirmed", reviewed_by=editor, reviewed_at=timezone.now())
    record_status_change(
        commitment, to="in_progress", reason="Begun.", effective_on=date(2024, 11, 15), by=editor
    )
    for url in [change, *lists]:  # once first: per-process caches (content types) fill on a first visit
        _queries(client, url)
    before = [_queries(client, url) for url in [change, *lists]]
    for day in (16, 17):
        EvidenceFactory(
            commitment=commitment, state="confirmed", reviewed_by=EditorFactory(), reviewed_at=timezone.now()
        )
        record_status_change(
            commitment,
            to="delayed",
            reason="Paused.",
            effective_on=date(2024, 11, day),
            by=EditorFactory(),
            source_url="https://www.gov.uk/x",
        )
        CommitmentFactory()
    change_page, *list_pages = before
    assert [_queries(client, url) for url in [change, *lists]] == [change_page + 2, *list_pages]


def test_recording_a_status_on_a_much_older_answer_warns_the_editor_and_still_records_it(
    client, editor, commitment
):
    from commitments.models import WrittenQuestion

    from .factories import WrittenQuestionFactory

    old = WrittenQuestionFactory(date_tabled=date(2022, 3, 21), date_answered=date(2022, 4, 27))
    client.force_login(editor)
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    response = client.post(
        url,
        _change_form(
            commitment,
            new_status="delivered",
            status_reason="Rolled out everywhere.",
            status_effective_on="07/12/2026",
            status_question=str(old.pk),
        ),
        follow=True,
    )
    messages = [str(message) for message in response.context["messages"]]
    assert any(
        "rests on an answer given 27 April 2022, more than twelve months earlier" in m for m in messages
    )
    assert commitment.status_changes.get().question == WrittenQuestion.objects.get(pk=old.pk)
    page = client.get(url).content.decode()
    assert "more than twelve months earlier" in page
