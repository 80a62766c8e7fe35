"""The recorded-API server's GOV.UK Content API: `GET /api/content/<base_path>` answers the content
item recorded for that page (recordings/govuk/, verbatim: the bytes as recorded), 404 for any other.
Request faults (5xx, 429, slow, malformed, truncated) are the server's, before this is reached;
the content faults spoil a fraction R of the items (by their place in path order), and only then is
an item re-encoded: `correction` (from the second request for a page on, GOV.UK announces a change:
a new public_updated_at and change note, marked as the fault's), `too-long` (a title over 300
characters) and `nul` (a NUL character in the description)."""

from __future__ import annotations

import json
from datetime import date
from http import HTTPStatus
from pathlib import Path

CONTENT_PATH = "/api/content/"
GOVUK_RECORDINGS = Path(__file__).resolve().parent / "recordings" / "govuk"
CORRECTION_NOTE = "[Recorded-API fault: a change announced on a later run.]"


def recorded_content_items(folder: Path = GOVUK_RECORDINGS) -> dict[str, bytes]:
    """Each recorded content item's bytes, by its base_path (lower case, as the server routes)."""
    items = {}
    for path in sorted(folder.glob("*.json")):
        raw = path.read_bytes()
        items[json.loads(raw)["base_path"].lower()] = raw
    return items


def is_content_path(path: str) -> bool:
    return path.startswith(CONTENT_PATH)


def content_item(state, path: str) -> tuple[HTTPStatus, bytes] | None:
    """The answer for /api/content/<base_path>; None when nothing is recorded there."""
    base_path = path[len(CONTENT_PATH) - 1 :]
    raw = state.publications.get(base_path)
    if raw is None:
        return None
    signature = ("govuk", base_path)
    with state.lock:
        state.detail_requests += 1
        asked_before = state.tops_served.get(signature, 0)
        state.tops_served[signature] = asked_before + 1
        if asked_before and state.fault == "correction" and state.generation < 1:
            state.generation = 1  # the same page asked again: a later run
    return HTTPStatus.OK, _served(state, base_path, raw)


def _served(state, base_path: str, raw: bytes) -> bytes:
    if state.fault not in {"correction", "too-long", "nul"} or state.fault_rate <= 0:
        return raw
    step = max(1, round(1 / state.fault_rate))
    if sorted(state.publications).index(base_path) % step:
        return raw
    item = json.loads(raw)
    if state.fault == "correction":
        if state.generation < 1:
            return raw
        stamp = f"{date.today().isoformat()}T00:00:00.000+00:00"
        details = item.get("details") or {}
        notes = details.get("change_history") or []
        item["public_updated_at"] = stamp
        item["details"] = {
            **details,
            "change_history": [{"public_timestamp": stamp, "note": CORRECTION_NOTE}, *notes],
        }
    elif state.fault == "too-long":
        item["title"] = f"{item.get('title') or ''}, " + "and related matters " * 15
    else:
        item["description"] = "\x00" + (item.get("description") or "")
    return json.dumps(item).encode()
