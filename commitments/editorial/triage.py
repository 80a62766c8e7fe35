"""Editors' triage of an answer: a decision on each candidate commitment, then the answer leaves
the queue. Decisions on evidence go through the review services, so they are recorded as the
review queue's are; the answer records who triaged it, when, and whether it is evidence at all.

The queue rule: an answer waits (`WrittenQuestion.objects.awaiting_triage()`) until an editor
either marks it *done* (it has at least one confirmed link) or *not evidence for any commitment*.
Confirming, rejecting and linking keep it in the queue, so several commitments can be decided on
one answer.

Every form carries the version of what it decides on (`evidence_version`, `triage_version`); a
form made before another editor's decision is refused with `StaleTriage`, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from ..analysis.suggestions import suggestion_values, top_candidates
from ..exceptions import StaleTriage, TriageError
from ..models import Commitment, Evidence, WrittenQuestion
from ..models.evidence import evidence_version, triage_version
from ..text.passages import quote_sentences
from .review import accept_status_suggestion, confirm_evidence, reject_evidence


class Decision:
    CONFIRM = "confirm"
    CONFIRM_STATUS = "confirm_status"
    REJECT = "reject"
    ALL = (CONFIRM, CONFIRM_STATUS, REJECT)


def _lock(question: WrittenQuestion) -> WrittenQuestion:
    """The answer, locked: two editors' decisions on one answer are taken one after the other."""
    return WrittenQuestion.objects.select_for_update().get(pk=question.pk)


def _check_waiting(question: WrittenQuestion) -> None:
    """Refused unless the answer is in the queue (never triaged, or back after a correction)."""
    if question.triaged_at and not WrittenQuestion.objects.awaiting_triage().filter(pk=question.pk).exists():
        who = f" by {question.triaged_by}" if question.triaged_by_id else ""
        outcome = "not evidence for any commitment" if question.not_evidence else "done"
        raise StaleTriage(
            f"{question} was triaged{who} at {timezone.localtime(question.triaged_at):%d/%m/%Y %H:%M} "
            f"({outcome}) after you opened the page. Nothing was changed."
        )


def _check_version(question: WrittenQuestion, seen: str) -> None:
    if triage_version(question, question.evidence.all()) != seen:
        raise StaleTriage(
            f"Another editor decided on {question} after you opened the page. Nothing was changed: "
            "check the answer as it is now and decide again."
        )


def _quote(question: WrittenQuestion, sentences: Sequence[int]) -> str:
    excerpt = quote_sentences(question.answer_text, list(sentences))
    if not excerpt:
        raise TriageError("Tick at least one sentence of the answer to quote.")
    return excerpt


@transaction.atomic
def decide_candidate(
    question: WrittenQuestion,
    commitment: Commitment,
    *,
    decision: str,
    by: AbstractBaseUser | None,
    seen: str,
    sentences: Sequence[int] = (),
) -> Evidence:
    """Confirm (quoting the chosen whole sentences), reject, or confirm and record the suggested
    status for one candidate. A candidate below the threshold has no evidence row yet: it is
    suggested first, as the matcher would, so the decision is on a row with its score and reasons."""
    if decision not in Decision.ALL:
        raise TriageError("Choose confirm, reject, or confirm and record the suggested status.")
    question = _lock(question)
    _check_waiting(question)
    evidence = question.evidence.filter(commitment=commitment).first()
    if evidence_version(evidence) != seen:
        now = "no longer a suggestion" if evidence is None else f"now {evidence.get_state_display().lower()}"
        who = f" by {evidence.reviewed_by}" if evidence is not None and evidence.reviewed_by_id else ""
        raise StaleTriage(
            f"{commitment.slug} on {question} changed after you opened the page: it is {now}{who}. "
            "Nothing was changed: check it as it is now and decide again."
        )
    if evidence is not None and evidence.state != Evidence.State.SUGGESTED:
        raise TriageError(
            f"{commitment.slug} on {question} is already {evidence.get_state_display().lower()}."
        )
    if decision != Decision.REJECT:
        excerpt = _quote(question, sentences)
    if evidence is None:
        evidence = _suggest(question, commitment)
    if decision == Decision.REJECT:
        return reject_evidence(evidence, by=by)
    confirm_evidence(evidence, by=by, excerpt=excerpt)
    if decision == Decision.CONFIRM_STATUS:
        accept_status_suggestion(evidence, by=by)
        evidence.refresh_from_db()
    return evidence


def _suggest(question: WrittenQuestion, commitment: Commitment) -> Evidence:
    """The candidate as a suggestion, with what the matcher found (nothing, for a commitment it
    did not rank: then the editor's quote is the whole case)."""
    match = next((m for m in top_candidates(question, k=10_000) if m.slug == commitment.slug), None)
    values = suggestion_values(match) if match else {"reasons": ["Linked by an editor while triaging."]}
    return Evidence.objects.create(question=question, commitment=commitment, **values)


@transaction.atomic
def link_commitment(
    question: WrittenQuestion,
    commitment: Commitment,
    *,
    by: AbstractBaseUser | None,
    seen: str,
    sentences: Sequence[int],
) -> Evidence:
    """Confirm a link to a commitment the candidates did not offer, quoting the chosen sentences."""
    question = _lock(question)
    _check_waiting(question)
    _check_version(question, seen)
    excerpt = _quote(question, sentences)
    evidence = question.evidence.filter(commitment=commitment).first()
    if evidence is not None and evidence.state != Evidence.State.SUGGESTED:
        raise TriageError(
            f"{commitment.slug} on {question} is already {evidence.get_state_display().lower()}."
        )
    if evidence is None:
        evidence = Evidence.objects.create(
            question=question, commitment=commitment, reasons=["Linked by an editor while triaging."]
        )
    return confirm_evidence(evidence, by=by, excerpt=excerpt)


@transaction.atomic
def finish_triage(question: WrittenQuestion, *, by: AbstractBaseUser | None, seen: str) -> WrittenQuestion:
    """The answer is done: its confirmed links are all it evidences. It leaves the queue; any
    suggestion left undecided stays in the review queue."""
    question = _lock(question)
    _check_waiting(question)
    _check_version(question, seen)
    if not question.evidence.confirmed().exists():
        raise TriageError(
            f"{question} has no confirmed link yet: confirm a candidate, link another commitment, or "
            "mark it not evidence for any commitment."
        )
    return _triaged(question, by=by, not_evidence=False)


@transaction.atomic
def mark_not_evidence(question: WrittenQuestion, *, by: AbstractBaseUser | None, seen: str) -> list[Evidence]:
    """The answer is evidence for no commitment: its suggestions are rejected (recorded as any
    rejection is) and it leaves the queue, marked `not_evidence`. Returns the rejected rows."""
    question = _lock(question)
    _check_waiting(question)
    _check_version(question, seen)
    confirmed = list(question.evidence.confirmed().values_list("commitment__slug", flat=True))
    if confirmed:
        raise TriageError(
            f"{question} is confirmed evidence for {', '.join(confirmed)}: it cannot also be evidence "
            "for no commitment."
        )
    rejected = [reject_evidence(evidence, by=by) for evidence in question.evidence.suggested()]
    _triaged(question, by=by, not_evidence=True)
    return rejected


def _triaged(
    question: WrittenQuestion, *, by: AbstractBaseUser | None, not_evidence: bool, in_bulk: bool = False
) -> WrittenQuestion:
    question.triaged_at = timezone.now()
    question.triaged_by = by
    question.not_evidence = not_evidence
    question.cleared_in_bulk = in_bulk
    question.save(update_fields=["triaged_at", "triaged_by", "not_evidence", "cleared_in_bulk"])
    return question


@transaction.atomic
def confirm_and_finish(
    question: WrittenQuestion,
    commitment: Commitment,
    *,
    by: AbstractBaseUser | None,
    seen: str,
    sentences: Sequence[int],
) -> Evidence:
    """Confirm one candidate and finish the answer in one step: the usual case of an answer that
    evidences one commitment. Any other suggestion left undecided stays in the review queue."""
    evidence = decide_candidate(
        question, commitment, decision=Decision.CONFIRM, by=by, seen=seen, sentences=sentences
    )
    _triaged(_lock(question), by=by, not_evidence=False)
    return evidence


def backlog(before: date) -> QuerySet[WrittenQuestion]:
    """Waiting answers given before `before` with no strong candidate: none of their evidence is
    suggested or confirmed (the matcher suggests only what scores at least its threshold)."""
    strong = Evidence.objects.filter(
        question=OuterRef("pk"), state__in=[Evidence.State.SUGGESTED, Evidence.State.CONFIRMED]
    )
    return WrittenQuestion.objects.awaiting_triage().filter(date_answered__lt=before).exclude(Exists(strong))


@transaction.atomic
def clear_backlog(*, before: date, by: AbstractBaseUser | None) -> list[WrittenQuestion]:
    """Take an old backlog out of the queue unread: every waiting answer given before `before`
    with no strong candidate. Each is recorded as triaged by `by`, now, `cleared_in_bulk` (not
    "done", not "not evidence": nobody read it); a correction brings it back like any other."""
    cleared = list(backlog(before).select_for_update(of=("self",)))
    for question in cleared:
        _triaged(question, by=by, not_evidence=False, in_bulk=True)
    return cleared
