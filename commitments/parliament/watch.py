"""What the re-check watches: terms searched in every answering body, the bodies whose every answer
is read, and the commitments' own keywords looked for in those bodies' answers.

Terms match whole words only, case-insensitively: "IPP" finds "IPP" and "IPPs" but not the "ipp"
inside "equipped".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

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


# The characters outside ASCII that a case-insensitive regular expression takes for an ASCII one:
# dotted and dotless i, the long s, the Kelvin sign. A text holding one skips the pre-check below.
_ASCII_LOOKALIKES = ("\u0130", "\u0131", "\u017f", "\u212a")
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=512)
def _pattern_of(terms: tuple[str, ...]) -> re.Pattern | None:
    return term_pattern(list(terms))


def _may_occur(pieces: list[str], words: set[str]) -> bool:
    """Whether a term whose words are `pieces` can match a text whose words are `words`."""
    if not pieces:
        return True
    *inner, last = pieces
    return all(piece in words for piece in inner) and (last in words or f"{last}s" in words)


class Terms:
    """term_pattern over many terms (the commitments' keywords, some 160), run with only the terms
    that can occur in the text at hand. Leaving out a term that cannot match changes nothing: the
    others keep their order, so finditer finds exactly what the whole pattern finds, without trying
    every term at every word.

    The pre-check: where an ASCII term matches, each of its words (runs of \\w) is a whole word of
    the lowercased text, but the last, which may be followed by the plural "s" (lowercasing never
    turns a character that is not \\w into one that is, so the text's words keep their edges). That
    holds when the text has no _ASCII_LOOKALIKES; a text with one gets the whole pattern, and a term
    that is not ASCII is always kept. For a couple of terms (the IPP terms) reading the text's words
    costs more than it saves: those use term_pattern alone."""

    def __init__(self, terms: list[str]):
        self.pattern = term_pattern(terms)
        self._terms = terms
        self._always: set[int] = set()  # not ASCII, or no word at all: no pre-check
        self._by_first_word: dict[str, list[tuple[int, list[str]]]] = {}
        for index, term in enumerate(terms):
            pieces = _WORD.findall(term.lower()) if term.isascii() else []
            if pieces:
                self._by_first_word.setdefault(pieces[0], []).append((index, pieces))
            else:
                self._always.add(index)

    def pattern_for(self, text: str) -> re.Pattern | None:
        if self.pattern is None or (not text.isascii() and any(c in text for c in _ASCII_LOOKALIKES)):
            return self.pattern
        words = set(_WORD.findall(text.lower()))
        firsts = words.union(word[:-1] for word in words if word.endswith("s"))  # "IPPs": "ipp"
        chosen = set(self._always)
        for first in firsts & self._by_first_word.keys():
            chosen.update(index for index, pieces in self._by_first_word[first] if _may_occur(pieces, words))
        return _pattern_of(tuple(self._terms[index] for index in sorted(chosen))) if chosen else None


def _term_of(matched: str, canonical: dict[str, str]) -> str:
    """The watched term a match is, as written in the watch."""
    term = canonical.get(" ".join(matched.lower().split()))
    if term is None:  # a character a regex takes for an ASCII one ("riſk" is "risk"): ask each term
        term = next(term for term in canonical.values() if term_pattern([term]).fullmatch(matched))
    return term


def _found(pattern: re.Pattern | None, text: str, canonical: dict[str, str]) -> list[str]:
    if pattern is None:
        return []
    return sorted({_term_of(match.group(1), canonical) for match in pattern.finditer(text)})


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
        self._in_bodies = Terms(self.in_bodies)
        self._canonical = {" ".join(t.lower().split()): t for t in [*self.in_bodies, *self.everywhere]}

    def matches(self, text: str, *, answering_body_id: int | None) -> tuple[bool, list[str]]:
        """(is about IPP, every watched term or keyword found)."""
        ipp_terms = _found(self._everywhere, text, self._canonical)
        body_terms = (
            _found(self._in_bodies.pattern_for(text), text, self._canonical)
            if answering_body_id in self.body_ids
            else []
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
