"""Status suggestions from an answer's wording: a hint for an editor, never a decision."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models.choices import Status

# Cue phrases per status; _TIERS below says which wins when a passage has several.
STATUS_CUES: tuple[tuple[Status, tuple[str, ...]], ...] = (
    (
        Status.DISCONTINUED,
        (
            r"no longer",
            r"will not (?:proceed|be taken forward|go ahead)",
            r"(?:has|have) been (?:withdrawn|dropped|scrapped|abandoned)",
            r"discontinued",
            r"not (?:be )?(?:accepted|taken forward)",
        ),
    ),
    (Status.DELAYED, (r"disrupted", r"paused", r"delayed", r"postponed", r"put on hold", r"behind schedule")),
    (
        Status.IN_PROGRESS,
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
        Status.DELIVERED,
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


# A stop outranks progress: "the pilot was paused" is delayed. Between progress and delivery the
# longer phrase decides, so "will be rolled out" is in progress and "the pilot has been completed"
# delivered.
_TIERS = ((Status.DISCONTINUED,), (Status.DELAYED,), (Status.IN_PROGRESS, Status.DELIVERED))
# A cue up to two words after a negation says the opposite ("has not been completed", "hasn't yet
# been paused"); a conjunction ends the negation's reach ("was not delayed and has been rolled out").
_NEGATED = re.compile(
    r"(?:\b(?:not|never|no|cannot)|n't)\b(?:\W+(?!(?:and|but|or|while)\b)\w+){0,2}\W*$", re.IGNORECASE
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
    for tier in _TIERS:
        found = [
            StatusCue(status, match.group(0))
            for status, pattern in _CUE_PATTERNS
            if status in tier
            for match in pattern.finditer(passage)
            if not _NEGATED.search(passage[: match.start()])
        ]
        if found:
            # Within a tier the most specific phrase wins: "has been completed" over "pilot".
            return max(found, key=lambda cue: (len(cue.phrase), -tier.index(cue.status)))
    return None
