"""Clients for the two other ways ministers speak to Parliament: the Written Statements API (the same
service as written questions, so the same host, retries and paging) and the Hansard API's
contribution search (its own host; `queryParameters.`-prefixed names, capitalised fields).

Both reuse ParliamentClient's HTTP (timeouts, backoff, Retry-After, no retry on 4xx) and its paging
that survives a result set moving while it pages; each returns validated records, never the ORM.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Literal

from pydantic import AliasGenerator, BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel, to_pascal

from .client import MalformedRecord, Member, Page, ParliamentClient, ParliamentUnavailable


class _Record(BaseModel):
    raw: dict = Field(default_factory=dict, exclude=True, validation_alias="__raw__")

    @classmethod
    def from_api(cls, value: object, *, id_key: str):
        if not isinstance(value, dict):
            raise MalformedRecord("?", "value", f"is a {type(value).__name__}, not an object")
        try:
            return cls.model_validate({**value, "__raw__": value})
        except ValidationError as error:
            first = error.errors()[0]
            field_name = ".".join(str(part) for part in first["loc"]) or "?"
            raise MalformedRecord(value.get(id_key, "?"), field_name, first["msg"].lower()) from None

    @cached_property  # read twice for a new record (is it known? then stored): hashed once
    def fingerprint(self) -> str:
        """Hash of the record as received: an unchanged one needs no further work."""
        encoded = json.dumps(self.raw, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(encoded).hexdigest()


class StatementRecord(_Record):
    """One StatementsViewModel (Written Questions Service API, v1)."""

    model_config = ConfigDict(
        alias_generator=AliasGenerator(validation_alias=to_camel), extra="ignore", frozen=True
    )

    id: int
    member_id: int | None = None
    member: Member | None = None
    member_role: str | None = None
    uin: str = Field(min_length=1)
    date_made: date
    answering_body_id: int | None = None
    answering_body_name: str | None = None
    title: str | None = None
    text: str | None = None
    house: Literal["Commons", "Lords"]
    attachments: list[dict] | None = None
    linked_statements: list[dict] | None = None


class ContributionRecord(_Record):
    """One SearchReferencesItem of the Hansard API's contribution search."""

    model_config = ConfigDict(
        alias_generator=AliasGenerator(validation_alias=to_pascal), extra="ignore", frozen=True
    )

    item_id: int
    member_name: str | None = None
    member_id: int | None = None
    attributed_to: str | None = None
    contribution_ext_id: str | None = None
    contribution_text_full: str | None = None
    hansard_section: str | None = None
    debate_section: str | None = None
    debate_section_ext_id: str | None = None
    sitting_date: date | None = None
    house: Literal["Commons", "Lords"]

    @property
    def id(self) -> int:
        """What paging de-duplicates on, as for questions."""
        return self.item_id


@dataclass(frozen=True)
class StatementSearch:
    """One list query of written statements, in the API's own parameter names."""

    search_term: str | None = None
    answering_bodies: tuple[int, ...] = ()
    house: Literal["Commons", "Lords"] | None = None
    made_from: date | None = None
    made_to: date | None = None

    def params(self) -> list[tuple[str, str]]:
        pairs = [
            ("searchTerm", self.search_term),
            ("house", self.house),
            ("madeWhenFrom", self.made_from and self.made_from.isoformat()),
            ("madeWhenTo", self.made_to and self.made_to.isoformat()),
            ("expandMember", "true"),
            *(("answeringBodies", str(body)) for body in self.answering_bodies),
        ]
        return [(name, value) for name, value in pairs if value]

    def describe(self) -> str:
        return "&".join(f"{name}={value}" for name, value in self.params())


@dataclass(frozen=True)
class ContributionSearch:
    """One contribution search (spoken contributions); Hansard requires a search term."""

    search_term: str
    house: Literal["Commons", "Lords"] | None = None
    start_date: date | None = None
    end_date: date | None = None

    def params(self) -> list[tuple[str, str]]:
        pairs = [
            ("queryParameters.searchTerm", self.search_term),
            ("queryParameters.house", self.house),
            ("queryParameters.startDate", self.start_date and self.start_date.isoformat()),
            ("queryParameters.endDate", self.end_date and self.end_date.isoformat()),
            ("queryParameters.orderBy", "SittingDateDesc"),
        ]
        return [(name, value) for name, value in pairs if value]

    def describe(self) -> str:
        return "&".join(f"{name}={value}" for name, value in self.params())


class StatementsClient(ParliamentClient):
    """Talks HTTP to the Written Statements API (or the recorded-API server)."""

    list_path = "/api/writtenstatements/statements"

    def list_page(self, search: StatementSearch, *, skip: int = 0, take: int | None = None) -> Page:
        params = [*search.params(), ("skip", str(skip)), ("take", str(take or self.page_size))]
        body = self._get_json(self.list_path, params)
        if not isinstance(body, dict) or not isinstance(body.get("results"), list):
            raise ParliamentUnavailable(f"GET {self.base_url}{self.list_path} returned JSON without results")
        items = []
        for result in body["results"]:
            try:
                value = result.get("value") if isinstance(result, dict) else None
                items.append(StatementRecord.from_api(value, id_key="id"))
            except MalformedRecord as error:
                items.append(error)
        self.stats.pages += 1
        return Page(total=int(body.get("totalResults") or 0), items=items)


class HansardClient(ParliamentClient):
    """Talks HTTP to the Hansard API's contribution search (or the recorded-API server)."""

    list_path = "/search/contributions/Spoken.json"

    @classmethod
    def from_settings(cls) -> HansardClient:
        from django.conf import settings

        return cls(
            settings.HANSARD_API_URL,
            timeout=settings.PARLIAMENT_API_TIMEOUT,
            max_tries=settings.PARLIAMENT_API_MAX_TRIES,
            backoff=settings.PARLIAMENT_API_BACKOFF,
            page_size=min(100, settings.PARLIAMENT_API_PAGE_SIZE),
        )

    def list_page(self, search: ContributionSearch, *, skip: int = 0, take: int | None = None) -> Page:
        params = [
            *search.params(),
            ("queryParameters.skip", str(skip)),
            ("queryParameters.take", str(take or self.page_size)),
        ]
        body = self._get_json(self.list_path, params)
        if not isinstance(body, dict) or not isinstance(body.get("Results"), list):
            raise ParliamentUnavailable(f"GET {self.base_url}{self.list_path} returned JSON without Results")
        items = []
        for value in body["Results"]:
            try:
                items.append(ContributionRecord.from_api(value, id_key="ItemId"))
            except MalformedRecord as error:
                items.append(error)
        self.stats.pages += 1
        return Page(total=int(body.get("TotalResultCount") or 0), items=items)
