"""Form widgets for the public filters."""

from __future__ import annotations

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class PlainSelect(forms.Select):
    """A `<select>` whose options are written straight from its choices. Django builds a dict per
    option and renders each through two template includes; with 300 commitments in the answers
    list's "Evidence for" filter that was most of the page's rendering time. The HTML is the same
    (no option groups: the public filters have none). Escaped with the standard library's
    `html.escape`, which Django's `escape` calls after checking for lazy text, 600 times a page."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(item) for item in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(str(choice))}"{" selected" if str(choice) in selected else ""}>'
            f"{escape(str(label))}</option>"
            for choice, label in self.choices
        )
        final_attrs = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs), mark_safe(options))
