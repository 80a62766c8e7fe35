"""Load fixtures/recommendations.jsonl: outside recommendations, the government's response and what
became of each.

Idempotent by slug (the row's `id`): a recommendation already present is left as editors have it,
developments and linked commitments included. Words are copied verbatim and never completed: a copy
that stops is loaded as cut short, a verdict that is a reading of the response as inferred.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ..models import Commitment, Recommendation, RecommendationDevelopment
from ..sources import is_official
from .report import LoadReport

RECOMMENDATIONS_FILE = "recommendations.jsonl"

# The official address of a report the rows name but give no address for (from the related
# documents in ipp_commitments.json).
REPORT_URLS = {
    "IPP sentences, Third Report of Session 2022–23, HC 266": (
        "https://publications.parliament.uk/pa/cm5803/cmselect/cmjust/266/report.html"
    ),
}

# A short name for lists, in the tracker's plain words: the rows carry none of their own (a
# `title_by_source` is a third party's and is not used as ours). Editors may change them.
TITLES = {
    "jsc-2022-rec13-recall-oral-hearings": "Oral Parole Board hearings for recalled IPP prisoners",
    "jsc-2022-rec17-primary-legislation-resentencing": "Primary legislation for a resentencing exercise",
    "jsc-2022-rec18-resentence-all": "Resentence everyone serving an IPP sentence",
    "jsc-2022-rec21-resentencing-principles": "Principles for a resentencing exercise",
    "jsc-2022-expert-committee": "An expert committee to advise on resentencing",
    "jsc-2022-rec8-licence-qualifying-period": "Cut the licence qualifying period from ten years to five",
    "jsc-2022-action-plan-governance": "Refresh the IPP Action Plan with clear ownership and measures",
    "hmip-2023-all-11": "The inspectorate's 11 recommendations on IPP recalls",
    "hmip-2023-moj-cross-government-help": "Work across government so people on IPP sentences get help",
    "hmip-2023-fixed-term-recall-option": "Faster release after recall, such as fixed-term recall",
    "hlwg-2025-parole-board-test-release-date": "A Parole Board test that sets a release date",
    "hlwg-2025-six-recommendations": "The working group's six recommendations to end IPP detention",
}

# A recommendation carried out in another form: its developments that mention one of these words are
# linked to the commitment that did it. Recommendation 8 (ten years to five) was rejected in 2023,
# then enacted as a three-year qualifying period by the Victims and Prisoners Act 2024, s.66.
CARRIED_OUT_BY = {
    "jsc-2022-rec8-licence-qualifying-period": (
        "vpa-qualifying-period-three-years",
        ("Victims and Prisoners", "Section 66"),
    ),
}


def load_recommendations(path: Path, report: LoadReport) -> list[Recommendation]:
    """Create each recommendation not yet present, with its developments and the published
    commitments it bears on."""
    published = {c.slug: c for c in Commitment.objects.published()}
    loaded = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        recommendation, created = Recommendation.objects.get_or_create(
            slug=row["id"], defaults=recommendation_fields(row)
        )
        if created:
            report.created["recommendations"] += 1
            _load_developments(recommendation, row.get("later") or [], published, report)
            # The three rejected recommendations that were once shipped as commitments are not
            # (published) commitments: their slugs are left out.
            recommendation.commitments.set(
                [published[slug] for slug in row["related_commitments"] if slug in published]
            )
        loaded.append(recommendation)
    return loaded


def recommendation_fields(row: dict) -> dict:
    """The model's fields from one row. Where the row gives an official address and a third-party
    copy of the response, the official one is the response's address and the copy is where its
    words were read."""
    description = row.get("description") or {}
    response = row.get("response") or {}
    response_url, response_text_source_url = _response_addresses(response)
    return {
        "title": TITLES.get(row["id"], row["id"]),
        "made_by": row["made_by"],
        "report": row["report"],
        "report_url": REPORT_URLS.get(row["report"], ""),
        "report_on": _date(row.get("report_date")),
        "number": row.get("number") or "",
        "paragraph": row.get("paragraph") or "",
        "text": row.get("text") or "",
        "text_is_complete": bool(row.get("text")) and row.get("text_complete") is True,
        "text_source_url": (row.get("source_url") or "") if row.get("text") else "",
        "description": description.get("text") or "",
        "description_is_complete": not _says_cut_short(description.get("by") or ""),
        "description_by": description.get("by") or "",
        "description_source_url": description.get("source_url") or "",
        "verdict": response.get("verdict", "not answered").replace(" ", "_"),
        "verdict_is_inferred": response.get("verdict_inferred") is True,
        "verdict_basis": response.get("verdict_basis") or "",
        "response_by": response.get("by") or "",
        "response_document": response.get("document") or "",
        "response_on": _date(response.get("date")),
        "response_url": response_url,
        "response_text": response.get("text") or "",
        "response_text_is_complete": bool(response.get("text")) and response.get("text_complete") is True,
        "response_text_source_url": response_text_source_url if response.get("text") else "",
        "note": _note(row),
    }


def _response_addresses(response: dict) -> tuple[str, str]:
    """(the response's address, where its words were read when that is elsewhere): official first."""
    read_at = response.get("source_url") or ""
    official = response.get("official_document_url") or ""
    if official and not is_official(read_at):
        return official, read_at
    return read_at or official, ""


def _says_cut_short(by: str) -> bool:
    """A description's attribution is where the rows say its copy stops ("stored excerpt ends
    mid-word"): they carry no flag of their own for it."""
    return "ends mid" in by


def _note(row: dict) -> str:
    """The row's note for readers, with the other attributed words it carries that have no field
    of their own: further descriptions, how the verdict was reported, notes on the response's words."""
    parts = [row.get("note") or ""]
    for other in (row.get("description") or {}).get("other") or []:
        parts.append(f"Also described by {other['by']}: “{other['text']}” ({other['source_url']})")
    response = row.get("response") or {}
    if reported := response.get("report_of_verdict"):
        parts.append(
            f"The verdict as reported on {_uk_date(reported['date'])}: “{reported['text']}” "
            f"({reported['source_url']})"
        )
    if response.get("text_note"):
        parts.append(f"On the government's words: {response['text_note']}")
    return "\n\n".join(part for part in parts if part)


def _load_developments(
    recommendation: Recommendation, rows: list[dict], published: dict[str, Commitment], report: LoadReport
) -> None:
    carried_out_by, words = CARRIED_OUT_BY.get(recommendation.slug, ("", ()))
    for row in rows:
        said = row["what"]
        RecommendationDevelopment.objects.create(
            recommendation=recommendation,
            happened_on=_date(row.get("date")),
            said_by=row["who"],
            quote=said,
            quote_is_complete=row.get("text_complete") is not False,
            source_url=row.get("source_url") or "",
            commitment=published.get(carried_out_by) if any(w in said for w in words) else None,
            note=row.get("note") or "",
        )
        report.created["recommendation developments"] += 1


def _uk_date(value: str) -> str:
    day = date.fromisoformat(value)
    return f"{day.day} {day:%B %Y}"


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
