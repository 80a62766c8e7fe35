"""Which passage of an answer speaks to a commitment.

For now this picks the quoted excerpt for evidence whose link is already known (the labelled
research data); the scored matcher that suggests new links builds on it.
"""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-Z£0-9“‘\"(])")
WORD = re.compile(r"[a-z0-9£]+")
STOPWORDS = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "ipp",
    )
)


def split_sentences(text: str, *, complete: bool = True) -> list[str]:
    """Sentences of `text`; a copy that was cut off at the source loses its unfinished last one."""
    sentences = [
        sentence.strip()
        for paragraph in text.split("\n")
        for sentence in SENTENCE_END.split(paragraph)
        if sentence.strip()
    ]
    if not complete and sentences and not sentences[-1].endswith((".", "!", "?", ":")):
        sentences.pop()
    return sentences


def _terms(phrases: list[str]) -> set[str]:
    return {word for phrase in phrases for word in WORD.findall(phrase.lower())} - STOPWORDS


def best_excerpt(text: str, *, phrases: list[str], complete: bool = True) -> str:
    """The sentence sharing most distinct terms with `phrases`; ties go to the earlier one.

    Returns "" when no sentence shares a term: better no quote than an irrelevant one.
    """
    terms = _terms(phrases)
    best, best_score = "", 0
    for sentence in split_sentences(text, complete=complete):
        score = len(terms & set(WORD.findall(sentence.lower())))
        if score > best_score:
            best, best_score = sentence, score
    return best
