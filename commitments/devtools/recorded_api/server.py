"""The recorded-API server: a real HTTP server that answers like Parliament's Written Questions API
(same paths, parameters and JSON shape) from recorded responses, with switchable fault modes.
It also answers Written Statements and Hansard (spoken_endpoints.py) and GOV.UK's Content API
(govuk.py).

Tests, the demo and the benchmarks point the real client at it; nothing patches the client.

The data it answers from is records.py's; list queries are query.py's.

Faults hit a fraction R of API requests, spread evenly (request n faults when floor(n*R) moves),
so a run with R <= 0.5 never meets two faults in a row and R = 1 fails every request:
`500` (5xx), `429` (with Retry-After), `slow` (answers after the client gave up), `malformed`
(broken JSON), `truncated` (body cut off mid-way), `shift` (the top result of each query is
inserted after its first page was served, so paging shifts) and `correction` (from the second
run on, a fraction R of answers come back corrected). Two more spoil a fraction R of records rather
than requests, with what the database cannot hold: `too-long` (a heading of over 250 characters)
and `nul` (a NUL character in the answer).
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from . import govuk, spoken_endpoints
from .query import BadRequest, Query, sort_key
from .records import RecordedData, day_of
from .spoken import research_contributions, research_statements

logger = logging.getLogger(__name__)

FAULT_MODES = ("500", "429", "slow", "malformed", "truncated", "shift", "correction", "too-long", "nul")
# Faults in what is served, not in how: every request answers.
CONTENT_FAULTS = {"shift", "correction", "too-long", "nul"}


LIST_PATH = "/api/writtenquestions/questions"


@dataclass
class ServerState:
    data: RecordedData
    statements: list = field(default_factory=list)
    contributions: list = field(default_factory=list)
    publications: dict = field(default_factory=dict)
    fault: str | None = None
    fault_rate: float = 1.0
    retry_after: float = 1.0
    slow_seconds: float = 30.0
    generation: int = 0
    requests: int = 0
    list_requests: int = 0
    detail_requests: int = 0
    faults: int = 0
    user_agents: set = field(default_factory=set)
    tops_served: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_request_faults(self) -> bool:
        with self.lock:
            self.requests += 1
            n = self.requests
            faults = (
                bool(self.fault)
                and self.fault not in CONTENT_FAULTS
                and (math.floor(n * self.fault_rate) > math.floor((n - 1) * self.fault_rate))
            )
            self.faults += faults
            return faults

    def stats(self) -> dict:
        return {
            "requests": self.requests,
            "list_requests": self.list_requests,
            "detail_requests": self.detail_requests,
            "faults": self.faults,
            "user_agents": sorted(self.user_agents),
            "generation": self.generation,
            "fault": self.fault,
            "fault_rate": self.fault_rate,
            "questions": len(self.data.records),
            "statements": len(self.statements),
            "contributions": len(self.contributions),
            "publications": len(self.publications),
        }

    def served(self, record: dict) -> dict:
        """The record as served under a content fault: a fraction R of records, picked by id."""
        step = max(1, round(1 / self.fault_rate)) if self.fault_rate > 0 else 0
        if not step or record["id"] % step:
            return record
        if self.fault == "correction":
            return self._corrected(record)
        if self.fault == "too-long":
            heading = record.get("heading") or ""
            return {**record, "heading": f"{heading}, " + "and related matters " * 14}
        if self.fault == "nul":
            return {**record, "answerText": "\x00" + (record.get("answerText") or "")}
        return record

    def _corrected(self, record: dict) -> dict:
        """From generation 1 on, answered records come back corrected."""
        if self.generation < 1 or not record.get("dateAnswered"):
            return record
        original = record.get("answerText") or ""
        return {
            **record,
            "answerIsCorrection": True,
            "correctingMemberId": record.get("answeringMemberId"),
            "correctingMember": record.get("answeringMember"),
            "dateAnswerCorrected": date.today().isoformat() + "T00:00:00",
            "originalAnswerText": original,
            "answerText": original + "<p>This answer was corrected: an earlier figure was wrong.</p>",
        }


class Handler(BaseHTTPRequestHandler):
    server_version = "RecordedParliamentAPI/1.0"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without this each keep-alive answer waits ~40 ms
    # for a delayed ACK.
    disable_nagle_algorithm = True

    @property
    def state(self) -> ServerState:
        return self.server.state  # type: ignore[attr-defined]

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        logger.debug("%s " + format, self.address_string(), *args)

    def do_GET(self):  # noqa: N802 - the stdlib's name
        split = urlsplit(self.path)
        path = split.path.rstrip("/").lower()
        params = parse_qsl(split.query, keep_blank_values=True)
        if path == "/_fake/stats":
            return self._json(HTTPStatus.OK, self.state.stats())
        spoken = spoken_endpoints.is_spoken_path(path)
        content = govuk.is_content_path(path)
        if not (spoken or content) and path != LIST_PATH and not path.startswith(LIST_PATH + "/"):
            return self._problem(HTTPStatus.NOT_FOUND, "Not Found")
        self.state.user_agents.add(self.headers.get("User-Agent", ""))
        if self.state.next_request_faults():
            return self._fault()
        try:
            if content:
                answer = govuk.content_item(self.state, path)
                if not answer:
                    return self._problem(HTTPStatus.NOT_FOUND, "Not Found")
                return self._raw(*answer, "application/json; charset=utf-8")
            if spoken:
                answer = spoken_endpoints.route(self.state, path, params)
                if not answer:
                    return self._problem(HTTPStatus.NOT_FOUND, "Not Found")
                return self._json(*answer)
            if path == LIST_PATH:
                return self._list(Query(params))
            parts = path[len(LIST_PATH) :].strip("/").split("/")
            return self._detail(parts, Query(params))
        except BadRequest as error:
            return self._json(
                HTTPStatus.BAD_REQUEST,
                {
                    "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
                    "title": "One or more validation errors occurred.",
                    "status": 400,
                    "errors": error.errors,
                },
                content_type="application/problem+json",
            )

    def do_POST(self):  # noqa: N802
        path = urlsplit(self.path).path.rstrip("/")
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}") if length else {}
        state = self.state
        with state.lock:
            if path == "/_fake/advance":
                state.generation += 1
            elif path == "/_fake/fault":
                state.fault = body.get("mode") or None
                state.fault_rate = float(body.get("rate", state.fault_rate))
            elif path == "/_fake/reset":
                state.requests = state.list_requests = state.detail_requests = state.faults = 0
                state.generation = 0
                state.tops_served.clear()
            else:
                return self._problem(HTTPStatus.NOT_FOUND, "Not Found")
        return self._json(HTTPStatus.OK, state.stats())

    # -- endpoints

    def _list(self, query: Query):
        skip, take = query.validate()
        state = self.state
        hide_top = False
        with state.lock:
            state.list_requests += 1
            if skip == 0:
                signature = query.signature()
                asked_before = state.tops_served.get(signature, 0)
                state.tops_served[signature] = asked_before + 1
                # The newest item is "published" only after a query's first page was served.
                hide_top = state.fault == "shift" and asked_before == 0
                if asked_before and state.fault == "correction" and state.generation < 1:
                    state.generation = 1  # the same query asked again: a later run
        matches = query.predicate()
        matching = sorted(
            (served for record in state.data.records.values() if matches(served := state.served(record))),
            key=sort_key,
        )
        if hide_top:
            matching = matching[1:]
        expand = (query.one("expandmember") or "false").lower() == "true"
        page = matching[skip : skip + take]
        return self._json(
            HTTPStatus.OK,
            {
                "totalResults": len(matching),
                "results": [
                    {
                        "value": _members(state.data.list_view(record), expand),
                        "links": [{"rel": "self", "href": f"/Questions/{record['id']}", "method": "GET"}],
                    }
                    for record in page
                ],
            },
        )

    def _detail(self, parts: list[str], query: Query):
        state = self.state
        with state.lock:
            state.detail_requests += 1
        record = None
        if len(parts) == 1 and parts[0].isdigit():
            record = state.data.records.get(int(parts[0]))
        elif len(parts) == 2:
            day, uin = parts
            record = next(
                (
                    r
                    for r in state.data.records.values()
                    if day_of(r.get("dateTabled")) == day and (r.get("uin") or "").lower() == uin.lower()
                ),
                None,
            )
        elif len(parts) == 1:
            raise BadRequest({"id": [f"The value '{parts[0]}' is not valid."]})
        if record is None:
            return self._problem(HTTPStatus.NOT_FOUND, "Not Found")
        expand = (query.one("expandmember") or "false").lower() == "true"
        value = _members(state.served(record), expand)
        return self._json(
            HTTPStatus.OK,
            {
                "value": value,
                "links": [{"rel": "self", "href": f"/Questions/{record['id']}", "method": "GET"}],
            },
        )

    # -- responses

    def _fault(self):
        mode = self.state.fault
        if mode == "500":
            code = [500, 502, 503][self.state.requests % 3]
            return self._problem(HTTPStatus(code), "Server error")
        if mode == "429":
            return self._json(
                HTTPStatus.TOO_MANY_REQUESTS,
                {"title": "Too Many Requests", "status": 429},
                headers={"Retry-After": f"{self.state.retry_after:g}"},
            )
        if mode == "slow":
            time.sleep(self.state.slow_seconds)
            return self._problem(HTTPStatus.SERVICE_UNAVAILABLE, "Too slow")
        if mode == "malformed":
            return self._raw(
                HTTPStatus.OK, b'{"totalResults": 12, "results": [{"value": {"id": 17', "application/json"
            )
        if mode == "truncated":
            body = json.dumps(
                {"totalResults": 1, "results": [{"value": {"id": 1, "text": "x" * 400}}]}
            ).encode()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return None
        return self._problem(HTTPStatus.INTERNAL_SERVER_ERROR, f"unknown fault {mode}")

    def _problem(self, status: HTTPStatus, title: str):
        return self._json(
            status,
            {
                "type": f"https://tools.ietf.org/html/rfc7231#section-6.{'5.4' if status == 404 else '6.1'}",
                "title": title,
                "status": int(status),
                "traceId": f"00-{self.state.requests:032x}-0000000000000000-00",
            },
            content_type="application/problem+json",
        )

    def _json(
        self,
        status: HTTPStatus,
        body: object,
        *,
        content_type: str = "application/json",
        headers: dict | None = None,
    ):
        return self._raw(status, json.dumps(body).encode(), f"{content_type}; charset=utf-8", headers)

    def _raw(self, status: HTTPStatus, body: bytes, content_type: str, headers: dict | None = None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            logger.debug("The client went away before the answer was sent")


def _members(record: dict, expand: bool) -> dict:
    if expand:
        return record
    return {**record, "askingMember": None, "answeringMember": None, "correctingMember": None}


class FakeParliamentServer(ThreadingHTTPServer):
    """Serve `data` on host:port (port 0 picks a free one). Use `start()` for a background thread."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        data: RecordedData,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        fault: str | None = None,
        fault_rate: float = 1.0,
        retry_after: float = 1.0,
        slow_seconds: float = 30.0,
        statements: list[dict] | None = None,
        contributions: list[dict] | None = None,
        publications: dict[str, bytes] | None = None,
    ):
        """`statements` and `contributions` default to the research rows in fixtures/,
        `publications` (base_path -> the content item's bytes) to recordings/govuk/."""
        if fault is not None and fault not in FAULT_MODES:
            raise ValueError(f"Unknown fault mode {fault!r}; choose from {', '.join(FAULT_MODES)}")
        super().__init__((host, port), Handler)
        self.state = ServerState(
            data=data,
            statements=research_statements() if statements is None else statements,
            contributions=research_contributions() if contributions is None else contributions,
            publications=govuk.recorded_content_items() if publications is None else publications,
            fault=fault,
            fault_rate=fault_rate,
            retry_after=retry_after,
            slow_seconds=slow_seconds,
        )
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeParliamentServer:
        # Checked for a stop every 50 ms, not socketserver's 0.5 s: the suite stops a server per test.
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-parliament", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
