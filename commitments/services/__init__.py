"""Writes that carry rules. Views, admin, tasks, commands and tests all come through here."""

from .corrections import decide_correction, suggest_correction
from .indicators import promote_figure_cell, revise_point
from .review import accept_status_suggestion, confirm_evidence, reject_evidence
from .status import check_status_change, record_status_change, status_history_mismatches
from .triage import decide_candidate, finish_triage, link_commitment, mark_not_evidence

__all__ = [
    "accept_status_suggestion",
    "check_status_change",
    "confirm_evidence",
    "decide_candidate",
    "decide_correction",
    "finish_triage",
    "link_commitment",
    "mark_not_evidence",
    "promote_figure_cell",
    "record_status_change",
    "reject_evidence",
    "revise_point",
    "status_history_mismatches",
    "suggest_correction",
]
