from functools import partial

from django import forms

from ..editorial import check_status_change
from ..exceptions import StatusChangeError
from ..models import Commitment, Status, WrittenQuestion
from .lists import ListOfTextField, web_address


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
    status_effective_on = forms.DateField(
        required=False, label="Effective on", help_text="The date the change took effect."
    )
    status_question = forms.ModelChoiceField(
        queryset=WrittenQuestion.objects.all(),
        required=False,
        label="Evidenced by the answer to",
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
