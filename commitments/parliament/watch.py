"""What the re-check watches: terms searched in every answering body, the bodies whose every answer
is read, and the commitments' own keywords looked for in those bodies' answers.

Terms match whole words only, case-insensitively: "IPP" finds "IPP" and "IPPs" but not the "ipp"
inside "equipped".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..models import Commitment, WatchedBody, WatchedTerm
from .client import QuestionSearch


def term_pattern(terms: list[str]) -> re.Pattern | None:
    """One regex for many phrases; whitespace in a phrase matches any run of whitespace."""
    if not terms:
        return None
    alternatives = sorted(
        (r"\s+".join(re.escape(word) for word in term.split()) for term in terms), key=len, reverse=True
    )
    # A plural or possessive ("IPPs", "IPP's") still counts; a longer word ("equipped") does not.
    return re.compile(r"(?<![\w])(" + "|".join(alternatives) + r")(?:s|'s|’s)?(?![\w])", re.IGNORECASE)


def _found(pattern: re.Pattern | None, text: str, terms: dict[str, str]) -> list[str]:
    if pattern is None:
        return []
    found = {terms[" ".join(match.group(1).lower().split())] for match in pattern.finditer(text)}
    return sorted(found)


@dataclass
class Watch:
    everywhere: list[str]
    in_bodies: list[str]
    body_ids: tuple[int, ...]

    @classmethod
    def load(cls) -> Watch:
        terms = WatchedTerm.objects.filter(is_active=True)
        keywords = {
            keyword.strip()
            for keywords in Commitment.objects.values_list("keywords", flat=True)
            for keyword in keywords
            if keyword.strip()
        }
        return cls(
            everywhere=[t.term for t in terms if t.scope == WatchedTerm.Scope.EVERYWHERE],
            in_bodies=sorted(
                {t.term for t in terms if t.scope == WatchedTerm.Scope.WATCHED_BODIES} | keywords
            ),
            body_ids=tuple(
                WatchedBody.objects.filter(is_active=True).values_list("answering_body_id", flat=True)
            ),
        )

    def __post_init__(self):
        self._everywhere = term_pattern(self.everywhere)
        self._in_bodies = term_pattern(self.in_bodies)
        self._canonical = {" ".join(t.lower().split()): t for t in [*self.in_bodies, *self.everywhere]}

    def matches(self, text: str, *, answering_body_id: int | None) -> tuple[bool, list[str]]:
        """(is about IPP, every watched term or keyword found)."""
        ipp_terms = _found(self._everywhere, text, self._canonical)
        body_terms = (
            _found(self._in_bodies, text, self._canonical) if answering_body_id in self.body_ids else []
        )
        return bool(ipp_terms), sorted(set(ipp_terms) | set(body_terms))

    def answer_searches(self, since: date) -> list[QuestionSearch]:
        """New and changed answers since `since`: every answer of the watched bodies (keywords are
        matched here, on the full text), and each IPP term searched in every body."""
        searches = (
            [QuestionSearch(answering_bodies=self.body_ids, answered_from=since)] if self.body_ids else []
        )
        return searches + [QuestionSearch(search_term=term, answered_from=since) for term in self.everywhere]

    def pending_searches(self, since: date) -> list[QuestionSearch]:
        """Corrections since `since`, and questions tabled since then that await an answer."""
        searches = []
        if self.body_ids:
            searches += [
                QuestionSearch(answering_bodies=self.body_ids, corrected_from=since),
                QuestionSearch(answering_bodies=self.body_ids, tabled_from=since, answered="Unanswered"),
            ]
        for term in self.everywhere:
            searches += [
                QuestionSearch(search_term=term, corrected_from=since),
                QuestionSearch(search_term=term, tabled_from=since, answered="Unanswered"),
            ]
        return searches
