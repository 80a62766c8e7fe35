"""`{% source_link url %}`: a link to a source, named and marked by the one rule in sources.py."""

from __future__ import annotations

from django import template

from ..sources import name_source

register = template.Library()


@register.inclusion_tag("commitments/_source_link.html")
def source_link(url: str, title: str = "") -> dict:
    return {"link": name_source(url, title=title)}
