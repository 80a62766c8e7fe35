"""Dates typed as people type them, on every editor's form with a date, and the evidence picker
that finds an answer by UIN, a word of its subject, its house or the day it was answered."""

from datetime import date

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from commitments.admin.dates import TypedDateField, parse_typed_date
from commitments.admin.forms import CommitmentAdminForm
from commitments.admin.triage import BacklogForm

from .factories import WrittenQuestionFactory

TYPED = ["7 December 2026", "7 Dec 2026", "7th December 2026", "7/12/2026", "07/12/2026", "2026-12-07"]


def _editor_forms():
    """Every form an editor types a date into: each admin's form and each inline's, plus the
    commitment's status change and the triage screen's backlog form."""
    request = RequestFactory().get("/")
    request.user = type(
        "Superuser", (), {"is_superuser": True, "is_active": True, "has_perm": lambda *a: True}
    )()
    forms = {"status change (commitment page)": CommitmentAdminForm, "clear an old backlog": BacklogForm}
    for model, model_admin in admin.site._registry.items():
        if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
            continue  # a record to read (a status change, a question event): nothing is typed
        forms[f"{model._meta.verbose_name} admin"] = model_admin.get_form(request)
        for inline in model_admin.get_inline_instances(request):
            forms[f"{inline.model._meta.verbose_name} inline on {model._meta.verbose_name}"] = (
                inline.get_formset(request).form
            )
    return {
        name: form
        for name, form in forms.items()
        if any(field.__class__.__name__.endswith("DateField") for field in form.base_fields.values())
    }


@pytest.mark.parametrize("text", TYPED)
def test_a_date_is_read_as_people_type_it(text):
    assert parse_typed_date(text) == date(2026, 12, 7)


@pytest.mark.parametrize("text", ["", "last Tuesday", "31/02/2026", "2026-13-01", "7 Decembr 2026"])
def test_what_is_not_a_date_is_refused_with_the_shapes_it_takes(text):
    field = TypedDateField(required=True)
    with pytest.raises(Exception) as refused:
        field.clean(text)
    assert "7 December 2026, 7/12/2026 or 2026-12-07" in str(refused.value) or text == ""


def test_the_field_says_how_to_type_a_date_under_the_box():
    assert TypedDateField(help_text="When it happened.").help_text == (
        "When it happened. Type it as 7 December 2026, 7/12/2026 or 2026-12-07."
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "form"), sorted(_editor_forms().items()))
def test_every_editors_form_with_a_date_accepts_it_as_people_type_it(name, form):
    dates = {key: field for key, field in form.base_fields.items() if "DateField" in type(field).__name__}
    assert dates, name
    for key, field in dates.items():
        assert isinstance(field, TypedDateField), f"{name}: {key} is a {type(field).__name__}"
        assert [field.clean(text) for text in TYPED] == [date(2026, 12, 7)] * len(TYPED), f"{name}: {key}"


def test_the_editors_forms_with_dates_include_the_ones_editors_use_most():
    names = set(_editor_forms())
    assert {"status change (commitment page)", "clear an old backlog", "deadline admin"} <= names
    assert any(name.startswith("promise wording inline") for name in names)


def _picker(client, term: str) -> list[str]:
    url = reverse("admin:autocomplete")
    query = {"term": term, "app_label": "commitments", "model_name": "statuschange", "field_name": "question"}
    response = client.get(url, query)
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_the_evidence_picker_finds_an_answer_by_uin_subject_house_and_day_answered(client, editor):
    WrittenQuestionFactory(
        house="Lords", uin="HL7122", heading="Prisoners' Release: Probation", date_answered=date(2022, 4, 27)
    )
    WrittenQuestionFactory(house="Commons", uin="24924", heading="Psychiatric Patients")
    client.force_login(editor)
    label = "Lords HL7122 · answered 27 April 2022 · Prisoners' Release: Probation"

    assert _picker(client, "HL7122") == [label]
    assert _picker(client, "probation") == [label]
    assert _picker(client, "lords") == [label]
    assert _picker(client, "27 April 2022") == [label]
    assert _picker(client, "27/4/2022") == [label]
    assert len(_picker(client, "")) == 2
