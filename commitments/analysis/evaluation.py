"""How good the evidence matcher is, measured on answers labelled by hand.

Read-only: nothing is written to the database. The answers' own confirmed evidence is left out of
the commitments' profiles, so an answer is never matched by quotes taken from itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Q

from ..models import Evidence
from ..parliament.answer_html import normalised
from ..parliament.watch import Watch
from .matching import Matcher
from .suggestions import background_answers, commitment_profiles, threshold


class LabelledFileError(ValueError):
    """The labelled file cannot be read as one answer per line."""


@dataclass(frozen=True)
class LabelledAnswer:
    line: int
    house: str
    uin: str
    date_answered: str
    heading: str
    question_text: str
    answer_text: str
    topics: frozenset[str]

    @property
    def name(self) -> str:
        return (
            f"line {self.line} ({self.house or '?'} {self.uin or 'no UIN'}, {self.heading or 'no heading'})"
        )


def read_labelled(path: Path) -> list[LabelledAnswer]:
    answers = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise LabelledFileError(f"Line {number} is not JSON: {error.msg}.") from None
            if not isinstance(row, dict) or not isinstance(row.get("topics"), list):
                raise LabelledFileError(f"Line {number} needs a “topics” list (empty for none).")
            answers.append(
                LabelledAnswer(
                    line=number,
                    house=row.get("house") or "",
                    uin=str(row.get("uin") or ""),
                    date_answered=row.get("date_answered") or "",
                    heading=row.get("heading") or "",
                    question_text=row.get("question_text") or "",
                    answer_text=row.get("answer_text") or "",
                    topics=frozenset(row["topics"]),
                )
            )
    if not answers:
        raise LabelledFileError(f"{path} holds no answers.")
    return answers


def own_evidence_questions(answers: list[LabelledAnswer]) -> set[int]:
    """Stored questions that are the evaluated answers: same house and UIN, or the same text."""
    keys = {(a.house, a.uin.upper()) for a in answers if a.uin}
    texts = {normalised(a.answer_text) for a in answers if a.answer_text.strip()}
    by_key = Q(pk__in=[])
    for house, uin in keys:
        by_key |= Q(question__house=house, question__uin__iexact=uin)
    confirmed = Evidence.objects.confirmed()
    found = set(confirmed.filter(by_key).values_list("question_id", flat=True))
    for pk, text in confirmed.values_list("question_id", "question__answer_text").distinct():
        if normalised(text) in texts:
            found.add(pk)
    return found


@dataclass
class Outcome:
    answer: LabelledAnswer
    about_ipp: bool
    scores: dict[str, float] = field(default_factory=dict)
    excerpts: dict[str, str] = field(default_factory=dict)
    suggested: frozenset[str] = frozenset()


@dataclass
class Evaluation:
    outcomes: list[Outcome]
    threshold: float
    left_out_questions: int
    unknown_topics: set[str]

    def _count(self, pick) -> int:
        return sum(len(pick(o)) for o in self.outcomes)

    @property
    def true_positives(self) -> int:
        return self._count(lambda o: o.suggested & o.answer.topics)

    @property
    def false_positives(self) -> int:
        return self._count(lambda o: o.suggested - o.answer.topics)

    @property
    def false_negatives(self) -> int:
        return self._count(lambda o: o.answer.topics - o.suggested)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        both = self.precision + self.recall
        return 2 * self.precision * self.recall / both if both else 0.0

    def misses(self) -> list[tuple[Outcome, str, float]]:
        """Labelled links not suggested, the furthest below the threshold first."""
        found = [
            (o, slug, o.scores.get(slug, 0.0))
            for o in self.outcomes
            for slug in o.answer.topics - o.suggested
        ]
        return sorted(found, key=lambda item: (item[2], item[0].answer.line, item[1]))

    def false_alarms(self) -> list[tuple[Outcome, str, float]]:
        """Suggestions the labels do not have, the most confident first."""
        found = [(o, slug, o.scores[slug]) for o in self.outcomes for slug in o.suggested - o.answer.topics]
        return sorted(found, key=lambda item: (-item[2], item[0].answer.line, item[1]))


def evaluate(answers: list[LabelledAnswer], *, at: float | None = None) -> Evaluation:
    """Run the matcher as ingest would (watched terms first, then scoring) on labelled answers."""
    cut = threshold() if at is None else at
    leave_out = own_evidence_questions(answers)
    profiles = commitment_profiles(leave_out_questions=leave_out)
    known = {profile.slug for profile in profiles}
    # Every score is wanted, to show how far a miss fell short, so the cut is applied here.
    matcher = Matcher(profiles, background=background_answers(), threshold=0.0)
    watch = Watch.load()
    outcomes = []
    for answer in answers:
        about_ipp, _ = watch.matches(
            f"{answer.heading}\n{answer.question_text}\n{answer.answer_text}", answering_body_id=None
        )
        outcome = Outcome(answer=answer, about_ipp=about_ipp)
        if about_ipp:
            for match in matcher.match(
                answer.answer_text, question_text=answer.question_text, heading=answer.heading
            ):
                outcome.scores[match.slug] = match.score
                outcome.excerpts[match.slug] = match.excerpt
            outcome.suggested = frozenset(slug for slug, score in outcome.scores.items() if score >= cut)
        outcomes.append(outcome)
    unknown = {slug for answer in answers for slug in answer.topics} - known
    return Evaluation(
        outcomes=outcomes, threshold=cut, left_out_questions=len(leave_out), unknown_topics=unknown
    )
