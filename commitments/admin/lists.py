"""Lists of short texts (a commitment's keywords, targets and sources) edited as one input per item.

They are stored as JSON lists of strings, read by the matcher, the public pages, the API and the
exports; editors should never have to type JSON to change one. Plain inputs sharing one name, with a
few blank ones to add to: no JavaScript, so it works in any browser and under the site's CSP.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

BLANK_ROWS = 3


class ListOfTextWidget(forms.Widget):
    """One labelled input per item, then BLANK_ROWS empty ones; all share the field's name."""

    template_name = "admin/commitments/widgets/list_of_text.html"

    def __init__(self, *, item_label: str, input_type: str = "text", attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.item_label = item_label
        self.input_type = input_type

    def format_value(self, value) -> list[str]:
        if value in (None, ""):
            return []
        if isinstance(value, str):  # a JSON field's initial value arrives as text
            value = forms.JSONField().to_python(value) or []
        return [str(item) for item in value] if isinstance(value, list) else [str(value)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        items = self.format_value(value)
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"]["rows"] = [
            {"id": f"{base_id}_{index}", "value": item, "label": f"{self.item_label} {index + 1}"}
            for index, item in enumerate([*items, *[""] * BLANK_ROWS])
        ]
        context["widget"]["input_type"] = self.input_type
        return context

    def value_from_datadict(self, data, files, name) -> list[str]:
        return data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_


class ListOfTextField(forms.Field):
    """A list of non-empty, distinct strings. Blank inputs are dropped; each item is stripped and
    checked by `check_item`, and an error names the item, so nothing typed is lost or hidden."""

    def __init__(
        self,
        *,
        item_label: str,
        max_length: int,
        check_item: Callable[[str], str] | None = None,
        input_type: str = "text",
        **kwargs,
    ) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", ListOfTextWidget(item_label=item_label, input_type=input_type))
        super().__init__(**kwargs)
        self.item_label = item_label
        self.max_length = max_length
        self.check_item = check_item

    def prepare_value(self, value):
        return value

    def to_python(self, value) -> list[str]:
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = [value]
        return [str(item).strip() for item in value if str(item).strip()]

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        errors, seen = [], set()
        for index, item in enumerate(value, start=1):
            name = f"{self.item_label} {index} (“{_shorten(item)}”)"
            if len(item) > self.max_length:
                errors.append(f"{name} is {len(item)} characters; at most {self.max_length}.")
            elif item.casefold() in seen:
                errors.append(f"{name} is already in the list.")
            elif self.check_item:
                try:
                    self.check_item(item)
                except ValidationError as error:
                    errors.append(f"{name}: {' '.join(error.messages)}")
            seen.add(item.casefold())
        if errors:
            raise ValidationError(errors)

    def clean(self, value) -> list[str]:
        value = super().clean(value)
        if self.check_item:
            value = [self.check_item(item) for item in value]
        return value

    def has_changed(self, initial, data) -> bool:
        return self.to_python(self.widget.format_value(initial)) != self.to_python(data)


def web_address(item: str) -> str:
    """An http(s) address; one typed without a scheme is taken as https, as the admin's URL fields do."""
    address = item if "://" in item else f"https://{item}"
    URLValidator(schemes=["http", "https"], message="is not a web address (https://…).")(address)
    return address


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
