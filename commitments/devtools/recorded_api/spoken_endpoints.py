"""List and detail answers for written statements and Hansard contributions, with the server's
content faults (`shift`, `correction`, `too-long`, `nul`) applied as they are to written questions.
Request faults (5xx, 429, slow, malformed, truncated) are the server's, before these are reached."""

from __future__ import annotations

import html
from datetime import date
from functools import lru_cache
from http import HTTPStatus

from .query import BadRequest, Query
from .records import plain_text
from .spoken import CONTRIBUTIONS_PATH, STATEMENTS_PATH

# Per kind: the record's id, its date, the text a content fault spoils, and its heading.
KINDS = {
    "statements": ("id", "dateMade", "text", "title"),
    "contributions": ("ItemId", "SittingDate", "ContributionTextFull", "DebateSection"),
}
CONTRIBUTION_TYPES = {"spoken", "written", "corrections", "petitions"}


def served(state, kind: str, record: dict) -> dict:
    """The record as served under a content fault: a fraction R of records, picked by id."""
    id_key, _, text_key, heading_key = KINDS[kind]
    step = max(1, round(1 / state.fault_rate)) if state.fault_rate > 0 else 0
    if not step or record[id_key] % step or state.fault not in {"correction", "too-long", "nul"}:
        return record
    if state.fault == "correction":
        if state.generation < 1:
            return record
        return {
            **record,
            text_key: (record.get(text_key) or "") + " [Corrected: an earlier figure was wrong.]",
        }
    if state.fault == "too-long":
        return {**record, heading_key: f"{record.get(heading_key) or ''}, " + "and related matters " * 14}
    return {**record, text_key: "\x00" + (record.get(text_key) or "")}


def _date_param(query: Query, name: str, errors: dict) -> str | None:
    value = query.one(name.lower())
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        errors[name] = [f"The value '{value}' is not valid."]
        return None


def _paging(query: Query, skip_name: str, take_name: str, errors: dict) -> tuple[int, int]:
    numbers = []
    for name, default in ((skip_name, 0), (take_name, 20)):
        value = query.one(name.lower())
        try:
            number = default if value in (None, "") else int(value)
            if number < 0:
                raise ValueError
        except ValueError:
            errors[name] = [f"The value '{value}' is not valid."]
            number = default
        numbers.append(number)
    return numbers[0], numbers[1]


def _shifted(state, kind: str, query: Query, skip: int, matching: list[dict]) -> list[dict]:
    """Under `shift`, a query's newest item is "published" only after its first page was served."""
    if skip != 0:
        return matching
    signature = (kind, *sorted((k.lower(), v) for k, v in query.params if "skip" not in k.lower()))
    with state.lock:
        asked_before = state.tops_served.get(signature, 0)
        state.tops_served[signature] = asked_before + 1
        if asked_before and state.fault == "correction" and state.generation < 1:
            state.generation = 1  # the same query asked again: a later run
    return matching[1:] if state.fault == "shift" and not asked_before else matching


def _contains(term: str, *texts: str | None) -> bool:
    words = " ".join(term.lower().split())
    return not words or any(words in _searchable(t) for t in texts)


@lru_cache(maxsize=65_536)
def _searchable(text: str | None) -> str:
    """A text as a search term is looked for in it, worked out once per text: every list request
    scans every record, and at a benchmark's volume parsing each again would make the server, not
    the client, what is measured."""
    return " ".join(html.unescape(plain_text(text) or "").lower().split())


def statements_list(state, query: Query) -> tuple[HTTPStatus, dict]:
    errors: dict[str, list[str]] = {}
    skip, take = _paging(query, "skip", "take", errors)
    made_from = _date_param(query, "madeWhenFrom", errors)
    made_to = _date_param(query, "madeWhenTo", errors)
    house = (query.one("house") or "").lower()
    if house and house not in {"bicameral", "commons", "lords"}:
        errors["house"] = [f"The value '{house}' is not valid."]
    bodies = query.many("answeringbodies")
    if any(not body.lstrip("-").isdigit() for body in bodies):
        errors["answeringBodies"] = ["The value is not valid."]
    if errors:
        raise BadRequest(errors)
    body_ids = {int(body) for body in bodies}
    term, uin = query.one("searchterm") or "", (query.one("uin") or "").lower()
    matching = []
    for record in state.statements:
        record = served(state, "statements", record)
        made = (record.get("dateMade") or "")[:10]
        if (
            (house in {"commons", "lords"} and record["house"].lower() != house)
            or (body_ids and record["answeringBodyId"] not in body_ids)
            or (made_from and made < made_from)
            or (made_to and made > made_to)
            or (uin and (record.get("uin") or "").lower() != uin)
            or not _contains(term, record.get("title"), record.get("text"))
        ):
            continue
        matching.append(record)
    matching.sort(key=lambda r: (r["dateMade"], r["id"]), reverse=True)
    matching = _shifted(state, "statements", query, skip, matching)
    with state.lock:
        state.list_requests += 1
    expand = (query.one("expandmember") or "false").lower() == "true"
    return HTTPStatus.OK, {
        "totalResults": len(matching),
        "results": [
            {
                "value": record if expand else {**record, "member": None},
                "links": [{"rel": "self", "href": f"/WrittenStatements/{record['id']}", "method": "GET"}],
            }
            for record in matching[skip : skip + take]
        ],
    }


def statement_detail(state, parts: list[str]) -> tuple[HTTPStatus, dict] | None:
    with state.lock:
        state.detail_requests += 1
    if len(parts) == 1 and parts[0].isdigit():
        found = [r for r in state.statements if r["id"] == int(parts[0])]
    elif len(parts) == 2:
        found = [
            r
            for r in state.statements
            if r["dateMade"][:10] == parts[0] and (r.get("uin") or "").lower() == parts[1].lower()
        ]
    else:
        raise BadRequest({"id": [f"The value '{'/'.join(parts)}' is not valid."]})
    if not found:
        return None
    record = served(state, "statements", found[0])
    links = [{"rel": "self", "href": f"/WrittenStatements/{record['id']}", "method": "GET"}]
    return HTTPStatus.OK, {"value": record, "links": links}


def contributions_search(state, contribution_type: str, query: Query) -> tuple[HTTPStatus, dict]:
    errors: dict[str, list[str]] = {}
    skip, take = _paging(query, "queryParameters.skip", "queryParameters.take", errors)
    start = _date_param(query, "queryParameters.startDate", errors)
    end = _date_param(query, "queryParameters.endDate", errors)
    house = (query.one("queryparameters.house") or "").lower()
    if house and house not in {"commons", "lords"}:
        errors["queryParameters.house"] = [f"The value '{house}' is not valid."]
    order = query.one("queryparameters.orderby") or "SittingDateDesc"
    if order not in {"SittingDateAsc", "SittingDateDesc"}:
        errors["queryParameters.orderBy"] = [f"The value '{order}' is not valid."]
    if contribution_type not in CONTRIBUTION_TYPES:
        errors["contributionType"] = [f"The value '{contribution_type}' is not valid."]
    if errors:
        raise BadRequest(errors)
    term = query.one("queryparameters.searchterm") or ""
    matching = []
    for record in state.contributions if contribution_type == "spoken" else []:
        record = served(state, "contributions", record)
        sat = (record.get("SittingDate") or "")[:10]
        if (
            (house and record["House"].lower() != house)
            or ((start or end) and not sat)
            or (start and sat < start)
            or (end and sat > end)
            or not _contains(term, record.get("ContributionTextFull"), record.get("DebateSection"))
        ):
            continue
        matching.append(record)
    matching.sort(key=lambda r: r["ItemId"])
    matching.sort(key=lambda r: r.get("SittingDate") or "", reverse=order == "SittingDateDesc")
    matching = _shifted(state, "contributions", query, skip, matching)
    with state.lock:
        state.list_requests += 1
    return HTTPStatus.OK, {
        "SearchTerms": [term] if term else [],
        "SpokenResultCount": len(matching),
        "WrittenResultCount": 0,
        "CorrectionsResultCount": 0,
        "DivisionsResultCount": 0,
        "Results": matching[skip : skip + take],
        "TotalResultCount": len(matching),
    }


def route(state, path: str, params: list[tuple[str, str]]) -> tuple[HTTPStatus, dict] | None | bool:
    """The answer for a statements or Hansard path; False when the path is neither."""
    query = Query(params)
    if path == STATEMENTS_PATH:
        return statements_list(state, query)
    if path.startswith(STATEMENTS_PATH + "/"):
        return statement_detail(state, path[len(STATEMENTS_PATH) :].strip("/").split("/"))
    if path.startswith(CONTRIBUTIONS_PATH) and path.endswith(".json"):
        return contributions_search(state, path[len(CONTRIBUTIONS_PATH) : -len(".json")], query)
    return False


def is_spoken_path(path: str) -> bool:
    return path.startswith((STATEMENTS_PATH, CONTRIBUTIONS_PATH))
