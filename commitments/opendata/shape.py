"""The public shape of the commitments, status changes, evidence, written questions and their events,
indicator series, their points and deadlines, described once: each table's columns in order, what
each means, and whether the files (the CSV downloads and the zip), the API or both carry it. The CSV
headers, the API serializers' field lists and help texts, and these tables' sections of the zip's
data dictionary are all read from here, so they cannot drift apart. (Recommendations share one field
list in recommendations.py; theirs and the figure cells' dictionary sections are in DATA-DICTIONARY.md.)"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from django.utils.text import capfirst


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str = ""
    api: str | bool = True  # the API's name for it when that differs; False: the files only
    files: bool = True  # False: the API only


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    preface: str = ""  # what the whole file holds, before its columns in the dictionary

    @property
    def header(self) -> list[str]:
        """The columns of its CSV, in order."""
        return [column.name for column in self.columns if column.files]

    @property
    def api_fields(self) -> list[str]:
        """The fields of its API serializer, in order."""
        return [column.name if column.api is True else column.api for column in self.columns if column.api]

    def span(self, first: str, last: str) -> list[str]:
        """The columns from `first` to `last`: a run of stored fields its rows read as they are."""
        names = [column.name for column in self.columns]
        return names[names.index(first) : names.index(last) + 1]

    def help_text(self, name: str) -> str:
        """What a column means, as the API's OpenAPI document says it."""
        return capfirst(next(column.meaning for column in self.columns if column.name == name)) + "."

    def dictionary(self) -> str:
        """Its section of the data dictionary: every column of the file, with what it means."""
        entries = " · ".join(
            f"{column.name}: {column.meaning}" if column.meaning else column.name
            for column in self.columns
            if column.files
        )
        text = f"{self.preface} {entries}" if self.preface else entries
        wrapped = textwrap.fill(text, width=104, break_long_words=False, break_on_hyphens=False)
        return f"## {self.name}.csv\n{wrapped}"


REST_BASIS = "official, secondary, secondary_unexplained or nothing"

COMMITMENTS = Table(
    "commitments",
    (
        Column("slug", "stable identifier"),
        Column("title"),
        Column("theme", "theme name"),
        Column("status", "planned, in_progress, delivered, delayed or discontinued"),
        Column("owner", "who delivers it"),
        Column("action_plans", 'plan-version slugs, separated by "; "'),
        Column("summary"),
        Column("url", "the public page", api=False),
        Column(
            "latest_evidence_on",
            "the newest answer date of its confirmed evidence, or the date the newest answer is known to "
            "have come after when its exact date is not published (see latest_evidence_is_lower_bound); "
            "empty (null in the API) when there is none",
        ),
        Column(
            "latest_evidence_is_lower_bound",
            "True when no answer was given on latest_evidence_on itself, which is then only the date the "
            "newest answer is known to have come after (its exact date is not published), as for Commons "
            "15167; False when there is no evidence",
        ),
        Column(
            "no_recent_evidence",
            "an open commitment (planned, in progress, delayed) with no confirmed evidence answered in the "
            "last twelve months (365 days), or none at all; never a delivered or discontinued one",
            files=False,
        ),
        Column(
            "status_since",
            "the effective date of the latest status change, the change the status comes from",
            api=False,
        ),
        Column("status_reason", "that change's reason", api=False),
        Column(
            "status_rests_on",
            "what that change rests on, resolved official first, as in status_changes.csv",
            api=False,
        ),
        Column("status_rests_on_basis", f"{REST_BASIS}, as in status_changes.csv", api=False),
    ),
)

STATUS_CHANGES = Table(
    "status_changes",
    (
        Column("commitment", "slug", api=False),
        Column("from_status", "empty for the first change"),
        Column("to_status"),
        Column("effective_on"),
        Column("reason"),
        Column("question_id", "the written question it rests on, if any", api="question"),
        Column("source_url", "the address recorded with the change"),
        Column(
            "rests_on",
            "what the change rests on, resolved official first (Parliament's page for the question, or "
            "the official page a copy at source_url copies; else source_url itself)",
        ),
        Column(
            "rests_on_basis",
            "official, secondary (a secondary source whose reason for being cited is shown on the "
            "commitment's page), secondary_unexplained (no reason recorded) or nothing",
            api=False,
        ),
        Column("recorded_at"),
    ),
)

EVIDENCE = Table(
    "evidence",
    (
        Column("commitment", "slug", api=False),
        Column(
            "question_id",
            "the written question, when the source is a written answer (empty otherwise)",
            api="question",
        ),
        Column(
            "source_kind",
            "written_answer, written_statement, debate (a Hansard contribution) or publication (a "
            "GOV.UK publication)",
        ),
        Column(
            "source",
            "what the source is, where, when and whose (“Said in the House of Lords, 24 March 2025, by "
            "Lord Timpson, Minister of State, Ministry of Justice”)",
        ),
        Column("source_url", "its official page, else the copy our text was read from"),
        Column(
            "source_is_complete",
            "False when our copy of the source's text is cut short (the official page has the rest)",
        ),
        Column(
            "quote_read_at",
            "for a GOV.UK publication, where the quoted words can be checked: the attachment its "
            "passage was pasted from, or the page itself for its summary; empty for the other kinds, "
            "whose own page holds the words",
        ),
        Column("excerpt", "the exact passage quoted"),
        Column("confirmed_at"),
    ),
    preface="Confirmed links only, each resting on exactly one source.",
)

QUESTIONS = Table(
    "questions",
    (
        Column("id", "the tracker's id (questions/<id>/)"),
        Column("parliament_id", files=False),
        Column("house", "Commons or Lords"),
        Column("uin", "Parliament's UIN"),
        Column("date_tabled"),
        Column("date_answered", "empty while unanswered or not known"),
        Column("heading"),
        Column("answering_body"),
        Column("asking_member"),
        Column("answering_member"),
        Column("is_withdrawn", files=False),
        Column("answer_is_holding", files=False),
        Column("answer_is_correction", files=False),
        Column("official_url", "Parliament's page (empty while the tabled date is unknown)"),
        Column("source_url", files=False),
    ),
)

QUESTION_EVENTS = Table(
    "question_events",
    (
        Column("question_id", api=False),
        Column("kind", "tabled, holding_answer, answered, corrected, withdrawn or text_changed"),
        Column("occurred_on", "Parliament's date, if any"),
        Column("detail", files=False),
        Column("observed_at", "when the tracker saw it"),
    ),
)

NOT_CONFIRMED = "what could not be confirmed"

INDICATORS = Table(
    "indicators",
    (
        Column("slug", "stable identifier"),
        Column("name", "a short name in the tracker's words"),
        Column("counts", "what the figures count"),
        Column("unit", "people, months, recalls …"),
        Column(
            "official_table",
            "the official table a source names for the figures (empty when none read names one)",
        ),
        Column("is_headline", "True for the series the home page opens with"),
        Column("note", NOT_CONFIRMED),
        Column("commitments", 'slugs of the published commitments that aim to move it, separated by "; "'),
        Column("points", "every figure, revised ones too, in time order", files=False),
        Column("url", "its place on the numbers page", api=False),
    ),
    preface="Named series of official figures on people serving IPP sentences.",
)

INDICATOR_POINTS = Table(
    "indicator_points",
    (
        Column("indicator", "slug", api=False),
        Column("id", "the tracker's id"),
        Column("period_start", 'empty for a figure "as at" one day'),
        Column("period_end", "that day, or the last day of the period counted"),
        Column("value", "the figure"),
        Column(
            "is_derived",
            "True when the tracker's researchers worked it out from published figures (the note says "
            "how); not published as one figure",
        ),
        Column("source_title", "the source as the research named it"),
        Column(
            "source_url",
            "where it was read; usually a web address, sometimes a description of a data file (such as "
            '"github:…"), which is not a link',
        ),
        Column("note", "quotes, caveats and what was assumed"),
        Column("revises", "the id of the figure this one revises, if any"),
        Column(
            "question", "the tracker's id of the written answer it was published in, when it came from one"
        ),
        Column("figure_cell", "the figure-table cell it was promoted from, if any"),
        Column("is_current", "False for a figure a later one revised"),
        Column(
            "official_source_url",
            "the source as the tracker's source rule resolves it, the official page first where one is "
            "known (else source_url)",
        ),
        Column("recorded_at", "when the tracker recorded it", api=False),
    ),
    preface="Every figure of every series, revised ones too. A revised figure is a new row whose revises "
    "column names the row it replaces, and the older row stays, with is_current False.",
)

DEADLINES = Table(
    "deadlines",
    (
        Column("commitment", "slug, or empty when the promise was about an action plan version"),
        Column("action_plan", "that version's slug"),
        Column("duty", "the statutory duty's slug for an occurrence of one"),
        Column("id"),
        Column("promise", "the promise in the source's own words"),
        Column("promise_is_verbatim", "False for a summary (shown without quotation marks)"),
        Column("due_on", "the date promised; empty when no date was promised"),
        Column(
            "date_claimed_by",
            "government, statute or third_party (a third party's account of a date, not the government's "
            "words)",
        ),
        Column("said_on", "when it was said (empty when not recorded)"),
        Column("said_by", "who said it, and where"),
        Column("source_url", "where the words were read"),
        Column("delivered_on", "when it was delivered (empty while not)"),
        Column("delivered_how"),
        Column("delivered_source_url"),
        Column("occurrence", "which occurrence of a duty"),
        Column("note", NOT_CONFIRMED),
        Column(
            "state",
            "met_on_time, met_late, overdue, not_yet_due or no_date, by the one rule, on the day it was "
            "worked out (standing_on; today in the API)",
        ),
        Column("days", "days late, overdue or left (0 otherwise)"),
        Column("standing", "the same in words", api=False),
        Column(
            "standing_on",
            "the day the standing was worked out (the zip is built when the data changes, so its standing "
            "may be older than today's; /exports/deadlines.csv and the API are worked out on request)",
            api=False,
        ),
    ),
    preface="Dates promised for commitments, or for a version of the action plan itself, and occurrences "
    "of duties the law sets.",
)

# In the data dictionary's order.
DESCRIBED = (COMMITMENTS, STATUS_CHANGES, EVIDENCE, QUESTIONS, QUESTION_EVENTS)
DESCRIBED_NUMBERS = (INDICATORS, INDICATOR_POINTS, DEADLINES)
