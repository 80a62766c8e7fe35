"""Load the research behind the record: where copies' official pages are, and the promise in
official words. Idempotent like the rest of load_shipped_data: a second run creates nothing and never
overwrites what editors have changed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ..models import ActionPlan, Commitment, PromiseWording, SourceCopy
from .report import LoadReport

SOURCE_COPIES_FILE = "source_copies.json"
WORDING_FILE = "promise_wording.json"


def load_source_copies(path: Path, report: LoadReport) -> None:
    for row in json.loads(path.read_text(encoding="utf-8"))["copies"]:
        _, created = SourceCopy.objects.get_or_create(
            copy_url=row["copy_url"],
            defaults={
                "official_url": row["official_url"],
                "kind": row["kind"],
                "confidence": row["confidence"],
                "how_derived": row["how_derived"],
                "secondary_reason": row["secondary_reason"],
            },
        )
        report.created["source copies"] += created


def load_promise_wordings(path: Path, commitments: dict[str, Commitment], report: LoadReport) -> None:
    """A commitment's passages keep the file's order (`position`), so the page shows them as
    researched within each kind."""
    plans = {plan.slug: plan for plan in ActionPlan.objects.all()}
    for position, row in enumerate(json.loads(path.read_text(encoding="utf-8"))["wordings"]):
        commitment = commitments.get(row["commitment"])
        if commitment is None:
            report.skipped.append(f"{path.name}: no commitment {row['commitment']!r}")
            continue
        _, created = PromiseWording.objects.get_or_create(
            commitment=commitment,
            quote=row["quote"],
            defaults={
                "action_plan": plans.get(row["plan"] or ""),
                "kind": row["kind"],
                "is_complete": row["is_complete"],
                "said_by": row["said_by"],
                "said_on": date.fromisoformat(row["said_on"]) if row["said_on"] else None,
                "source_url": row["source_url"],
                "also_at": row["also_at"],
                "note": row["note"],
                "position": position,
            },
        )
        report.created["promise wordings"] += created
