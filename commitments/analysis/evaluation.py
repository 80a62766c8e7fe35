"""How good the evidence matcher is, measured on answers labelled by hand.

Read-only: nothing is written to the database. The answers' own confirmed evidence is left out of
the commitments' profiles, so an answer is never matched by quotes taken from itself.

Two kinds of figure:

- At the threshold: precision and recall of the suggestions (score >= threshold) against the labels.
- Ranking: every commitment the matcher scores for an answer (whatever the threshold), best first,
  ties broken by slug so the order is deterministic. Recall@k is the share of labelled
  (answer, commitment) links whose commitment is among its answer's first k; "right in top 3" is
  the share of answers labelled with at least one link that have a right commitment in their first 3.
  A commitment the matcher does not score at all (it failed the passage rules, or the answer is not
  about IPP by the watched terms) is in no answer's top k.

`cross_validate` measures each answer only with a threshold and constants chosen on the other folds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import product
from pathlib import Path

from django.db.models import Q

from ..models import Evidence
from ..parliament.answer_html import normalised
from ..parliament.watch import Watch
from .labelled_sources import as_labelled_answer
from .matching import CommitmentProfile, Matcher, Tuning
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
            row = as_labelled_answer(row)
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
    """Stored questions that are the evaluated answers (same house and UIN, or the same text) and
    have confirmed evidence: what editors confirmed in an answer must not vouch for it."""
    keys = {(a.house, a.uin.upper()) for a in answers if a.uin}
    texts = {normalised(a.answer_text) for a in answers if a.answer_text.strip()}
    by_key = Q(pk__in=[])
    for house, uin in keys:
        by_key |= Q(question__house=house, question__uin__iexact=uin)
    confirmed = Evidence.objects.confirmed()
    found = set(confirmed.filter(by_key).values_list("question_id", flat=True))
    answers_confirmed = confirmed.filter(question__isnull=False)
    for pk, text in answers_confirmed.values_list("question_id", "question__answer_text").distinct():
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


def ranked(outcome: Outcome) -> list[str]:
    """The commitments scored for the answer, best first; equal scores go by slug."""
    return sorted(outcome.scores, key=lambda slug: (-outcome.scores[slug], slug))


RANKS = (1, 3, 5)


@dataclass
class Evaluation:
    outcomes: list[Outcome]
    threshold: float | None  # None when pooled from folds cut at their own thresholds
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

    @property
    def labelled_links(self) -> int:
        return sum(len(o.answer.topics) for o in self.outcomes)

    def links_in_top(self, k: int) -> int:
        return sum(len(o.answer.topics & set(ranked(o)[:k])) for o in self.outcomes)

    def recall_at(self, k: int) -> float:
        """Share of labelled links whose commitment is in its answer's first k candidates."""
        wanted = self.labelled_links
        return self.links_in_top(k) / wanted if wanted else 1.0

    def answers_right_in_top(self, k: int) -> float:
        """Share of answers with a label that have at least one right commitment in their first k."""
        labelled = [o for o in self.outcomes if o.answer.topics]
        if not labelled:
            return 1.0
        return sum(bool(o.answer.topics & set(ranked(o)[:k])) for o in labelled) / len(labelled)

    def figures(self) -> str:
        """One line of name=value pairs, the same in both modes, for people and scripts."""
        ranks = " ".join(f"recall@{k}={self.recall_at(k):.3f}" for k in RANKS)
        return (
            f"precision={self.precision:.3f} recall={self.recall:.3f} f1={self.f1:.3f} {ranks} "
            f"top3_answers={self.answers_right_in_top(3):.3f} answers={len(self.outcomes)}"
        )

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


@dataclass(frozen=True)
class Setup:
    """What every scoring of a labelled file shares: the commitments as stored (less the evaluated
    answers' own confirmed evidence), the background, and which answers the watch lets through."""

    answers: list[LabelledAnswer]
    profiles: list[CommitmentProfile]
    background: tuple[str, ...]
    about: list[bool]


def prepare(answers: list[LabelledAnswer]) -> tuple[Setup, int, set[str]]:
    """The setup, how many stored questions' evidence was left out, and unknown labelled slugs."""
    leave_out = own_evidence_questions(answers)
    profiles = commitment_profiles(leave_out_questions=leave_out)
    watch = Watch.load()
    about = [
        watch.matches(f"{a.heading}\n{a.question_text}\n{a.answer_text}", answering_body_id=None)[0]
        for a in answers
    ]
    setup = Setup(
        answers=answers,
        profiles=profiles,
        background=background_answers(),
        about=about,
    )
    unknown = {slug for answer in answers for slug in answer.topics} - {p.slug for p in profiles}
    return setup, len(leave_out), unknown


def outcomes_of(matcher: Matcher, answers: Sequence[LabelledAnswer], about: Sequence[bool]) -> list[Outcome]:
    """Every score of every answer, as ingest would run the matcher (watched terms first)."""
    outcomes = []
    for answer, about_ipp in zip(answers, about, strict=True):
        outcome = Outcome(answer=answer, about_ipp=about_ipp)
        if about_ipp:
            for match in matcher.match(
                answer.answer_text, question_text=answer.question_text, heading=answer.heading
            ):
                outcome.scores[match.slug] = match.score
                outcome.excerpts[match.slug] = match.excerpt
        outcomes.append(outcome)
    return outcomes


def score_setup(setup: Setup, *, tunings: Sequence[Tuning] = (Tuning(),)) -> dict[Tuning, list[Outcome]]:
    """The outcomes per tuning (in the answers' order), not yet cut at a threshold."""
    scored = {}
    for tuning in tunings:
        # Every score is wanted, to rank and to show how far a miss fell short: the cut comes later.
        matcher = Matcher(
            setup.profiles,
            background=setup.background,
            threshold=0.0,
            tuning=tuning,
        )
        scored[tuning] = outcomes_of(matcher, setup.answers, setup.about)
    return scored


def cut(outcomes: list[Outcome], at: float) -> list[Outcome]:
    """The outcomes with the commitments scoring at least `at` suggested (copies: one scoring can
    be cut at several thresholds)."""
    return [
        replace(o, suggested=frozenset(slug for slug, score in o.scores.items() if score >= at))
        for o in outcomes
    ]


def evaluate(answers: list[LabelledAnswer], *, at: float | None = None) -> Evaluation:
    """The matcher as configured (constants in code, threshold from settings unless `at`)."""
    threshold_ = threshold() if at is None else at
    setup, left_out, unknown = prepare(answers)
    return Evaluation(
        outcomes=cut(score_setup(setup)[Tuning()], threshold_),
        threshold=threshold_,
        left_out_questions=left_out,
        unknown_topics=unknown,
    )


# The constants cross-validation chooses among: the defaults first (they win ties), then each
# of the three moved down and up. The grid is small on purpose: 33 answers cannot tell apart more.
TUNING_GRID: tuple[Tuning, ...] = tuple(
    Tuning(passage_rel=rel, title_min=title, phrase_bonus=bonus)
    for rel, title, bonus in product((0.5, 0.4, 0.6), (0.25, 0.15, 0.35), (1.0, 0.5, 1.5))
)
assert TUNING_GRID[0] == Tuning(), "the defaults come first: they win ties"


def assign_folds(answers: Sequence[LabelledAnswer], folds: int, *, seed: int = 0) -> list[int]:
    """Each answer's fold, 0..folds-1: answers sorted by a seeded hash of what identifies them,
    then dealt out in turn, so folds differ in size by at most one and never depend on file order."""
    if not 2 <= folds <= len(answers):
        raise ValueError(f"Cross-validation needs between 2 and {len(answers)} folds, not {folds}.")

    def key(answer: LabelledAnswer) -> str:
        identity = f"{seed}\n{answer.house}\n{answer.uin}\n{answer.date_answered}\n{answer.answer_text}"
        return hashlib.sha256(identity.encode()).hexdigest()

    order = sorted(range(len(answers)), key=lambda i: (key(answers[i]), answers[i].line))
    assignment = [0] * len(answers)
    for rank, i in enumerate(order):
        assignment[i] = rank % folds
    return assignment


def _candidate_thresholds(outcomes: list[Outcome]) -> list[float]:
    """Cuts that change what is suggested: the lowest score, then midway between neighbours."""
    scores = sorted({score for o in outcomes for score in o.scores.values()})
    return scores[:1] + [round((a + b) / 2, 4) for a, b in zip(scores, scores[1:], strict=False)]


def tune(scored: dict[Tuning, list[Outcome]]) -> tuple[Tuning, float]:
    """The tuning and threshold with the best F1 on these outcomes; ties go to higher recall, then
    to the earlier tuning (the defaults come first), then to the lower threshold."""
    best: tuple[tuple[float, float, int, float], Tuning, float] | None = None
    for order, (tuning, outcomes) in enumerate(scored.items()):
        for at in _candidate_thresholds(outcomes) or [0.0]:
            result = Evaluation(cut(outcomes, at), threshold=at, left_out_questions=0, unknown_topics=set())
            key = (result.f1, result.recall, -order, -at)
            if best is None or key > best[0]:
                best = (key, tuning, at)
    assert best is not None, "tune needs at least one tuning"
    return best[1], best[2]


@dataclass
class Fold:
    number: int  # from 1
    tuning: Tuning
    threshold: float
    trained_on: list[LabelledAnswer]
    held_out: Evaluation


@dataclass
class CrossValidation:
    folds: list[Fold]
    left_out_questions: int
    unknown_topics: set[str]

    @property
    def pooled(self) -> Evaluation:
        """Every answer once, as measured in the fold that held it out."""
        return Evaluation(
            outcomes=[o for fold in self.folds for o in fold.held_out.outcomes],
            threshold=None,
            left_out_questions=self.left_out_questions,
            unknown_topics=self.unknown_topics,
        )


def cross_validate_scored(scored: dict[Tuning, list[Outcome]], *, folds: int, seed: int = 0) -> list[Fold]:
    """Tune on all folds but one, measure on that one, for each fold in turn."""
    answers = [o.answer for o in next(iter(scored.values()))]
    assignment = assign_folds(answers, folds, seed=seed)
    found = []
    for number in range(folds):
        training = [i for i, f in enumerate(assignment) if f != number]
        testing = [i for i, f in enumerate(assignment) if f == number]
        tuning, at = tune({t: [outcomes[i] for i in training] for t, outcomes in scored.items()})
        held_out = Evaluation(
            outcomes=cut([scored[tuning][i] for i in testing], at),
            threshold=at,
            left_out_questions=0,
            unknown_topics=set(),
        )
        found.append(Fold(number + 1, tuning, at, [answers[i] for i in training], held_out))
    return found


def cross_validate(
    answers: list[LabelledAnswer], *, folds: int, seed: int = 0, grid: Sequence[Tuning] = TUNING_GRID
) -> CrossValidation:
    """K-fold cross-validation of the threshold and the tunable constants on a labelled file."""
    assign_folds(answers, folds, seed=seed)  # refuse a bad K before the slow part
    setup, left_out, unknown = prepare(answers)
    scored = score_setup(setup, tunings=grid)
    return CrossValidation(
        folds=cross_validate_scored(scored, folds=folds, seed=seed),
        left_out_questions=left_out,
        unknown_topics=unknown,
    )
