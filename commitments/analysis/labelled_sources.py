"""Labelled written statements and Hansard contributions (fixtures/*_dev.jsonl) read as labelled answers,
so `evaluate_matching --data FILE` measures the matcher on each kind of source the same way."""

from __future__ import annotations

from ..parliament.answer_html import answer_html_to_text


def as_labelled_answer(row: object) -> object:
    """A labelled Hansard contribution or written statement (fixtures/*_dev.jsonl: `labels` of
    commitment slugs) read as an answer, so the matcher is measured on each kind the same way; any
    other row as it is."""
    if not isinstance(row, dict) or not isinstance(row.get("labels"), list):
        return row
    topics = sorted({label["commitment"] for label in row["labels"] if isinstance(label, dict)})
    if "ContributionTextFull" in row:
        return {
            "house": row.get("House"),
            "date_answered": (row.get("SittingDate") or "")[:10],
            "heading": row.get("DebateSection"),
            "answer_text": row.get("ContributionTextFull"),
            "topics": topics,
        }
    return {
        "house": row.get("house"),
        "uin": row.get("uin"),
        "date_answered": (row.get("dateMade") or "")[:10],
        "heading": row.get("title"),
        "answer_text": answer_html_to_text(row.get("text") or ""),
        "topics": topics,
    }
