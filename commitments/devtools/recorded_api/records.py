"""The recorded data the server answers from, and how Parliament cuts a record for its list view.

Data files (every `*.json` under the data folder, read in name order) hold one of:
- one question record: the API's `value` object (or a whole detail response `{"value": ...}`);
- a whole list response `{"totalResults": N, "results": [{"value": ...}, ...]}`, whose items are
  list views (text cut at 255 characters); their full text comes from
- a full-text overlay `{"<id>": {"questionText": ..., "answerText": "<p>...</p>"}, ...}`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

LIST_TEXT_LIMIT = 255


TAGS = re.compile(r"<[^>]+>")


@dataclass
class RecordedData:
    """Full records by id, plus the list view as recorded where we have it."""

    records: dict[int, dict] = field(default_factory=dict)
    list_views: dict[int, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path | str) -> RecordedData:
        data = cls()
        overlays: dict[int, dict] = {}
        # recordings/govuk/ holds GOV.UK content items, served by govuk.py, not questions.
        files = sorted(p for p in Path(folder).rglob("*.json") if "govuk" not in p.relative_to(folder).parts)
        if not files:
            raise FileNotFoundError(f"No *.json files under {folder}")
        for path in files:
            body = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(body, dict) and isinstance(body.get("results"), list):
                for item in body["results"]:
                    value = item["value"]
                    data.list_views[value["id"]] = value
                    data.records.setdefault(value["id"], value)
            elif isinstance(body, dict) and isinstance(body.get("value"), dict):
                data.records[body["value"]["id"]] = body["value"]
            elif isinstance(body, dict) and "id" in body and "uin" in body:
                data.records[body["id"]] = body
            elif isinstance(body, dict) and body and all(key.isdigit() for key in body):
                overlays.update({int(key): value for key, value in body.items()})
            else:
                raise ValueError(f"{path}: not a question record, list response or full-text overlay")
        for question_id, full_text in overlays.items():
            if question_id in data.records:
                data.records[question_id] = {**data.records[question_id], **full_text}
        return data

    def list_view(self, served: dict) -> dict:
        """What the list endpoint shows: the item as recorded, unless the server changed the record
        (a correction), in which case it is cut as Parliament cuts list text."""
        if served is self.records.get(served["id"]) and served["id"] in self.list_views:
            return self.list_views[served["id"]]
        return cut_for_list(served)


def plain_text(text: str | None) -> str | None:
    return None if text is None else TAGS.sub("", text)


def _list_answer(record: dict) -> str | None:
    answer = plain_text(record.get("answerText"))
    if answer is not None and len(answer) > LIST_TEXT_LIMIT:
        return answer[:LIST_TEXT_LIMIT] + "..."
    return answer


def cut_for_list(record: dict) -> dict:
    """The list view of a full record: HTML stripped, text cut at 255 characters (reference §6)."""
    question = record.get("questionText")
    return {
        **record,
        "questionText": question[:LIST_TEXT_LIMIT] if question else question,
        "answerText": _list_answer(record),
        "originalAnswerText": "" if record.get("originalAnswerText") is not None else None,
        "comparableAnswerText": "" if record.get("comparableAnswerText") is not None else None,
    }


def day_of(value: str | None) -> str | None:
    return value[:10] if value else None


def latest_activity(record: dict) -> str:
    return max(
        (
            day_of(record.get(name)) or ""
            for name in ("dateAnswered", "dateAnswerCorrected", "dateHoldingAnswer")
        ),
        default="",
    )
