"""The record's integrity rules, in one home: what a status rests on, and the checks that catch a
record contradicting itself. The admin runs them when an editor saves, `audit_record` runs them
nightly and on demand, and pages use `status_basis` so they say what the checks say.

The checks (issue #27):
- `unsupported_status`: a status with neither confirmed evidence nor an official source;
- `unexplained_secondary`: a status resting on a secondary source with no reason recorded for it;
- `stale_evidence`: a status change resting on an answer given more than twelve months before the
  change's effective date (an old answer cannot show what is true today);
- `evidence_predates_plan`: an open commitment whose confirmed evidence all predates the newest
  plan version it appears in (nothing shows progress on the plan as it now stands).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch

from .models import Commitment, Evidence, SourceBasis, SourceCopy, Status, StatusChange
from .models.evidence import SOURCE_FIELDS
from .models.querysets import RECENT_EVIDENCE_DAYS
from .sources import CopyRecord, ResolvedSource, resolve_source

# Known exceptions in the shipped data, each with its reason: the audit lists them apart.
EXCEPTIONS_FILE = Path(settings.BASE_DIR) / "fixtures" / "record_exceptions.json"
STALE_AFTER = timedelta(days=RECENT_EVIDENCE_DAYS)


@dataclass(frozen=True)
class RecordWarning:
    check: str
    commitment_slug: str
    message: str  # a sentence an editor can act on


@dataclass
class AuditReport:
    bases: Counter = field(default_factory=Counter)  # SourceBasis → number of current statuses
    warnings: list[RecordWarning] = field(default_factory=list)
    accepted: list[tuple[RecordWarning, str]] = field(default_factory=list)  # with the reason

    @property
    def open_warnings(self) -> list[RecordWarning]:
        accepted = {warning for warning, _ in self.accepted}
        return [warning for warning in self.warnings if warning not in accepted]

    def as_dict(self) -> dict:
        return {
            "bases": {basis.value: self.bases[basis] for basis in SourceBasis},
            "open_warnings": [f"{w.commitment_slug}: {w.check}: {w.message}" for w in self.open_warnings],
            "accepted": len(self.accepted),
        }


def change_source(change: StatusChange, copies: Mapping[str, CopyRecord]) -> ResolvedSource | None:
    """What a status change rests on: the answer it names (at Parliament's own page), else its
    source address, resolved by the one rule; None when it names neither."""
    if change.question_id is not None:
        return resolve_source(change.question.citation_url, copies)
    if change.source_url:
        return resolve_source(change.source_url, copies)
    return None


def status_basis(change: StatusChange | None, copies: Mapping[str, CopyRecord]) -> SourceBasis:
    resolved = change_source(change, copies) if change is not None else None
    return SourceBasis.NOTHING if resolved is None else resolved.basis


def status_change_warnings(change: StatusChange) -> list[RecordWarning]:
    """What an editor is warned of as they record a change (before the commitment-wide checks)."""
    question = change.question
    answered = question.known_answer_date if question is not None else None
    if answered is None or change.effective_on - answered <= STALE_AFTER:
        return []
    return [
        RecordWarning(
            "stale_evidence",
            change.commitment.slug,
            f"The status “{change.get_to_status_display()}” from {change.effective_on:%-d %B %Y} rests on "
            f"an answer given {answered:%-d %B %Y}, more than twelve months earlier. Rest it on a recent "
            "source, or give the date the answer speaks of.",
        )
    ]


def check_commitment(
    commitment: Commitment,
    copies: Mapping[str, CopyRecord],
    *,
    changes: list[StatusChange],
    evidence: list[Evidence],
) -> tuple[SourceBasis | None, list[RecordWarning]]:
    """The commitment's current status basis (None without a status) and its warnings. `changes`
    and `evidence` (confirmed only) are passed in so an audit reads everything in a few queries."""
    warnings: list[RecordWarning] = []
    current = max(changes, key=lambda change: (change.effective_on, change.pk)) if changes else None
    basis = status_basis(current, copies) if current is not None else None
    if current is not None:
        if not evidence and basis != SourceBasis.OFFICIAL:
            warnings.append(
                RecordWarning(
                    "unsupported_status",
                    commitment.slug,
                    f"The status “{current.get_to_status_display()}” has neither confirmed evidence nor an "
                    "official source. Confirm an answer as evidence, or rest the status on an official page.",
                )
            )
        if basis == SourceBasis.SECONDARY_UNEXPLAINED:
            warnings.append(
                RecordWarning(
                    "unexplained_secondary",
                    commitment.slug,
                    f"The status rests on a secondary source ({current.source_url}) and no reason is "
                    "recorded for citing it. Find its official page, or say why there is none (Source "
                    "copies).",
                )
            )
        warnings += status_change_warnings(current)
    if commitment.status in Status.open() and evidence:
        plan_dates = [plan.published_on for plan in commitment.action_plans.all() if plan.published_on]
        newest_plan = max(plan_dates, default=None)
        dated = [item.source.day for item in evidence]
        if newest_plan and all(day is not None and day < newest_plan for day in dated):
            warnings.append(
                RecordWarning(
                    "evidence_predates_plan",
                    commitment.slug,
                    "All its confirmed evidence predates the plan version of "
                    f"{newest_plan:%-d %B %Y} it appears in. Look for an answer about the plan as it now "
                    "stands.",
                )
            )
    return basis, warnings


def commitments_for_checks(commitments: Iterable[Commitment] | None = None):
    """Commitments with what the checks read, in a fixed number of queries."""
    queryset = Commitment.objects.all() if commitments is None else commitments
    return queryset.prefetch_related(
        "action_plans",
        Prefetch("status_changes", queryset=StatusChange.objects.select_related("question")),
        Prefetch(
            "evidence",
            queryset=Evidence.objects.confirmed().select_related(*SOURCE_FIELDS),
            to_attr="confirmed",
        ),
    )


def check_one(commitment: Commitment) -> list[RecordWarning]:
    """The warnings an editor sees for one commitment in the admin."""
    fresh = commitments_for_checks(Commitment.objects.filter(pk=commitment.pk)).get()
    _, warnings = check_commitment(
        fresh,
        SourceCopy.objects.by_copy_url(),
        changes=list(fresh.status_changes.all()),
        evidence=fresh.confirmed,
    )
    return warnings


def audit_record(*, exceptions_file: Path = EXCEPTIONS_FILE) -> AuditReport:
    """Every published commitment checked: the counts of what statuses rest on, the warnings, and
    which of them are known exceptions (with their reasons)."""
    report = AuditReport()
    copies = SourceCopy.objects.by_copy_url()
    for commitment in commitments_for_checks(Commitment.objects.published()):
        basis, warnings = check_commitment(
            commitment, copies, changes=list(commitment.status_changes.all()), evidence=commitment.confirmed
        )
        if basis is not None:
            report.bases[basis] += 1
        report.warnings += warnings
    known = known_exceptions(exceptions_file)
    report.accepted = [
        (warning, known[(warning.commitment_slug, warning.check)])
        for warning in report.warnings
        if (warning.commitment_slug, warning.check) in known
    ]
    return report


def known_exceptions(path: Path = EXCEPTIONS_FILE) -> dict[tuple[str, str], str]:
    """(commitment slug, check) → the reason the warning stands, from fixtures/record_exceptions.json."""
    if not path.exists():
        return {}
    rows = json.loads(path.read_text(encoding="utf-8"))["exceptions"]
    return {(row["commitment"], row["check"]): row["reason"] for row in rows}
