"""The editors' decisions on the record: status changes, evidence review, triage and figures.
The admin, tasks, commands and tests make them through here; other writes live with their feature
(docs/development.md, "Where code goes")."""

from .indicators import promote_figure_cell, revise_point
from .review import accept_status_suggestion, confirm_evidence, reject_evidence
from .status import check_status_change, record_status_change, status_history_mismatches
from .triage import decide_candidate, finish_triage, link_commitment, mark_not_evidence

__all__ = [
    "accept_status_suggestion",
    "check_status_change",
    "confirm_evidence",
    "decide_candidate",
    "finish_triage",
    "link_commitment",
    "mark_not_evidence",
    "promote_figure_cell",
    "record_status_change",
    "reject_evidence",
    "revise_point",
    "status_history_mismatches",
]
