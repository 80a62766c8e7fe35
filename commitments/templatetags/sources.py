"""`{% source_link url %}`: a link to a source, named and marked by the one rule in sources.py, and
`{{ line|marked }}`: a quoted line with the part an excerpt picked in `<mark>`.

Written in Python rather than as included templates: the commitment page draws one of each per
source and per quoted line, and an include costs a template render each time."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from ..analysis.quotes import QuoteLine
from ..sources import name_source

register = template.Library()


@register.simple_tag
def source_link(url: str, title: str = "") -> SafeString:
    """The source's name, linked when it is a web address; a bare address may break anywhere
    (class "url"); its publisher when the name does not say it; "Official" when it is."""
    link = name_source(url, title=title)
    bare = link.title == link.url
    if link.is_link:
        html = format_html(
            '<a href="{}"{}>{}</a>', link.url, mark_safe(' class="url"') if bare else "", link.title
        )
    elif bare:
        html = format_html('<span class="url">{}</span>', link.title)
    else:
        html = conditional_escape(link.title)
    if link.shows_publisher:
        html += format_html(' <span class="publisher">({})</span>', link.publisher)
    if link.is_official:
        html += mark_safe(' <strong class="official">Official</strong>')
    return mark_safe(html)


@register.filter
def marked(line: QuoteLine) -> SafeString:
    return mark_safe(
        "".join(
            format_html("<mark>{}</mark>", text) if picked else conditional_escape(text)
            for text, picked in line.segments
        )
    )
