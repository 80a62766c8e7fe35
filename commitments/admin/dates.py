"""Dates as editors type them: the one form field for every date typed on an editor's form.

"7 December 2026", "7 Dec 2026", "7th December 2026", "7/12/2026" (day first, as in the UK) and
"2026-12-07" all mean the same day; the accepted shapes are said under the box, and a date that
fits none is refused with the same words, never a bare "Enter a valid date"."""

from __future__ import annotations

import re
from datetime import date, datetime

from django import forms
from django.contrib.admin import widgets
from django.db import models

FORMAT_HINT = "Type it as 7 December 2026, 7/12/2026 or 2026-12-07."
FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%b %d %Y",
)
_ORDINAL = re.compile(r"\b(\d{1,2})(st|nd|rd|th)\b", re.IGNORECASE)


def parse_typed_date(text: str) -> date | None:
    """The day a person meant, or None. Ordinals, commas and extra spaces are ignored; month names
    may be full or short, in any case ("Sept" too)."""
    cleaned = _ORDINAL.sub(r"\1", " ".join(text.replace(",", " ").split()))
    cleaned = re.sub(r"\bsept\b", "Sep", cleaned, flags=re.IGNORECASE)
    for pattern in FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    return None


class TypedDateField(forms.DateField):
    """A DateField that takes a date as people type it, and says how under the box."""

    widget = widgets.AdminDateWidget
    default_error_messages = {"invalid": f"That is not a date this form understands. {FORMAT_HINT}"}

    def __init__(self, *, help_text: str = "", **kwargs):
        kwargs.setdefault("widget", widgets.AdminDateWidget(attrs={"size": 18}))
        super().__init__(help_text=f"{help_text} {FORMAT_HINT}".strip(), **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        found = parse_typed_date(str(value))
        if found is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return found


# For ModelAdmin.formfield_overrides: every model DateField on an editor's form becomes one.
TYPED_DATES = {models.DateField: {"form_class": TypedDateField}}
