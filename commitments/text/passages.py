"""How the analysis reads text: the one tokenizer and the one passage splitter.

Words are folded (NFKC, lower case, number words to digits, thousands commas dropped), stop-words
removed, and Snowball-stemmed. Folding keeps every character one long, so offsets in the folded
text are offsets in the answer and a passage is always a verbatim part of it. Pure functions: the
matcher, the evaluation, the research loader and the tests all read text the same way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

# A paragraph of words reads better than a list of 95 lines.
MATCHER_STOPWORDS = frozenset(
    """
    a an and are as at be but by for if in into is it no not of on or such that the their then
    there these they this to was will with has have had been its from which who whom we our us
    he she his her him them those were would should could may might can do does did also than
    so any all each other per via under over within upon about after before i my me you your
    what when where how whether being
    """.split()  # noqa: SIM905
)
# Picking a research quote: "ipp" is in every one, so it tells passages apart no better.
EXCERPT_STOPWORDS = frozenset({"ipp"})
NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "first": "1st",
    "second": "2nd",
    "third": "3rd",
}
_WORD = re.compile(r"£?\d+(?:,\d{3})*(?:\.\d+)?[a-z]*|[a-z]+(?:'[a-z]+)?")
# A passage ends after a full stop, ?, ! or colon (and, for the matcher's clauses, a semicolon),
# before what starts a new sentence or list item.
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-Z£0-9“‘\"(•\-–])")
_CLAUSE_END = re.compile(r"(?<=[.!?:;])\s+(?=[A-Z£0-9“‘\"(•\-–])")
_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    """One character, NFKC-folded and lower-cased, always exactly one long: offsets in the folded
    text are offsets in the answer, so excerpts stay verbatim."""
    if char in "’‘`´":
        return "'"
    folded = unicodedata.normalize("NFKC", char).lower()
    if len(folded) == 1:
        return folded
    lower = char.lower()
    return lower if len(lower) == 1 else " "


def fold(text: str) -> str:
    """`text` folded character by character: as long as `text`, so offsets carry over."""
    return "".join(map(_fold, text or ""))


def content_words(folded: str) -> list[tuple[str, int, int]]:
    """(word, start, end) of each content word of folded text."""
    found = []
    for match in _WORD.finditer(folded):
        word = match.group(0)
        word = word.removesuffix("'s")
        if word[:1].isdigit() or word[:1] == "£":
            word = word.replace(",", "")
        word = NUMBER_WORDS.get(word, word)
        if word in MATCHER_STOPWORDS or len(word) < 2 and not word.isdigit():
            continue
        found.append((word, match.start(), match.end()))
    return found


def tokens(text: str) -> list[str]:
    """Stemmed content words: the one function that reads commitments, answers and background."""
    return stem_words([word for word, _, _ in content_words(fold(text))])


def stem_words(words: list[str]) -> list[str]:
    return _STEMMER.stemWords(words) if words else []


# A line that is an item of a list: "- Reduce …;", "• …", "(a) …", "2. …".
LIST_ITEM = re.compile(r"\s*(?:[-•–*]\s|\(?[a-z0-9]{1,3}[.)]\s)")
# An item that leaves its sentence open: "…;", "…; and", "…, or", "…:".
_OPEN_END = re.compile(r"(?:[;,:]|\b(?:and|or))\s*$")
# An unmarked first item: "Reduce the period;" or "…; and".
_ITEM_END = re.compile(r";(?:\s*(?:and|or))?\s*$")


def _line_passages(text: str, ends: re.Pattern) -> list[tuple[str, list[tuple[int, int]]]]:
    """Each line of `text` with the (start, end) of its passages; none for a table line."""
    lines = []
    offset = 0
    for line in text.split("\n"):
        start, offset = offset, offset + len(line) + 1
        spans: list[tuple[int, int]] = []
        lines.append((line, spans))
        if "|" in line or not re.search(r"[A-Za-z]{3}", line):
            continue
        begin = 0
        bounds = []
        for end in ends.finditer(line):
            bounds.append((begin, end.start()))
            begin = end.end()
        bounds.append((begin, len(line)))
        for a, b in bounds:
            sentence = line[a:b]
            if sentence.strip():
                spans.append(
                    (start + a + len(sentence) - len(sentence.lstrip()), start + len(line[:b].rstrip()))
                )
    return lines


def passages(text: str, *, clauses: bool = True) -> list[tuple[int, int]]:
    """(start, end) of each passage of `text`, within paragraphs; table lines are left out.

    The matcher scores clauses (a semicolon ends one too, and each item of a list is one); a quote
    is whole sentences, so there a list belongs to the sentence that introduces it: "The new measure
    will:" and its items "- Reduce …;", "- Include …; and", "- Introduce …." are one passage.
    """
    if clauses:
        return [span for _, spans in _line_passages(text, _CLAUSE_END) for span in spans]
    lines = _line_passages(text, _SENTENCE_END)
    found = []
    index = 0
    while index < len(lines):
        spans = lines[index][1]
        index += 1
        if not spans:
            continue
        found += spans[:-1]
        start, end = spans[-1]
        if text[start:end].endswith(":"):
            index, end = _list_after(text, lines, index, end)
        found.append((start, end))
    return found


def _list_after(text: str, lines: list, index: int, end: int) -> tuple[int, int]:
    """Where the list after a colon ends: items are lines marked as items ("- ", "• ", "(a) "),
    lines that follow an item left open ("…; and"), or, first, an unmarked item ending in ";" (as
    answer HTML's list items arrive). A table or plain text after a finished item ends it.
    Returns the next line to read and the list's end."""
    after_open_item = False
    first = True
    while index < len(lines):
        line, spans = lines[index]
        if not line.strip():
            index += 1
            continue
        is_item = LIST_ITEM.match(line) or after_open_item or (first and _ITEM_END.search(line))
        if not spans or not is_item:
            break
        end = spans[-1][1]
        after_open_item = bool(_OPEN_END.search(text[:end]))
        first = False
        index += 1
    return index, end


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole sentences of `text` that the span touches: a quote never starts or stops inside
    one, so a clause the matcher scored, or a list item an editor picked, is read in its sentence."""
    touched = [(a, b) for a, b in passages(text, clauses=False) if a < end and b > start]
    if not touched:
        return start, end
    return min(start, touched[0][0]), max(end, touched[-1][1])


def whole_sentences(text: str, excerpt: str) -> str:
    """`excerpt` widened to the whole sentences of `text` it is part of; unchanged when it is not
    found in `text` (an answer since corrected): never a guess."""
    start = text.find(excerpt) if excerpt else -1
    if start < 0:
        return excerpt
    a, b = sentence_span(text, start, start + len(excerpt))
    return text[a:b]


def best_excerpt(text: str, *, phrases: list[str], complete: bool = True) -> str:
    """The sentence sharing most distinct words with `phrases`; ties go to the earlier one.

    Returns "" when no sentence shares a word: better no quote than an irrelevant one. A copy that
    was cut off at the source loses its unfinished last sentence.
    """
    wanted = set(tokens(" ".join(phrases))) - EXCERPT_STOPWORDS
    spans = passages(text, clauses=False)
    if not complete and spans and not text[: spans[-1][1]].endswith((".", "!", "?", ":")):
        spans.pop()
    best, best_score = "", 0
    for start, end in spans:
        score = len(wanted & set(tokens(text[start:end])))
        if score > best_score:
            best, best_score = text[start:end], score
    return best


def pipe_table_blocks(text: str) -> list[list[str]]:
    """Each run of consecutive pipe-separated lines: one table apiece (blank lines inside a run do not
    end it). Here because quotes find the table a sentence introduces by the same rule."""
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        if "|" in line:
            blocks[-1].append(line)
        elif blocks[-1] and line.strip():
            blocks.append([])
    return [block for block in blocks if len(block) >= 2]


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each whole sentence of `text`, tables left out: what an editor may quote."""
    return passages(text, clauses=False)


def quote_sentences(text: str, chosen: list[int]) -> str:
    """The chosen sentences of `text` (indices into `sentences(text)`), verbatim and in order.
    Sentences next to each other are quoted with what separates them; a gap (sentences left out,
    or a table between) is marked with " … ". Never a fragment: only whole sentences are offered."""
    spans = sentences(text)
    picked = sorted({i for i in chosen if 0 <= i < len(spans)})
    parts: list[str] = []
    run_start = run_end = None
    for i in picked:
        start, end = spans[i]
        if run_end is not None and not text[run_end:start].strip():
            run_end = end
            continue
        if run_start is not None:
            parts.append(text[run_start:run_end])
        run_start, run_end = start, end
    if run_start is not None:
        parts.append(text[run_start:run_end])
    return " … ".join(parts)


def sentences_covering(text: str, passage: str) -> list[int]:
    """Indices of the sentences that hold `passage` (a verbatim part of `text`, such as a
    matcher's clause), so the quote offered is whole sentences; [] when it is not found."""
    at = text.find(passage) if passage else -1
    if at < 0:
        return []
    end = at + len(passage)
    return [i for i, (a, b) in enumerate(sentences(text)) if a < end and b > at]
