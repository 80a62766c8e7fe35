"""Would the matcher do better if it learned from editors? Measured with simulated editors.

In cross-validation, editors who know the labels review the training folds' candidates; a matcher
that learned from their decisions then scores the held-out fold. Nothing is chosen by looking at
the held-out answers: each fold keeps the tuning and threshold it chose without learning, and the
weight of rejections is fixed in advance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .evaluation import CrossValidation, Evaluation, Outcome, Setup, cut, outcomes_of, ranked
from .matching import Matcher

# The weight given to editors' rejections when the evaluation simulates them. Chosen before looking
# (halfway between off and "a passage identical to a rejected one scores nothing"), not tuned.
LEARNING_WEIGHT = 0.5
# How many candidates a simulated editor sees per answer, as the triage screen shows.
CANDIDATES_SEEN = 5


@dataclass
class EditorDecisions:
    """What simulated editors decided on some answers."""

    confirmed: dict[str, list[str]] = field(default_factory=dict)  # slug → passages
    rejected: dict[str, list[str]] = field(default_factory=dict)
    not_evidence: list[str] = field(default_factory=list)  # answers


def simulate_editors(outcomes: Sequence[Outcome], *, seen: int = CANDIDATES_SEEN) -> EditorDecisions:
    """Editors who know the labels: each labelled link is confirmed with the passage the matcher
    found for it, every other candidate among an answer's first `seen` is rejected with its
    passage, and an answer labelled with no commitment but shown some is marked not evidence.
    Answers the watched terms skip are never shown, so nothing is decided about them."""
    decisions = EditorDecisions()
    for outcome in outcomes:
        if not outcome.about_ipp:
            continue
        shown = ranked(outcome)[:seen]
        for slug in sorted(outcome.answer.topics & outcome.excerpts.keys()):
            decisions.confirmed.setdefault(slug, []).append(outcome.excerpts[slug])
        for slug in shown:
            if slug not in outcome.answer.topics:
                decisions.rejected.setdefault(slug, []).append(outcome.excerpts[slug])
        if shown and not outcome.answer.topics:
            decisions.not_evidence.append(outcome.answer.answer_text)
    return decisions


# What each measured variant learns from editors' decisions.
LEARNING_VARIANTS: tuple[tuple[str, bool, bool, bool], ...] = (
    # name, confirmations, rejections, not-evidence answers
    ("without learning", False, False, False),
    ("with learning from confirmations only", True, False, False),
    ("with learning from confirmations and rejections", True, True, False),
    ("with learning from confirmations, rejections and not-evidence answers", True, True, True),
)


def _learned(setup: Setup, decisions: EditorDecisions, *, confirmations: bool, rejections: bool):
    return [
        replace(
            profile,
            excerpts=profile.excerpts
            + tuple(decisions.confirmed.get(profile.slug, []) if confirmations else ()),
            rejected=profile.rejected + tuple(decisions.rejected.get(profile.slug, []) if rejections else ()),
        )
        for profile in setup.profiles
    ]


def simulate_learning(
    validation: CrossValidation, *, weight: float = LEARNING_WEIGHT
) -> dict[str, Evaluation]:
    """Per variant, the held-out answers pooled, each measured by a matcher that learned from
    editors simulated on the other folds' answers (shown that fold's ranking under its tuning).

    Each fold keeps the tuning and threshold chosen on its training answers without learning, so
    nothing here is chosen by looking at the held-out answers; `weight` is fixed in advance.
    """
    setup, scored, assignment = validation.setup, validation.scored, validation.assignment
    assert setup is not None, "a CrossValidation from cross_validate() carries its setup"
    pooled: dict[str, list[Outcome]] = {name: [] for name, *_ in LEARNING_VARIANTS}
    for fold in validation.folds:
        number = fold.number - 1
        training = [o for o, f in zip(scored[fold.tuning], assignment, strict=True) if f != number]
        testing = [i for i, f in enumerate(assignment) if f == number]
        decisions = simulate_editors(training)
        for name, confirmations, rejections, not_evidence in LEARNING_VARIANTS:
            matcher = Matcher(
                _learned(setup, decisions, confirmations=confirmations, rejections=rejections),
                background=setup.background,
                not_evidence=setup.not_evidence + (decisions.not_evidence if not_evidence else []),
                threshold=0.0,
                tuning=replace(fold.tuning, negative_weight=weight) if rejections else fold.tuning,
            )
            held_out = outcomes_of(
                matcher, [setup.answers[i] for i in testing], [setup.about[i] for i in testing]
            )
            pooled[name] += cut(held_out, fold.threshold)
    return {
        name: Evaluation(outcomes, threshold=None, left_out_questions=0, unknown_topics=set())
        for name, outcomes in pooled.items()
    }
