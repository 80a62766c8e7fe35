"""A list request's parameters, filters and order, as Parliament's API applies them."""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from datetime import date

from .records import day_of, latest_activity, plain_text


class BadRequest(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors


DATE_FILTERS = {
    "tabledwhenfrom": ("dateTabled", ">="),
    "tabledwhento": ("dateTabled", "<="),
    "answeredwhenfrom": ("dateAnswered", ">="),
    "answeredwhento": ("dateAnswered", "<="),
    "correctedwhenfrom": ("dateAnswerCorrected", ">="),
    "correctedwhento": ("dateAnswerCorrected", "<="),
    "dateforanswerwhenfrom": ("dateForAnswer", ">="),
    "dateforanswerwhento": ("dateForAnswer", "<="),
}


@dataclass
class Query:
    """A list request's parameters, bound as ASP.NET Core binds them (names case-insensitive)."""

    params: list[tuple[str, str]]

    def one(self, name: str) -> str | None:
        values = [value for key, value in self.params if key.lower() == name]
        return values[-1] if values else None

    def many(self, name: str) -> list[str]:
        return [value for key, value in self.params if key.lower() == name]

    def signature(self) -> tuple:
        """What identifies "the same query" across runs: not its window or page."""
        keep = {"searchterm", "answeringbodies", "house", "answered", "members", "uin"}
        return tuple(sorted((key.lower(), value) for key, value in self.params if key.lower() in keep))

    def validate(self) -> tuple[int, int]:
        errors: dict[str, list[str]] = {}
        skip, take = self._int("skip", 0, errors), self._int("take", 20, errors)
        for name in DATE_FILTERS:
            value = self.one(name)
            if value:
                try:
                    date.fromisoformat(value[:10])
                except ValueError:
                    errors[name] = [f"The value '{value}' is not valid."]
        house = self.one("house")
        if house and house.lower() not in {"bicameral", "commons", "lords"}:
            errors["house"] = [f"The value '{house}' is not valid."]
        answered = self.one("answered")
        if answered and answered.lower() not in {"any", "answered", "unanswered"}:
            errors["answered"] = [f"The value '{answered}' is not valid."]
        for body in self.many("answeringbodies"):
            if not body.lstrip("-").isdigit():
                errors["answeringBodies"] = [f"The value '{body}' is not valid."]
        for name in ("includewithdrawn", "expandmember"):
            value = self.one(name)
            if value and value.lower() not in {"true", "false"}:
                errors[name] = [f"The value '{value}' is not valid."]
        for name in ("askingmemberid", "answeringmemberid"):
            value = self.one(name)
            if value and not value.lstrip("-").isdigit():
                errors[name] = [f"The value '{value}' is not valid."]
        if errors:
            raise BadRequest(errors)
        return skip, take

    def _int(self, name: str, default: int, errors: dict) -> int:
        value = self.one(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            errors[name] = [f"The value '{value}' is not valid."]
            return default
        if number < 0:
            errors[name] = [f"The value '{value}' is not valid."]
        return number

    def matches(self, record: dict) -> bool:
        return self.predicate()(record)

    def predicate(self):
        """The filters, parsed once, as one function over records."""
        house = (self.one("house") or "").lower()
        bodies = {int(body) for body in self.many("answeringbodies")}
        include_withdrawn = (self.one("includewithdrawn") or "false").lower() == "true"
        answered = (self.one("answered") or "any").lower()
        uin = (self.one("uin") or "").lower()
        windows = [
            (field_name, op, (self.one(name) or "")[:10])
            for name, (field_name, op) in DATE_FILTERS.items()
            if self.one(name)
        ]
        member_filters = [
            (field_name, self.one(name))
            for name, field_name in (
                ("askingmemberid", "askingMemberId"),
                ("answeringmemberid", "answeringMemberId"),
            )
            if self.one(name)
        ]
        members = set(self.many("members"))
        term = " ".join((self.one("searchterm") or "").lower().split())

        def check(record: dict) -> bool:
            if house in {"commons", "lords"} and record["house"].lower() != house:
                return False
            if bodies and record["answeringBodyId"] not in bodies:
                return False
            if not include_withdrawn and record.get("isWithdrawn"):
                return False
            if (answered == "answered" and not record.get("dateAnswered")) or (
                answered == "unanswered" and record.get("dateAnswered")
            ):
                return False
            if uin and (record.get("uin") or "").lower() != uin:
                return False
            for field_name, op, bound in windows:
                value = day_of(record.get(field_name))
                if value is None or (value < bound if op == ">=" else value > bound):
                    return False
            for field_name, wanted in member_filters:
                if str(record.get(field_name)) != wanted:
                    return False
            if members and not members & {
                str(record.get("askingMemberId")),
                str(record.get("answeringMemberId")),
            }:
                return False
            return not term or term in _searchable(record)

        return check


def _searchable(record: dict) -> str:
    return _search_text(record.get("questionText"), record.get("answerText"), record.get("heading"))


@functools.lru_cache(maxsize=100_000)
def _search_text(*texts: str | None) -> str:
    """The text searchTerm looks in: question, answer (tags and entities gone) and heading."""
    return " ".join(" ".join(html.unescape(plain_text(text) or "").lower().split()) for text in texts)


def sort_key(record: dict) -> tuple:
    """Latest activity first, unanswered last, then id descending (reference §2.1)."""
    activity = latest_activity(record)
    return (0 if activity else 1, _negate(activity), -record["id"])


def _negate(day: str) -> str:
    return "".join(chr(0x10FFFF - ord(char)) for char in day)
