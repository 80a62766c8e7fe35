"""Suggested evidence: the matcher's results written as Evidence for editors to review.

A suggestion is only ever created or refreshed here. What an editor decided stays decided: a
confirmed or rejected link is never touched again by the matcher, however often it re-runs.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max
from simple_history.utils import bulk_create_with_history

from ..models import Commitment, Evidence, HansardContribution, Publication, WrittenQuestion, WrittenStatement
from ..models.evidence import Source
from .matching import DEFAULT_THRESHOLD, CommitmentProfile, Match, Matcher
from .status_cues import status_cue

logger = logging.getLogger(__name__)

# Runtime data that ships (fixtures/), derived once from a recorded list response; a test checks.
BACKGROUND_FILE = Path(settings.BASE_DIR) / "fixtures" / "background_answers.json"


def threshold() -> float:
    """MATCH_THRESHOLD from the environment, or the value tuned on the labelled answers."""
    return settings.MATCH_THRESHOLD if settings.MATCH_THRESHOLD is not None else DEFAULT_THRESHOLD


@lru_cache(maxsize=1)
def background_answers() -> tuple[str, ...]:
    """A month of real answers from every department: how common a word is in answers generally.

    Shipped with the code, not read from the database, so a suggestion does not depend on what
    else happens to be stored, and the evaluation sees the same weights as ingest.
    """
    with BACKGROUND_FILE.open(encoding="utf-8") as source:
        return tuple(json.load(source)["answers"])


def commitment_profiles(*, leave_out_questions: Collection[int] = ()) -> list[CommitmentProfile]:
    """Every commitment's own words, plus the passages editors confirmed for it.

    `leave_out_questions` keeps an answer's confirmed excerpts from vouching for that answer, which
    would flatter an evaluation.
    """
    excerpts: dict[int, list[str]] = defaultdict(list)
    confirmed = Evidence.objects.confirmed().exclude(question_id__in=leave_out_questions)
    for commitment_id, excerpt in confirmed.order_by("pk").values_list("commitment_id", "excerpt"):
        excerpts[commitment_id].append(excerpt)
    return [
        CommitmentProfile(
            slug=commitment.slug,
            title=commitment.title,
            summary=commitment.summary,
            keywords=tuple(commitment.keywords),
            excerpts=tuple(excerpts[commitment.pk]),
        )
        for commitment in Commitment.objects.order_by("slug")
    ]


_matchers: dict[tuple, Matcher] = {}


def current_matcher() -> Matcher:
    """The matcher for the commitments as they stand, rebuilt only when they or their confirmed
    evidence changed (two aggregate queries per call)."""
    key = (
        tuple(Commitment.objects.aggregate(n=Count("pk"), at=Max("updated_at")).values()),
        tuple(Evidence.objects.confirmed().aggregate(n=Count("pk"), at=Max("updated_at")).values()),
        threshold(),
    )
    if key not in _matchers:
        _matchers.clear()
        _matchers[key] = Matcher(
            commitment_profiles(), background=background_answers(), threshold=threshold()
        )
    return _matchers[key]


@dataclass
class SuggestionReport:
    created: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    skipped: str = ""


def why_skipped(question: WrittenQuestion) -> str:
    """Why an answer is not matched at all, or "" when it is: the one rule of
    `WrittenQuestion.objects.worth_reading()`, told for one answer (a test keeps them agreeing)."""
    if question.is_withdrawn:
        return "The question was withdrawn."
    if not question.date_answered or question.answer_is_holding:
        return "There is no substantive answer yet."
    if not question.is_about_ipp:
        return "The answer does not mention IPP sentences (no watched term)."
    if not question.answer_text.strip():
        return "The answer has no text."
    return ""


def why_source_skipped(source: WrittenStatement | HansardContribution | Publication) -> str:
    """Why a statement, contribution or publication is not matched at all, or "" when it is (a
    publication's text is its summary and the passages pasted from its attachments)."""
    if not source.is_about_ipp:
        return "It does not mention IPP sentences (no watched term)."
    if not source.match_inputs()["answer_text"].strip():
        return "It has no text."
    return ""


def why_not_matched(source: Source) -> str:
    """Why a source of any kind is not matched at all, or "" when it is."""
    return why_skipped(source) if isinstance(source, WrittenQuestion) else why_source_skipped(source)


def _withdraw_stale(question: WrittenQuestion, *, keep: set[str]) -> list[str]:
    """Delete the matcher's unreviewed suggestions the answer no longer supports (it was corrected,
    withdrawn, or no longer names IPP), so nobody confirms a quote that is not in it. One by one,
    so their history records the deletion. Suggestions from research labels (no score) stay."""
    stale = question.evidence.filter(state=Evidence.State.SUGGESTED, score__isnull=False).exclude(
        commitment__slug__in=keep
    )
    withdrawn = []
    for evidence in stale.select_related("commitment"):
        withdrawn.append(evidence.commitment.slug)
        evidence.delete()
    return withdrawn


def _reasons(match: Match) -> list[str]:
    return [
        f"Scored {match.score:.1f} (suggested from {threshold():g}).",
        "Matched: " + ", ".join(f"“{term}”" for term in match.terms) + ".",
    ]


def suggestion_values(match: Match) -> dict:
    """The fields of a suggested Evidence row for a match: its passage, score, reasons, matched
    words and any status cue. Suggestions and triage write the same thing."""
    cue = status_cue(match.excerpt)
    return {
        "excerpt": match.excerpt,
        "score": round(match.score, 3),
        "reasons": _reasons(match),
        "matched_terms": list(match.terms),
        "suggested_status": cue.status if cue else "",
        "status_cue": cue.phrase if cue else "",
    }


TRIAGE_CANDIDATES = 5


def top_candidates(
    source: Source, *, k: int = TRIAGE_CANDIDATES, matcher: Matcher | None = None
) -> list[Match]:
    """The source's k best-scoring commitments, whatever their score, best first (equal scores by
    slug): what an editor triages. The ranking finds a right commitment far more often than the
    threshold does, so triage shows the ranking rather than trusting the cut."""
    if why_not_matched(source):
        return []
    return (matcher or current_matcher()).match(**source.match_inputs(), threshold=0.0)[:k]


def suggest_evidence(question: WrittenQuestion, *, matcher: Matcher | None = None) -> SuggestionReport:
    """Create or refresh suggested evidence for one answer. Idempotent; never resurrects a
    rejection, never touches a confirmation."""
    report = SuggestionReport(skipped=why_skipped(question))
    matches = []
    if not report.skipped:
        matcher = matcher or current_matcher()
        matches = matcher.match(**question.match_inputs())
    report.withdrawn = _withdraw_stale(question, keep={match.slug for match in matches})
    if report.skipped:
        return report
    if not matches:
        report.skipped = "No commitment scored above the threshold."
        return report
    store_suggestions(question, "question", matches, report)
    return report


def store_suggestions(
    source, field: str, matches: list[Match], report: SuggestionReport, *, keep_unscored: bool = False
) -> None:
    """Create the suggestions `matches` name for `source` (an answer, statement or contribution, the
    Evidence field `field`), refresh the still-suggested ones whose figures moved, keep the rest,
    and note each in `report`. `keep_unscored` keeps a suggestion research made (no score) as it is."""
    commitments = dict(
        Commitment.objects.filter(slug__in=[m.slug for m in matches]).values_list("slug", "pk")
    )
    held = {evidence.commitment_id: evidence for evidence in source.evidence.all()}
    new = []
    for match in matches:
        values = suggestion_values(match)
        evidence = held.get(commitments[match.slug])
        if evidence is None:
            new.append(Evidence(commitment_id=commitments[match.slug], **{field: source}, **values))
            report.created.append(match.slug)
        elif (
            evidence.state == Evidence.State.SUGGESTED
            and not (keep_unscored and evidence.score is None)
            and any(getattr(evidence, name) != value for name, value in values.items())
        ):
            for name, value in values.items():
                setattr(evidence, name, value)
            evidence.save()
            report.refreshed.append(match.slug)
        else:
            report.kept.append(match.slug)
    if new:
        # Another worker suggesting the same pair at once loses quietly to the unique key.
        bulk_create_with_history(new, Evidence, ignore_conflicts=True)
