"""Status suggestions from an answer's wording: a hint for an editor, never a decision."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Cue phrases, most decisive first: "will not proceed" outranks "proceed", "paused" outranks
# "pilot", and "will be rolled out" is checked before "rolled out" reads as done.
STATUS_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "discontinued",
        (
            r"no longer",
            r"will not (?:proceed|be taken forward|go ahead)",
            r"(?:has|have) been (?:withdrawn|dropped|scrapped|abandoned)",
            r"discontinued",
            r"not (?:be )?(?:accepted|taken forward)",
        ),
    ),
    ("delayed", (r"disrupted", r"paused", r"delayed", r"postponed", r"put on hold", r"behind schedule")),
    (
        "in_progress",
        (
            r"will be (?:rolled out|introduced|implemented|launched|extended)",
            r"(?:is|are) (?:being|working to|developing|piloting|continuing)",
            r"pilot(?:ing|s|ed)?",
            r"continue[sd]? to",
            r"under ?way",
            r"in development",
        ),
    ),
    (
        "delivered",
        (
            r"(?:has|have) been (?:rolled out|implemented|introduced|completed|launched|established|"
            r"delivered|put in place)",
            r"commenced",
            r"completed",
            r"came into (?:force|effect)",
            r"led to",
            r"now in place",
            r"(?:is|are) now (?:available|operating|in operation)",
        ),
    ),
)
_CUE_PATTERNS = tuple(
    (status, re.compile(rf"\b(?:{'|'.join(phrases)})\b", re.IGNORECASE)) for status, phrases in STATUS_CUES
)


@dataclass(frozen=True)
class StatusCue:
    status: str
    phrase: str


def status_cue(passage: str) -> StatusCue | None:
    """The status the passage's wording points to, and the phrase that says so.

    A hint for an editor, never a decision: "has been completed" in an answer about a programme's
    starts and completions is not the commitment being delivered.
    """
    for status, pattern in _CUE_PATTERNS:
        found = pattern.search(passage)
        if found:
            return StatusCue(status, found.group(0))
    return None
