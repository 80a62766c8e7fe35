"""The research rows of written statements and Hansard contributions (fixtures/*.jsonl): their
records in the APIs' shapes (which the recorded-API server serves), and what research knows about
our copies that the APIs do not say: where each copy was read and whether it stopped short.

The rows carry no Parliament ids: records get synthetic ones (statements from 8,000,001,
contributions' ItemId from 7,000,001, by line number), member id 0 ("unknown"). A statement with no
UIN cannot be keyed as Parliament keys it and is left out. A contribution whose sitting date our copy
does not show has SittingDate null: a date filter never finds it, a search without one does.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
STATEMENTS_FILE = "written_statements_dev.jsonl"
CONTRIBUTIONS_FILE = "hansard_contributions_dev.jsonl"
STATEMENT_ID_BASE = 8_000_000
CONTRIBUTION_ID_BASE = 7_000_000
BODY_IDS = {"Ministry of Justice": 54}


def api_member(name: str | None) -> dict | None:
    """A member as Parliament's APIs describe one, from the name our copy records (no id)."""
    if not name:
        return None
    return {
        "id": 0,
        "listAs": None,
        "name": name,
        "party": None,
        "partyColour": None,
        "partyAbbreviation": None,
        "memberFrom": None,
        "thumbnailUrl": None,
    }


def statement_record(number: int, row: dict) -> dict:
    """A StatementsViewModel in the API's key order; unknown values stay null."""
    return {
        "id": row.get("id") or STATEMENT_ID_BASE + number,
        "memberId": 0,
        "member": api_member(row.get("memberName")),
        "memberRole": row.get("memberRole"),
        "uin": row["uin"],
        "dateMade": row["dateMade"],
        "answeringBodyId": BODY_IDS.get(row.get("answeringBodyName") or "", 0),
        "answeringBodyName": row.get("answeringBodyName"),
        "title": row.get("title"),
        "text": row.get("text"),
        "house": row["house"],
        "noticeNumber": row.get("noticeNumber"),
        "hasAttachments": row.get("hasAttachments"),
        "hasLinkedStatements": bool(row.get("linkedStatements")),
        "linkedStatements": row.get("linkedStatements") or [],
        "attachments": row.get("attachments") or [],
    }


def contribution_record(number: int, row: dict) -> dict:
    """A SearchReferencesItem in the API's key order; unknown values stay null."""
    return {
        "MemberName": row.get("MemberName"),
        "MemberId": 0,
        "AttributedTo": row.get("AttributedTo"),
        "ItemId": CONTRIBUTION_ID_BASE + number,
        "ContributionExtId": row.get("ContributionExtId"),
        "ContributionText": row.get("ContributionTextFull"),
        "ContributionTextFull": row.get("ContributionTextFull"),
        "HRSTag": None,
        "HansardSection": row.get("HansardSection"),
        "Timecode": None,
        "DebateSection": row.get("DebateSection"),
        "DebateSectionId": 0,
        "DebateSectionExtId": row.get("DebateSectionExtId"),
        "SittingDate": row.get("SittingDate"),
        "Section": None,
        "House": row["House"],
        "OrderInDebateSection": 0,
        "DebateSectionOrder": 0,
        "Rank": 0,
    }


def research_rows(name: str, fixtures_dir: Path = FIXTURES_DIR) -> list[tuple[int, dict]]:
    lines = (fixtures_dir / name).read_text(encoding="utf-8").splitlines()
    return [(number, json.loads(line)) for number, line in enumerate(lines, start=1) if line.strip()]


def research_statements(fixtures_dir: Path = FIXTURES_DIR) -> list[dict]:
    return [
        statement_record(number, row)
        for number, row in research_rows(STATEMENTS_FILE, fixtures_dir)
        if row.get("uin") and row.get("dateMade")
    ]


def research_contributions(fixtures_dir: Path = FIXTURES_DIR) -> list[dict]:
    return [
        contribution_record(number, row) for number, row in research_rows(CONTRIBUTIONS_FILE, fixtures_dir)
    ]


def first_address(value: str | None) -> str:
    """A row's source_url may name several pages ("… ; uin from …"): the first is where the text was
    read."""
    return (value or "").split(" ; ")[0].split()[0] if (value or "").strip() else ""


def apply_spoken_research(fixtures_dir: Path = FIXTURES_DIR) -> int:
    """Mark the statements and contributions we hold that came from research rows with where our copy
    was read and whether it stopped short. Idempotent; rows not yet fetched are left for a later call
    (run_demo calls this after its re-check). Returns how many rows it changed."""
    from ..models import HansardContribution, WrittenStatement

    changed = 0
    for model, key, name, id_base in (
        (WrittenStatement, "parliament_id", STATEMENTS_FILE, STATEMENT_ID_BASE),
        (HansardContribution, "item_id", CONTRIBUTIONS_FILE, CONTRIBUTION_ID_BASE),
    ):
        for number, row in research_rows(name, fixtures_dir):
            values = {
                "source_url": first_address(row.get("source_url")),
                "text_is_complete": row.get("text_complete") is not False,
            }
            held = model.objects.filter(**{key: id_base + number}).exclude(**values)
            changed += held.update(**values)
    return changed


def suggest_labelled_evidence(fixtures_dir: Path = FIXTURES_DIR) -> int:
    """The research labels (`labels`: a commitment's slug and the passage that evidences it) of the
    statements and contributions we hold, as suggestions for an editor to review in the queue, never
    as confirmed evidence. A passage not found verbatim in the text we hold is not suggested.
    Idempotent; returns how many suggestions it created."""
    from ..analysis.status_cues import status_cue
    from ..models import Commitment, Evidence, HansardContribution, WrittenStatement

    commitments = Commitment.objects.in_bulk(field_name="slug")
    created = 0
    for model, field, key, name, id_base in (
        (WrittenStatement, "statement", "parliament_id", STATEMENTS_FILE, STATEMENT_ID_BASE),
        (HansardContribution, "contribution", "item_id", CONTRIBUTIONS_FILE, CONTRIBUTION_ID_BASE),
    ):
        for number, row in research_rows(name, fixtures_dir):
            source = model.objects.filter(**{key: id_base + number}).first()
            for label in row.get("labels") or []:
                commitment = commitments.get(label["commitment"])
                if source is None or commitment is None or label["excerpt"] not in source.text:
                    continue
                cue = status_cue(label["excerpt"])
                _, made = Evidence.objects.get_or_create(
                    commitment=commitment,
                    **{field: source},
                    defaults={
                        "excerpt": label["excerpt"],
                        "reasons": [
                            f"Labelled in {name}: the research points this passage to "
                            f"“{label.get('status_cue') or 'no status'}”."
                        ],
                        "suggested_status": cue.status if cue else "",
                        "status_cue": cue.phrase if cue else "",
                    },
                )
                created += made
    return created
