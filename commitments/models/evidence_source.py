"""One description of any source evidence rests on, so a page, feed or export names, dates and links
a written answer, a written ministerial statement, a Hansard contribution and a GOV.UK publication
the same way:
"Said in the House of Lords, 24 March 2025, by Lord Timpson, Minister of State, Ministry of Justice".

A leaf over the source models' attributes (duck-typed, so it imports none of them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.html import format_html

from .choices import SourceKind

HOUSES = {"Commons": "House of Commons", "Lords": "House of Lords"}
# Hansard names a minister "The Minister of State, Ministry of Justice (Lord Timpson) (Lab)".
_ROLE = re.compile(r"^(?:The )?(?P<role>[^()]+?) \((?P<name>[^()]+)\)(?: \([^()]*\))?$")
INFERRED = "[inferred]"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def answer_date(question, *, verb: bool = True, short: bool = False, markup: bool = False) -> str:
    """When a written question was answered, worded once for every page, table, email and link
    preview: "answered 3 December 2026"; for a copy whose exact date is unknown, "answered after
    15 November 2024 (exact date not known)"; else "date answered not known" (true of an undated
    copy of an answer and of a question not answered yet alike). Without the verb (under a heading
    that says it): "3 December 2026", "after 15 November 2024 (…)", "not known". `short` gives the
    tables' "3 Dec 2026" and leaves the note to the answer's page; `markup` wraps the day in
    <time> (templates: `{% answered question %}`, templatetags/sources.py)."""
    day = question.date_answered or question.answered_after
    if day is None:
        return "date answered not known" if verb else "not known"
    shown = f"{day.day} {day:%b %Y}" if short else long_date(day)
    if markup:
        shown = format_html('<time datetime="{}">{}</time>', day.isoformat(), shown)
    words = "answered " if verb else ""
    if question.date_answered is None:
        words += "after "
    note = "" if question.date_answered or short else " (exact date not known)"
    return format_html("{}{}{}", words, shown, note) if markup else f"{words}{shown}{note}"


@dataclass(frozen=True)
class EvidenceSource:
    kind: str  # a SourceKind value
    title: str  # what the source is, in a few words: a timeline entry's heading beside its date
    heading: str  # what the source is, where, when and whose, in a sentence
    day: date | None
    day_is_lower_bound: bool
    text: str
    is_complete: bool
    official_url: str
    citation_url: str
    copy_url: str  # where our copy was read, when that is not the official page

    @property
    def kind_label(self) -> str:
        return SourceKind(self.kind).label


def speaker_role(attributed_to: str, member: str) -> str:
    """The role Hansard gives the speaker ("Minister of State, Ministry of Justice" from "The Minister
    of State, Ministry of Justice (Lord Timpson) (Lab)"), or "" when it names none. Only a role
    followed by the member's own name counts: "Sir Robert Neill (Bromley and Chislehurst)" has none."""
    match = _ROLE.match(attributed_to.replace(INFERRED, "").strip())
    if not match or not member or member not in match.group("name"):
        return ""
    return match.group("role").strip()


def speaker(contribution) -> str:
    """Who spoke, and in what role, as Hansard names them: "Lord Timpson, Minister of State, …"."""
    role = speaker_role(contribution.attributed_to, contribution.member)
    who = ", ".join(part for part in (contribution.member, role) if part)
    if who and INFERRED in contribution.attributed_to:
        who += " (speaker inferred by our research)"
    return who


def spoken_heading(source) -> str:
    """What a written statement or a Hansard contribution is, where, when and whose, in a sentence:
    "Said in the House of Lords, 24 March 2025, by Lord Timpson, Minister of State, Ministry of
    Justice". Reads only the names and the date, never the text (search shows it on a list)."""
    house = HOUSES.get(source.house, source.house)
    if hasattr(source, "date_made"):  # a written ministerial statement
        who = ", ".join(part for part in (source.member, source.member_role) if part)
        made = f"made in the {house}, {long_date(source.date_made)}"
        return f"Written ministerial statement {source.uin}, {made}" + (f", by {who}" if who else "")
    when = long_date(source.sitting_date) if source.sitting_date else "date not known"
    who = speaker(source)
    return f"Said in the {house}, {when}" + (f", by {who}" if who else "")


def published_on(publication) -> str:
    """When a GOV.UK publication was published, UK days: "Published on GOV.UK, 15 November 2024,
    updated 17 July 2025". Reads only the dates (search shows it on a list)."""
    first, updated = (
        timezone.localdate(moment) if moment else None
        for moment in (publication.first_published_at, publication.public_updated_at)
    )
    when = long_date(first) if first else "date not known"
    if updated and updated != first:
        when += f", updated {long_date(updated)}"
    return f"Published on GOV.UK, {when}"


def published_heading(publication) -> str:
    """What a GOV.UK publication is and when it was published, in a sentence: "Published on GOV.UK,
    15 November 2024, updated 17 July 2025: <title>"."""
    return f"{published_on(publication)}: {publication.title}"


def describe_publication(publication) -> EvidenceSource:
    """A GOV.UK publication, dated the day it was first published: what evidence quotes from it
    was said then, and a later update (a corrected figure, a new attachment) is announced by
    GOV.UK's change notes and brings it back to triage rather than re-dating old words."""
    first = publication.first_published_at
    return EvidenceSource(
        kind=SourceKind.PUBLICATION,
        title=f"GOV.UK: {publication.title}",
        heading=published_heading(publication),
        day=timezone.localdate(first) if first else None,
        day_is_lower_bound=False,
        text=publication.quotable_text,
        is_complete=True,
        official_url=publication.official_url,
        citation_url=publication.citation_url,
        copy_url="",  # where a quote's words were read is its attachment: Evidence.read_from
    )


def describe_source(source) -> EvidenceSource:
    """The description of a WrittenQuestion, WrittenStatement, HansardContribution or Publication."""
    if hasattr(source, "content_id"):  # a GOV.UK publication
        return describe_publication(source)
    house = HOUSES.get(source.house, source.house)
    if hasattr(source, "answer_text"):  # a written answer
        return EvidenceSource(
            kind=SourceKind.WRITTEN_ANSWER,
            title=f"{house} written answer {source.uin}",
            heading=f"{house} written answer {source.uin}",
            day=source.known_answer_date,
            day_is_lower_bound=source.answer_date_is_lower_bound,
            text=source.answer_text,
            is_complete=source.answer_is_complete,
            official_url=source.official_url,
            citation_url=source.citation_url,
            copy_url=source.source_url if source.source_url != source.official_url else "",
        )
    if hasattr(source, "date_made"):  # a written ministerial statement
        return EvidenceSource(
            kind=SourceKind.WRITTEN_STATEMENT,
            title=f"Written ministerial statement {source.uin}"
            + (f": {source.title}" if source.title else ""),
            heading=spoken_heading(source),
            day=source.date_made,
            day_is_lower_bound=False,
            text=source.text,
            is_complete=source.text_is_complete,
            official_url=source.official_url,
            citation_url=source.official_url,
            copy_url=source.source_url,
        )
    who = speaker(source)
    return EvidenceSource(
        kind=SourceKind.DEBATE,
        title=f"Said in the {house}"
        + (f" by {who}" if who else "")
        + (f": {source.debate}" if source.debate else ""),
        heading=spoken_heading(source),
        day=source.sitting_date,
        day_is_lower_bound=False,
        text=source.text,
        is_complete=source.text_is_complete,
        official_url=source.official_url,
        citation_url=source.citation_url,
        copy_url=source.source_url if source.source_url != source.official_url else "",
    )
