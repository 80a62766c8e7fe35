from functools import partial

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect

from ..editorial import check_status_change
from ..exceptions import StatusChangeError
from ..models import Commitment, Status, StatusChange, WrittenQuestion
from .dates import TypedDateField
from .lists import ListOfTextField, web_address


def answer_label(question: WrittenQuestion) -> str:
    """An answer as the evidence picker names it: house, UIN, the day it was answered, its subject."""
    answered = f"answered {question.date_answered:%-d %B %Y}" if question.date_answered else "not answered"
    subject = question.heading or (question.question_text[:80] + "…" if question.question_text else "")
    parts = [f"{question.house} {question.uin}", answered, subject]
    return " · ".join(part for part in parts if part)


class LabelledAutocompleteSelect(AutocompleteSelect):
    """The admin's searchable picker, its drawn box named by the field's label (axe: a combobox
    needs a name)."""

    @property
    def media(self):
        return super().media + forms.Media(js=["commitments/autocomplete_labels.js"])


class AnswerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return answer_label(obj)


class CommitmentAdminForm(forms.ModelForm):
    """The commitment form, plus an optional new status change recorded through the service.

    Keywords, targets and sources are JSON lists of strings in the database; here each is a list of
    boxes, one item per box, so an editor never types JSON and the stored shape never changes."""

    keywords = ListOfTextField(
        item_label="Keyword",
        max_length=100,
        help_text="Phrases the matcher looks for in answers, one per box. Empty boxes are ignored; "
        "save and continue editing for more boxes.",
    )
    targets = ListOfTextField(
        item_label="Target",
        max_length=500,
        help_text="Published targets, one per box, as the commitment's public page lists them.",
    )
    source_urls = ListOfTextField(
        item_label="Source",
        max_length=500,
        check_item=web_address,
        input_type="url",
        label="Sources",
        help_text="Web addresses of the documents this commitment comes from, one per box.",
    )

    new_status = forms.ChoiceField(
        choices=[("", "— keep the current status —"), *Status.choices],
        required=False,
        label="New status",
    )
    status_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Reason for the change",
        help_text="Required with a new status: what happened, in a sentence the public will read.",
    )
    status_effective_on = TypedDateField(
        required=False, label="Effective on", help_text="The date the change took effect."
    )
    # Searchable by UIN, subject, house and the day it was answered (WrittenQuestionAdmin's search);
    # the label names all four.
    status_question = AnswerChoiceField(
        queryset=WrittenQuestion.objects.all(),
        required=False,
        label="Evidenced by the answer to",
        widget=LabelledAutocompleteSelect(
            StatusChange._meta.get_field("question"),
            admin.site,
            attrs={
                "style": "width: 40em; max-width: 100%",
                "aria-describedby": "id_status_question_helptext",
            },
        ),
        help_text="Type a UIN, a word of its subject, Commons or Lords, or the day it was answered.",
    )
    status_source_url = forms.URLField(required=False, label="Or a source URL", assume_scheme="https")

    class Meta:
        model = Commitment
        fields = [
            "title",
            "slug",
            "theme",
            "owner",
            "action_plans",
            "summary",
            "summary_quoted_from",
            "is_published",
            "keywords",
            "targets",
            "source_urls",
        ]
        # Seven plans at most: boxes to tick fit any screen and need no script.
        widgets = {"action_plans": forms.CheckboxSelectMultiple}
        # A typed address without a scheme is taken as https (Django 6's default, asked for now).
        field_classes = {"summary_quoted_from": partial(forms.URLField, assume_scheme="https")}

    prefill: dict[str, str] = {}  # a status change filled in from the address (CommitmentAdmin)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.prefill:
            self.initial.update(self.prefill)
            self.fields["new_status"].widget.attrs["autofocus"] = True  # what the editor came to check

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_status"):
            if not (cleaned.get("status_reason") or "").strip():
                self.add_error("status_reason", "Give the reason for the new status.")
            if not cleaned.get("status_effective_on"):
                self.add_error("status_effective_on", "Give the date the new status took effect.")
            if not self.errors:
                try:
                    check_status_change(
                        self.instance,
                        to=cleaned["new_status"],
                        reason=cleaned["status_reason"],
                        effective_on=cleaned["status_effective_on"],
                        source_url=cleaned.get("status_source_url") or "",
                    )
                except StatusChangeError as error:
                    raise forms.ValidationError(str(error)) from None
        elif cleaned.get("status_reason"):
            self.add_error("new_status", "Choose the new status this reason is for.")
        return cleaned
