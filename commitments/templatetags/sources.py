"""`{% source_link url %}`: a link to a source, named and marked by the one rule in sources.py,
`{{ line|marked }}`: a quoted line with the part an excerpt picked in `<mark>`, and
`{% answered question %}`: when an answer was given, in the one wording (evidence_source.answer_date).

Written in Python rather than as included templates: the commitment page draws one of each per
source and per quoted line, and an include costs a template render each time."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from ..models.evidence_source import answer_date
from ..public.site_wide import source_copies
from ..sources import SourceLink, name_source, resolve_source
from ..text.quotes import QuoteLine

register = template.Library()


@register.simple_tag
def source_link(url: str, title: str = "") -> SafeString:
    """A source as the one rule resolves it (sources.resolve_source): its official page first, a
    copy elsewhere as "also at"; a secondary source with the reason it is cited. `title` names the
    address given when the caller knows it."""
    resolved = resolve_source(url, source_copies())
    primary = resolved.primary
    if title and primary.url == url.strip():
        primary = name_source(url, title=title)
    html = _link(primary)
    if resolved.also_at is not None:
        html += format_html(
            ' <span class="also-at">(also at <a href="{}">{}</a>)</span>',
            resolved.also_at.url,
            resolved.also_at.publisher or resolved.also_at.title,
        )
    if resolved.secondary_reason:
        html += format_html(
            '<span class="secondary-note"><strong>Secondary source:</strong> {}</span>',
            resolved.secondary_reason,
        )
    return mark_safe(html)


@register.simple_tag
def answered(question, verb: bool = True, markup: bool = True) -> SafeString:
    """ "answered <time>3 December 2026</time>"; `verb=False` under a heading that says it, and
    `markup=False` in plain-text email."""
    return mark_safe(answer_date(question, verb=verb, markup=markup))  # only dates and fixed words


@register.simple_tag
def copy_link(url: str) -> SafeString:
    """A copy named for where it is, not resolved: where words were read, beside their source."""
    return _link(name_source(url))


def _link(link: SourceLink) -> SafeString:
    """The source's name, linked when it is a web address; a bare address may break anywhere
    (class "url"); its publisher when the name does not say it; "Official" when it is."""
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
