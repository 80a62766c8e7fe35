"""Passages editors paste from a GOV.UK publication's attachments (the PDFs and spreadsheets the
tracker does not read), each under the address of the attachment it was read from:

    https://assets.publishing.service.gov.uk/media/…/report.pdf
    The passage, verbatim, as one paragraph per line.

So a quote from a publication names where its words can be checked. Pure: no database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# Where a publication's attachments live: GOV.UK's asset host, or an HTML attachment on GOV.UK.
ATTACHMENT_HOSTS = ("assets.publishing.service.gov.uk", "www.gov.uk")
_ADDRESS = re.compile(r"^https?://\S+$")
GAP = " … "  # what quote_sentences puts between sentences not next to each other


@dataclass(frozen=True)
class Passage:
    url: str  # the attachment's address
    text: str  # verbatim, as pasted


class PassageError(ValueError):
    """The passages cannot be read as passages under attachment addresses: the message says why."""


def read_passages(pasted: str) -> list[Passage]:
    """The passages, in order. Refused (PassageError) when words come before any address, an
    address is not on GOV.UK's attachment hosts, or an address has no passage under it: a quote
    must always name the attachment its words were read from."""
    passages: list[Passage] = []
    url, lines = "", []
    for number, line in enumerate(pasted.replace("\r\n", "\n").split("\n"), 1):
        if _ADDRESS.match(line.strip()):
            if url:
                passages.append(_passage(url, lines))
            url, lines = line.strip(), []
            host = urlsplit(url).hostname or ""
            if urlsplit(url).scheme != "https" or host not in ATTACHMENT_HOSTS:
                raise PassageError(
                    f"Line {number}: {url} is not an attachment's address on GOV.UK "
                    f"(https://{ATTACHMENT_HOSTS[0]}/… or https://{ATTACHMENT_HOSTS[1]}/…)."
                )
        elif line.strip() and not url:
            raise PassageError(
                f"Line {number}: start each passage with the address of the attachment it was read from."
            )
        elif url:
            lines.append(line.rstrip())
    if url:
        passages.append(_passage(url, lines))
    return passages


def _passage(url: str, lines: list[str]) -> Passage:
    text = "\n".join(lines).strip("\n")
    if not text.strip():
        raise PassageError(f"{url} has no passage under it: paste the words read there, verbatim.")
    return Passage(url, text)


def passage_text(passages: list[Passage]) -> str:
    """The passages' words as one text, a paragraph break between them (so no sentence runs from
    one into the next); the addresses stay out of what can be quoted."""
    return "\n\n".join(passage.text for passage in passages)


def excerpt_in(text: str, excerpt: str) -> bool:
    """Every part of the excerpt is verbatim in `text` (sentences not next to each other are
    joined with " … " when quoted)."""
    parts = [part.strip() for part in excerpt.split(GAP)]
    return bool(excerpt.strip()) and all(part and part in text for part in parts)


def read_from(passages: list[Passage], excerpt: str) -> str:
    """The address of the attachment whose passage holds the excerpt's first words, or "" when none
    does (the excerpt is from the page's own summary)."""
    first = excerpt.split(GAP)[0].strip()
    return next((passage.url for passage in passages if first and first in passage.text), "")
