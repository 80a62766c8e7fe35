"""A small recorded data set and the recorded-API server, for tests that talk real HTTP."""

from __future__ import annotations

import copy
import json

from commitments.devtools.recorded_api import RECORDINGS_DIR, FakeParliamentServer, Query, RecordedData
from commitments.parliament.client import ParliamentClient

RECORDED = RECORDINGS_DIR


def small_data_set() -> RecordedData:
    """The 16 research answers, 12 real Ministry of Justice answers from the recorded month, three
    answers from other departments whose text holds "ipp" inside a longer word (Whipps Cross), and
    two unrelated ones: noise the IPP search must not count as about IPP."""
    full = RecordedData.load(RECORDED)
    month = json.loads((RECORDED / "commons-2024-09.list.json").read_text())["results"]
    values = [item["value"] for item in month]
    moj = [v for v in values if v["answeringBodyId"] == 54][:12]
    whipps = [v for v in values if v["answeringBodyId"] != 54 and "ipps" in (v["heading"] or "").lower()][:3]
    noise = [v for v in values if v["answeringBodyId"] not in (54,) and v not in whipps][:2]
    data = RecordedData()
    for value in [*moj, *whipps, *noise]:
        data.list_views[value["id"]] = value
        data.records[value["id"]] = full.records[value["id"]]
    for path in sorted((RECORDED / "research").glob("*.json")):
        record = json.loads(path.read_text())
        data.records[record["id"]] = record
    return data


_CACHE: dict[str, RecordedData] = {}


def fresh_data_set() -> RecordedData:
    if "small" not in _CACHE:
        _CACHE["small"] = small_data_set()
    return copy.deepcopy(_CACHE["small"])


def start_server(data: RecordedData | None = None, **options) -> FakeParliamentServer:
    return FakeParliamentServer(data or fresh_data_set(), **options).start()


def client_for(server: FakeParliamentServer, **options) -> ParliamentClient:
    defaults = {"timeout": 0.5, "max_tries": 4, "backoff": 0.01, "page_size": 5}
    return ParliamentClient(server.url, **{**defaults, **options})


def expected_ids(data: RecordedData, searches) -> set[int]:
    """What the re-check should end up holding: every record one of its searches matches."""
    ids = set()
    for search in searches:
        query = Query(search.params())
        ids |= {record_id for record_id, record in data.records.items() if query.matches(record)}
    return ids


def control(server: FakeParliamentServer, path: str, body: dict | None = None) -> dict:
    import httpx

    return httpx.post(f"{server.url}/_fake/{path}", json=body or {}).json()
