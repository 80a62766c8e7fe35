"""How a piece of evidence is quoted to the public: whole sentences, lists as lists, and the table
a sentence introduces ("The following table shows…:").

Pure: reads the answer's text and the stored excerpt. The excerpt is what an editor or the
matcher picked; the quote is the whole sentences around it (an older excerpt may be a clause or a
list item), with the picked part marked when it is only part of what is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from .passages import LIST_ITEM, pipe_table_blocks, sentence_span


@dataclass(frozen=True)
class QuoteLine:
    """One line of a quote, as (text, is the part the excerpt picked) segments."""

    segments: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class QuoteBlock:
    """A paragraph (one line) or a list (its items)."""

    is_list: bool
    lines: tuple[QuoteLine, ...]


@dataclass(frozen=True)
class Quote:
    blocks: tuple[QuoteBlock, ...]
    # The position, among the answer's tables, of the table this quote introduces; None if none.
    table_index: int | None = None
    # The excerpt was part of a sentence: the quote shows the sentence and marks the part.
    widened: bool = False

    @property
    def text(self) -> str:
        return "\n".join(
            "".join(text for text, _ in line.segments) for block in self.blocks for line in block.lines
        )


def quote_excerpt(answer_text: str, excerpt: str) -> Quote:
    """The whole sentences of `answer_text` holding `excerpt`. An excerpt no longer in the answer
    (the answer was corrected since) is quoted as stored, without a guess at its context."""
    found = answer_text.find(excerpt) if excerpt else -1
    if found < 0:
        return Quote(blocks=_blocks(excerpt, 0, (0, 0)))
    picked = (found, found + len(excerpt))
    start, end = sentence_span(answer_text, *picked)
    widened = (start, end) != picked
    return Quote(
        blocks=_blocks(answer_text[start:end], start, picked if widened else (0, 0)),
        table_index=_introduced_table(answer_text, end),
        widened=widened,
    )


def _blocks(quoted: str, offset: int, picked: tuple[int, int]) -> tuple[QuoteBlock, ...]:
    """Lines of a colon-introduced list become one list; every other line is a paragraph."""
    blocks: list[QuoteBlock] = []
    position = offset
    in_list = False
    for line in quoted.split("\n"):
        line_start, position = position, position + len(line) + 1
        if not line.strip():
            continue
        marker = LIST_ITEM.match(line)
        item = in_list or bool(marker)
        text_start = line_start
        if marker:
            text_start, line = line_start + marker.end(), line[marker.end() :]
        quote_line = QuoteLine(_segments(line, text_start, picked))
        if item and blocks and blocks[-1].is_list:
            blocks[-1] = QuoteBlock(True, (*blocks[-1].lines, quote_line))
        else:
            blocks.append(QuoteBlock(item, (quote_line,)))
        in_list = in_list or line.rstrip().endswith(":")
    return tuple(blocks)


def _segments(line: str, start: int, picked: tuple[int, int]) -> tuple[tuple[str, bool], ...]:
    a = min(max(picked[0] - start, 0), len(line))
    b = min(max(picked[1] - start, 0), len(line))
    parts = ((line[:a], False), (line[a:b], True), (line[b:], False))
    return tuple((text, marked) for text, marked in parts if text)


def _introduced_table(answer_text: str, end: int) -> int | None:
    """A quote ending in a colon introduces the next table of the answer (copies sometimes run a
    paragraph in between): its position among the answer's tables."""
    if not answer_text[:end].rstrip().endswith(":"):
        return None
    if not any("|" in line for line in answer_text[end:].splitlines()):
        return None
    return len(pipe_table_blocks(answer_text[:end]))
