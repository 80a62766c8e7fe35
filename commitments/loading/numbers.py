"""Load the numbers and the promised dates that ship: fixtures/indicators.json (what each series
counts), fixtures/ipp_numbers.csv (its points, as researched) and fixtures/deadlines.csv (promised
dates and the s.67 annual report duty, as researched).

Idempotent: a series is found by slug, a point by its series, period and source, a deadline by what
it belongs to, its words, its source and its delivery date. What editors changed is left alone.
The research files are copied unchanged from the brief; what they leave unsaid stays unsaid.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from ..models import ActionPlan, Commitment, DateClaim, Deadline, Indicator, IndicatorPoint, StatutoryDuty
from .report import LoadReport

INDICATORS_FILE = "indicators.json"
NUMBERS_FILE = "ipp_numbers.csv"
DEADLINES_FILE = "deadlines.csv"
DERIVED_MARK = "DERIVED:"
AS_ABOVE = "as above"

# The research names two promises by a commitment slug it suggests and no commitment carries: each
# was a promise about a plan document itself, so it belongs to that version of the plan.
PLAN_PROMISES = {
    "ipp-action-plan-refresh": "ipp-action-plan-2023",
    "ipp-annual-report-2024-publication": "ipp-annual-report-2024",
}
S67 = {
    "slug": "vpa-2024-s67-annual-report",
    "name": "Annual report on IPP prisoners' progress",
    "provision": "Victims and Prisoners Act 2024, section 67(1)",
    "in_force_on": date(2024, 11, 1),
    "commitment": "ipp-annual-report-duty",
    "note": "No fixed date: a report is due “as soon as is reasonably practicable after the end of each "
    "reporting period”. The Act's definition of the reporting period was not retrieved.",
}
# How each researched deadline was delivered, in the tracker's words from the row's own note and
# delivery source (by the row's delivery date and source), and which occurrence of a duty it is.
DELIVERED_HOW = {
    "2023-04-26": "The updated action plan was published on 26 April 2023 (written answer 203519).",
    "2024-11-01 HL5974": "Sections 66 and 67 came into force on 1 November 2024, and 1,742 licences ended "
    "automatically that day (written answer HL5974).",
    "2024-11-01 uksi": "Brought into force on 1 November 2024 by SI 2024/966 (its explanatory note).",
    "2025-02-01": "The appointed day in SI 2024/966; no source after commencement confirming it was read.",
    "2024-11-15": "The first annual report was published on 15 November 2024.",
    "2025-07-17": "The second annual report, for 2024/25, was published on 17 July 2025, as Russell "
    "Webster reports it.",
}
OCCURRENCES = {"2024-11-15": "The first annual report", "2025-07-17": "The second annual report (2024/25)"}


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def load_numbers(fixtures_dir: Path, report: LoadReport) -> None:
    """Series first (with the commitments they aim to move), then their points."""
    spec = json.loads((fixtures_dir / INDICATORS_FILE).read_text(encoding="utf-8"))
    published = {c.slug: c for c in Commitment.objects.published()}
    indicators = {}
    for position, row in enumerate(spec["indicators"], start=1):
        indicator, created = Indicator.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "counts": row["counts"],
                "unit": row["unit"],
                "official_table": row["official_table"],
                "is_headline": row.get("is_headline", False),
                "note": row.get("note", ""),
                "position": position,
            },
        )
        if created:
            indicator.commitments.set([published[slug] for slug in row["commitments"] if slug in published])
            report.created["indicators"] += 1
        indicators[indicator.slug] = indicator
    with (fixtures_dir / NUMBERS_FILE).open(encoding="utf-8", newline="") as file:
        previous_note = ""
        for number, row in enumerate(csv.DictReader(file), start=2):
            # "as above" in the research file means the row above's note: on a page it would not.
            if row["note"] == AS_ABOVE:
                row["note"] = previous_note
            previous_note = row["note"]
            indicator = indicators.get(row["indicator"])
            if indicator is None:
                report.skipped.append(f"{NUMBERS_FILE} line {number}: no series “{row['indicator']}”")
                continue
            _, created = IndicatorPoint.objects.get_or_create(
                indicator=indicator,
                period_start=_date(row["period_start"]),
                period_end=_date(row["period_end"]),
                source_url=row["source_url"],
                revises=None,
                defaults={
                    "value": Decimal(row["value"]),
                    "source_title": row["source_title"],
                    "note": row["note"],
                    "is_derived": row["note"].startswith(DERIVED_MARK),
                },
            )
            report.created["indicator points"] += created


def load_deadlines(fixtures_dir: Path, report: LoadReport) -> None:
    plans = {plan.slug: plan for plan in ActionPlan.objects.all()}
    commitments = {c.slug: c for c in Commitment.objects.all()}
    with (fixtures_dir / DEADLINES_FILE).open(encoding="utf-8", newline="") as file:
        for number, row in enumerate(csv.DictReader(file), start=2):
            slug = row["commitment"].split(" ", 1)[0]
            owner = {"commitment": commitments.get(slug)}
            if slug in PLAN_PROMISES:
                owner = {"commitment": None, "action_plan": plans.get(PLAN_PROMISES[slug])}
            if not any(owner.values()):
                report.skipped.append(f"{DEADLINES_FILE} line {number}: nothing called “{slug}”")
                continue
            duty = _s67_duty(row, commitments, report) if "statutory duty" in row["said_by"] else None
            delivered = row["delivered_on"]
            how_key = delivered
            if delivered == "2024-11-01":
                how_key += " HL5974" if "HL5974" in row["delivered_source_url"] else " uksi"
            if slug == "vpa-qualifying-period-three-years" and delivered == "2024-11-01":
                how = (
                    "Through section 66 of the Victims and Prisoners Act 2024 (in force 1 November 2024 "
                    "and 1 February 2025)."
                )
            else:
                how = DELIVERED_HOW.get(how_key, "")
            if Deadline.objects.filter(
                **owner, promise=row["promise"], source_url=row["source_url"], delivered_on=_date(delivered)
            ).exists():
                continue
            Deadline.objects.create(
                **owner,
                duty=duty,
                occurrence=OCCURRENCES.get(delivered, "") if duty else "",
                promise=row["promise"],
                due_on=_date(row["promised_by"]),
                date_claimed_by=_claim(row, duty),
                said_on=_date(row["said_on"]),
                said_by=_speaker(row["said_by"]),
                source_url=row["source_url"],
                delivered_on=_date(delivered),
                delivered_how=how,
                delivered_source_url=row["delivered_source_url"],
                note=row["note"],
            )
            report.created["deadlines"] += 1


def _speaker(said_by: str) -> str:
    """Who said it, without the research's own marker of a third party's account: the page marks
    such a date itself (date_claimed_by), in words a reader can take in."""
    return said_by.replace(" (third-party account, NOT government words)", "")


def _claim(row: dict, duty: StatutoryDuty | None) -> str:
    if "third-party" in row["said_by"] or "NOT government" in row["said_by"]:
        return DateClaim.THIRD_PARTY
    return DateClaim.STATUTE if duty else DateClaim.GOVERNMENT


def _s67_duty(row: dict, commitments: dict[str, Commitment], report: LoadReport) -> StatutoryDuty:
    """The duty's rule is the row's words, read verbatim on legislation.gov.uk at the row's address."""
    duty, created = StatutoryDuty.objects.get_or_create(
        slug=S67["slug"],
        defaults={
            "name": S67["name"],
            "provision": S67["provision"],
            "rule": row["promise"],
            "rule_source_url": row["source_url"],
            "in_force_on": S67["in_force_on"],
            "commitment": commitments.get(S67["commitment"]),
            "note": S67["note"],
        },
    )
    report.created["statutory duties"] += created
    return duty
