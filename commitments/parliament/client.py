"""HTTP client for Parliament's Written Questions API: URLs, paging, timeouts, retries and the JSON
shape. It returns validated records and never touches the ORM (upsert.py and recheck.py do).

Reference: the API's own names are kept (`uin`, `dateTabled`, `answeringBodies`, `skip`/`take`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import httpx
from pydantic import AliasGenerator, BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

logger = logging.getLogger(__name__)

USER_AGENT = (
    "ipp-commitment-tracker/0.1 (civic-tech tracker of the IPP Action Plan; "
    "re-checks written answers on a schedule)"
)
# The list view cuts text (reference §6): question text at 255 characters with no ellipsis,
# answer text at 255 characters plus "...".
LIST_TEXT_LIMIT = 255
LIST_ELLIPSIS = "..."


class ParliamentError(Exception):
    """Something went wrong talking to Parliament; the message names the URL and why."""


class ParliamentUnavailable(ParliamentError):
    """The API did not give a usable answer after every retry (down, slow, 5xx, 429, garbage)."""


class QuestionNotFound(ParliamentError):
    """The API answered 404 for one question."""


class MalformedRecord(ParliamentError):
    """One record failed validation: it is skipped whole, never half-written."""

    def __init__(self, question_id: object, field_name: str, problem: str):
        self.question_id = question_id
        self.field_name = field_name
        self.problem = problem
        super().__init__(f"Question {question_id}: field “{field_name}” {problem}")


class Member(BaseModel):
    model_config = ConfigDict(alias_generator=AliasGenerator(validation_alias=to_camel), extra="ignore")

    id: int
    name: str | None = None
    list_as: str | None = None
    party: str | None = None


class QuestionRecord(BaseModel):
    """One question as the API returns it (`value` of a list item or of a detail response)."""

    model_config = ConfigDict(
        alias_generator=AliasGenerator(validation_alias=to_camel), extra="ignore", frozen=True
    )

    id: int
    asking_member_id: int
    asking_member: Member | None = None
    house: Literal["Commons", "Lords"]
    date_tabled: date
    date_for_answer: date | None = None
    uin: str = Field(min_length=1)
    question_text: str | None = None
    answering_body_id: int
    answering_body_name: str | None = None
    is_withdrawn: bool
    is_named_day: bool = False
    grouped_questions: list[str] | None = None
    answer_is_holding: bool | None = None
    answer_is_correction: bool | None = None
    answering_member_id: int | None = None
    answering_member: Member | None = None
    correcting_member_id: int | None = None
    correcting_member: Member | None = None
    date_answered: date | None = None
    answer_text: str | None = None
    original_answer_text: str | None = None
    date_answer_corrected: date | None = None
    date_holding_answer: date | None = None
    heading: str | None = None

    # Not from the API: the raw JSON object as received, and whether it came from the list view.
    raw: dict = Field(default_factory=dict, exclude=True, validation_alias="__raw__")
    from_list: bool = Field(default=False, exclude=True, validation_alias="__from_list__")

    @classmethod
    def from_api(cls, value: object, *, from_list: bool) -> QuestionRecord:
        if not isinstance(value, dict):
            raise MalformedRecord("?", "value", f"is a {type(value).__name__}, not an object")
        try:
            return cls.model_validate({**value, "__raw__": value, "__from_list__": from_list})
        except ValidationError as error:
            first = error.errors()[0]
            field_name = ".".join(str(part) for part in first["loc"]) or "?"
            raise MalformedRecord(value.get("id", "?"), field_name, first["msg"].lower()) from None

    @property
    def is_truncated(self) -> bool:
        """A list item whose text the list view cut: the full text needs a detail request."""
        if not self.from_list:
            return False
        question = self.question_text or ""
        answer = self.answer_text or ""
        return len(question) >= LIST_TEXT_LIMIT or (
            answer.endswith(LIST_ELLIPSIS) and len(answer) >= LIST_TEXT_LIMIT + len(LIST_ELLIPSIS)
        )

    @property
    def fingerprint(self) -> str:
        """Hash of the record as received: an unchanged list item needs no further work."""
        encoded = json.dumps(self.raw, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(encoded).hexdigest()


@dataclass(frozen=True)
class QuestionSearch:
    """One list query, in the API's own parameter names (see reference §2.1)."""

    search_term: str | None = None
    answering_bodies: tuple[int, ...] = ()
    house: Literal["Commons", "Lords"] | None = None
    answered: Literal["Any", "Answered", "Unanswered"] | None = None
    tabled_from: date | None = None
    tabled_to: date | None = None
    answered_from: date | None = None
    answered_to: date | None = None
    corrected_from: date | None = None
    corrected_to: date | None = None
    include_withdrawn: bool = True
    expand_member: bool = True
    uin: str | None = None

    def params(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str | None]] = [
            ("searchTerm", self.search_term),
            ("house", self.house),
            ("answered", self.answered),
            ("tabledWhenFrom", _iso(self.tabled_from)),
            ("tabledWhenTo", _iso(self.tabled_to)),
            ("answeredWhenFrom", _iso(self.answered_from)),
            ("answeredWhenTo", _iso(self.answered_to)),
            ("correctedWhenFrom", _iso(self.corrected_from)),
            ("correctedWhenTo", _iso(self.corrected_to)),
            ("uIN", self.uin),
            ("includeWithdrawn", "true" if self.include_withdrawn else "false"),
            ("expandMember", "true" if self.expand_member else "false"),
            *(("answeringBodies", str(body)) for body in self.answering_bodies),
        ]
        return [(name, value) for name, value in pairs if value is not None]

    def describe(self) -> str:
        return "&".join(f"{name}={value}" for name, value in self.params())


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass
class Page:
    total: int
    items: list[QuestionRecord | MalformedRecord]


@dataclass
class ClientStats:
    requests: int = 0
    retries: int = 0
    pages: int = 0
    details: int = 0
    restarts: int = 0
    errors: list[str] = field(default_factory=list)


class ParliamentClient:
    """Talks HTTP to the Written Questions API (or the project's recorded-API server)."""

    list_path = "/api/writtenquestions/questions"

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 20.0,
        max_tries: int = 5,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        page_size: int = 100,
        max_restarts: int = 3,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.max_tries = max_tries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.page_size = page_size
        self.max_restarts = max_restarts
        self.sleep = sleep
        self.stats = ClientStats()
        self.http = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=True,  # the old host answers 301 to the current one
            transport=transport,
        )

    @classmethod
    def from_settings(cls) -> ParliamentClient:
        from django.conf import settings

        return cls(
            settings.PARLIAMENT_API_URL,
            timeout=settings.PARLIAMENT_API_TIMEOUT,
            max_tries=settings.PARLIAMENT_API_MAX_TRIES,
            backoff=settings.PARLIAMENT_API_BACKOFF,
            page_size=settings.PARLIAMENT_API_PAGE_SIZE,
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> ParliamentClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- requests -----------------------------------------------------------------------------

    def _get_json(self, path: str, params: list[tuple[str, str]] | None = None) -> object:
        """GET with retries: backoff with jitter on connection errors, timeouts, 5xx and broken
        bodies; `Retry-After` on 429; no retry on other 4xx."""
        url = f"{self.base_url}{path}"
        reason = "no attempt made"
        for attempt in range(1, self.max_tries + 1):
            self.stats.requests += 1
            wait = None
            try:
                response = self.http.get(path, params=params)
            except httpx.TimeoutException:
                reason = "timed out"
            except httpx.TransportError as error:
                reason = f"connection failed ({type(error).__name__}: {error})"
            else:
                if response.status_code == 404:
                    raise QuestionNotFound(f"GET {url} answered 404 Not Found")
                if response.status_code == 429:
                    reason = "429 Too Many Requests"
                    wait = _retry_after(response)
                elif response.status_code >= 500:
                    reason = f"{response.status_code} server error"
                elif response.status_code >= 400:
                    raise ParliamentError(f"GET {url} answered {response.status_code}: {response.text[:200]}")
                else:
                    try:
                        return response.json()
                    except ValueError:
                        reason = "the body was not valid JSON (malformed or cut off)"
            if attempt < self.max_tries:
                self.stats.retries += 1
                self.sleep(min(self.max_backoff, wait if wait is not None else self._backoff(attempt)))
        raise ParliamentUnavailable(f"GET {url} failed after {self.max_tries} tries: {reason}")

    def _backoff(self, attempt: int) -> float:
        return self.backoff * (2 ** (attempt - 1)) * (0.5 + random.random())  # noqa: S311 - jitter

    # -- public API ---------------------------------------------------------------------------

    def list_page(self, search: QuestionSearch, *, skip: int = 0, take: int | None = None) -> Page:
        params = [*search.params(), ("skip", str(skip)), ("take", str(take or self.page_size))]
        body = self._get_json(self.list_path, params)
        if not isinstance(body, dict) or not isinstance(body.get("results"), list):
            raise ParliamentUnavailable(
                f"GET {self.base_url}{self.list_path} returned JSON without a results list"
            )
        items: list[QuestionRecord | MalformedRecord] = []
        for result in body["results"]:
            try:
                value = result.get("value") if isinstance(result, dict) else None
                items.append(QuestionRecord.from_api(value, from_list=True))
            except MalformedRecord as error:
                items.append(error)
        self.stats.pages += 1
        return Page(total=int(body.get("totalResults") or 0), items=items)

    def get_question(self, question_id: int) -> QuestionRecord:
        body = self._get_json(f"{self.list_path}/{question_id}", [("expandMember", "true")])
        self.stats.details += 1
        value = body.get("value") if isinstance(body, dict) else None
        return QuestionRecord.from_api(value, from_list=False)

    def complete(self, record: QuestionRecord) -> QuestionRecord:
        """The full record when the list view cut its text; the record itself otherwise."""
        return self.get_question(record.id) if record.is_truncated else record

    def iter_pages(self, search: QuestionSearch) -> Iterator[Page]:
        """Pages of one query, fetched lazily. If the result set moves while paging (the total
        changes, or a pass ends having seen fewer distinct items than the total because items
        were reordered), start again from the top and pass on only items not yet seen: nothing
        is returned twice and nothing that moved above the current page is skipped. `skip`
        advances by what the server returned, so a server that caps `take` loses nothing."""
        seen: set[int] = set()
        for _restart in range(self.max_restarts + 1):
            skip, total = 0, None
            moved = False
            in_this_pass: set[int] = set()
            repeated = False
            while True:
                page = self.list_page(search, skip=skip)
                if total is None:
                    total = page.total
                elif page.total != total:
                    moved = True
                    logger.info("Result set moved while paging (%s -> %s); re-reading", total, page.total)
                    break
                ids = [_item_id(item) for item in page.items]
                repeated = repeated or any(i in in_this_pass for i in ids if i is not None)
                in_this_pass.update(i for i in ids if i is not None)
                fresh = [item for item, i in zip(page.items, ids, strict=True) if i is None or i not in seen]
                seen.update(i for i in ids if i is not None)
                yield Page(total=page.total, items=fresh)
                skip += len(page.items)
                if skip >= page.total or not page.items:
                    break
            if not moved and repeated:
                moved = True  # same total, but an item came twice in one pass: another was never seen
                logger.info("Results reordered while paging; re-reading")
            if not moved:
                return
            self.stats.restarts += 1
        raise ParliamentUnavailable(
            f"The results of {search.describe()} kept moving while paging; gave up after "
            f"{self.max_restarts} restarts"
        )


def _item_id(item) -> int | None:
    """A record's id (questions', statements' or Hansard's); a malformed one's, when it had one."""
    if not isinstance(item, MalformedRecord):
        return item.id
    return item.question_id if isinstance(item.question_id, int) else None


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return 1.0
