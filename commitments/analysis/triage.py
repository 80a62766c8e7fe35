"""What the triage screen shows for a source (a written answer, a written statement or a Hansard
contribution): its five best candidate commitments, whatever their score, each with the whole
sentences of its passage, and the evidence already decided.
Strong candidates (what the matcher would suggest by itself) come first; the weak rest the screen
folds away under a count.

Read-only: the decisions are in commitments.editorial.triage. Built from rows the caller loaded
(the source with its evidence, and every commitment), so a page of answers costs the same
queries however many candidates it shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..models import Commitment, Evidence, Status
from ..models.evidence import Source, evidence_version, source_field, triage_version
from ..models.evidence_source import EvidenceSource, describe_source, speaker
from ..text.passages import sentences, sentences_covering
from .matching import Match, Matcher
from .suggestions import TRIAGE_CANDIDATES, suggestion_values, threshold, top_candidates


@dataclass
class Sentence:
    index: int
    text: str
    chosen: bool  # ticked by default: it holds the candidate's best passage


@dataclass
class Candidate:
    commitment: Commitment
    rank: int | None  # 1–5 in the matcher's ranking; None for a link outside it
    score: float | None
    passage: str  # whole sentences, verbatim
    terms: list[str]
    reasons: list[str]
    suggested_status: str
    status_cue: str
    evidence: Evidence | None
    sentences: list[Sentence]
    version: str

    strong: bool = False  # the matcher would suggest it by itself, or it is already a link

    @property
    def decided(self) -> bool:
        return self.evidence is not None and self.evidence.state != Evidence.State.SUGGESTED

    @property
    def suggested_status_label(self) -> str:
        return Status(self.suggested_status).label if self.suggested_status else ""

    @property
    def can_record_status(self) -> bool:
        """The cue would change the status (accepting it otherwise is refused)."""
        return bool(self.suggested_status) and self.suggested_status != self.commitment.status


@dataclass
class TriageEntry:
    source: Source
    described: EvidenceSource  # how the source is named, dated and linked; its text
    candidates: list[Candidate]
    sentences: list[Sentence]  # the source's, none ticked: for linking another commitment
    version: str
    others: list[Commitment] = field(default_factory=list)  # what "link another" offers

    @property
    def speaker(self) -> str:
        """A contribution's speaker and role, as Hansard names them ("" for other kinds)."""
        return speaker(self.source) if self.kind == "contribution" else ""

    @property
    def kind(self) -> str:
        """ "question", "statement" or "contribution": the Evidence field, and the screen's `kind`."""
        return source_field(self.source)

    @property
    def strong(self) -> list[Candidate]:
        return [candidate for candidate in self.candidates if candidate.strong]

    @property
    def weak(self) -> list[Candidate]:
        return [candidate for candidate in self.candidates if not candidate.strong]

    @property
    def has_confirmed(self) -> bool:
        return any(
            c.evidence is not None and c.evidence.state == Evidence.State.CONFIRMED for c in self.candidates
        )

    @property
    def undecided(self) -> list[Candidate]:
        return [candidate for candidate in self.candidates if not candidate.decided]


def _sentences(text: str, chosen: list[int]) -> list[Sentence]:
    return [Sentence(i, text[a:b], i in chosen) for i, (a, b) in enumerate(sentences(text))]


def _candidate(
    text: str,
    commitment: Commitment,
    match: Match | None,
    rank: int | None,
    row: Evidence | None,
) -> Candidate:
    excerpt = row.excerpt if row is not None and row.state != Evidence.State.SUGGESTED else None
    excerpt = excerpt or (match.excerpt if match else (row.excerpt if row else ""))
    chosen = sentences_covering(text, excerpt)
    spans = sentences(text)
    passage = " ".join(text[spans[i][0] : spans[i][1]] for i in chosen) or excerpt
    found = suggestion_values(match) if match else {}
    if match is not None:
        score, terms = match.score, list(match.terms)
        reasons = row.reasons if row is not None and row.reasons else found["reasons"]
    else:
        score, terms, reasons = row.score, row.matched_terms, row.reasons
    if row is not None:  # what accepting the status would apply
        status, cue = row.suggested_status, row.status_cue
    else:
        status, cue = found.get("suggested_status", ""), found.get("status_cue", "")
    return Candidate(
        commitment=commitment,
        rank=rank,
        score=score,
        passage=passage,
        terms=terms,
        reasons=reasons,
        suggested_status=status,
        status_cue=cue,
        evidence=row,
        sentences=_sentences(text, chosen),
        version=evidence_version(row),
        strong=(row is not None and row.state != Evidence.State.REJECTED)
        or (score is not None and score >= threshold()),
    )


def triage_entry(
    source: Source, *, commitments: Mapping[str, Commitment], matcher: Matcher | None = None
) -> TriageEntry:
    """The source's top candidates (then any other evidence it has), as the screen shows them.

    `source.evidence.all()` should be prefetched with its commitment and reviewer;
    `commitments` is every commitment by slug."""
    described = describe_source(source)
    text = described.text
    rows = {row.commitment.slug: row for row in source.evidence.all()}
    candidates = [
        _candidate(text, commitments[match.slug], match, rank, rows.get(match.slug))
        for rank, match in enumerate(top_candidates(source, k=TRIAGE_CANDIDATES, matcher=matcher), 1)
        if match.slug in commitments
    ]
    shown = {candidate.commitment.slug for candidate in candidates}
    candidates += [
        _candidate(text, row.commitment, None, None, row)
        for slug, row in sorted(rows.items())
        if slug not in shown and row.state != Evidence.State.REJECTED
    ]
    linked = shown | rows.keys()
    return TriageEntry(
        source=source,
        described=described,
        candidates=candidates,
        sentences=_sentences(text, []),
        version=triage_version(source, rows.values()),
        others=[c for c in sorted(commitments.values(), key=lambda c: c.title) if c.slug not in linked],
    )
