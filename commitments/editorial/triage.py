"""Editors' triage of a source (a written answer, a written statement, a Hansard contribution or a
GOV.UK publication): a decision on each candidate commitment, then the source leaves the queue.
Decisions on evidence go through the review services, so they are recorded as the review queue's
are; the source records who triaged it, when, and whether it is evidence at all.

The queue rule: a source waits (`<Model>.objects.awaiting_triage()`) until an editor either marks
it *done* (it has at least one confirmed link) or *not evidence for any commitment*. Confirming,
rejecting and linking keep it in the queue, so several commitments can be decided on one source.

Every form carries the version of what it decides on (`evidence_version`, `triage_version`); a
form made before another editor's decision is refused with `StaleTriage`, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import DateTimeField, Exists, OuterRef, QuerySet
from django.utils import timezone

from ..analysis.suggestions import suggestion_values, top_candidates
from ..exceptions import StaleTriage, TriageError
from ..models import Commitment, Evidence
from ..models.evidence import SOURCE_MODELS, Source, evidence_version, source_field, triage_version
from ..models.evidence_source import describe_source
from ..text.passages import quote_sentences
from .review import accept_status_suggestion, confirm_evidence, reject_evidence


class Decision:
    CONFIRM = "confirm"
    CONFIRM_STATUS = "confirm_status"
    REJECT = "reject"
    ALL = (CONFIRM, CONFIRM_STATUS, REJECT)


def _lock(source: Source) -> Source:
    """The source, locked: two editors' decisions on one source are taken one after the other."""
    return type(source).objects.select_for_update().get(pk=source.pk)


def _check_waiting(source: Source) -> None:
    """Refused unless the source is in the queue (never triaged, or back after a change)."""
    if source.triaged_at and not type(source).objects.awaiting_triage().filter(pk=source.pk).exists():
        who = f" by {source.triaged_by}" if source.triaged_by_id else ""
        outcome = "not evidence for any commitment" if source.not_evidence else "done"
        raise StaleTriage(
            f"{source} was triaged{who} at {timezone.localtime(source.triaged_at):%d/%m/%Y %H:%M} "
            f"({outcome}) after you opened the page. Nothing was changed."
        )


def _check_version(source: Source, seen: str) -> None:
    if triage_version(source, source.evidence.all()) != seen:
        raise StaleTriage(
            f"Another editor decided on {source} after you opened the page. Nothing was changed: "
            "check it as it is now and decide again."
        )


def _quote(source: Source, sentences: Sequence[int]) -> str:
    excerpt = quote_sentences(describe_source(source).text, list(sentences))
    if not excerpt:
        raise TriageError("Tick at least one sentence to quote.")
    return excerpt


@transaction.atomic
def decide_candidate(
    source: Source,
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
    source = _lock(source)
    _check_waiting(source)
    evidence = source.evidence.filter(commitment=commitment).first()
    if evidence_version(evidence) != seen:
        now = "no longer a suggestion" if evidence is None else f"now {evidence.get_state_display().lower()}"
        who = f" by {evidence.reviewed_by}" if evidence is not None and evidence.reviewed_by_id else ""
        raise StaleTriage(
            f"{commitment.slug} on {source} changed after you opened the page: it is {now}{who}. "
            "Nothing was changed: check it as it is now and decide again."
        )
    if evidence is not None and evidence.state != Evidence.State.SUGGESTED:
        raise TriageError(f"{commitment.slug} on {source} is already {evidence.get_state_display().lower()}.")
    if decision != Decision.REJECT:
        excerpt = _quote(source, sentences)
    if evidence is None:
        evidence = _suggest(source, commitment)
    if decision == Decision.REJECT:
        return reject_evidence(evidence, by=by)
    confirm_evidence(evidence, by=by, excerpt=excerpt)
    if decision == Decision.CONFIRM_STATUS:
        accept_status_suggestion(evidence, by=by)
        evidence.refresh_from_db()
    return evidence


def _suggest(source: Source, commitment: Commitment) -> Evidence:
    """The candidate as a suggestion, with what the matcher found (nothing, for a commitment it
    did not rank: then the editor's quote is the whole case)."""
    match = next((m for m in top_candidates(source, k=10_000) if m.slug == commitment.slug), None)
    values = suggestion_values(match) if match else {"reasons": ["Linked by an editor while triaging."]}
    return Evidence.objects.create(**{source_field(source): source}, commitment=commitment, **values)


@transaction.atomic
def link_commitment(
    source: Source,
    commitment: Commitment,
    *,
    by: AbstractBaseUser | None,
    seen: str,
    sentences: Sequence[int],
) -> Evidence:
    """Confirm a link to a commitment the candidates did not offer, quoting the chosen sentences."""
    source = _lock(source)
    _check_waiting(source)
    _check_version(source, seen)
    excerpt = _quote(source, sentences)
    evidence = source.evidence.filter(commitment=commitment).first()
    if evidence is not None and evidence.state != Evidence.State.SUGGESTED:
        raise TriageError(f"{commitment.slug} on {source} is already {evidence.get_state_display().lower()}.")
    if evidence is None:
        evidence = Evidence.objects.create(
            **{source_field(source): source},
            commitment=commitment,
            reasons=["Linked by an editor while triaging."],
        )
    return confirm_evidence(evidence, by=by, excerpt=excerpt)


@transaction.atomic
def finish_triage(source: Source, *, by: AbstractBaseUser | None, seen: str) -> Source:
    """The source is done: its confirmed links are all it evidences. It leaves the queue; any
    suggestion left undecided stays in the review queue."""
    source = _lock(source)
    _check_waiting(source)
    _check_version(source, seen)
    if not source.evidence.confirmed().exists():
        raise TriageError(
            f"{source} has no confirmed link yet: confirm a candidate, link another commitment, or "
            "mark it not evidence for any commitment."
        )
    return _triaged(source, by=by, not_evidence=False)


@transaction.atomic
def mark_not_evidence(source: Source, *, by: AbstractBaseUser | None, seen: str) -> list[Evidence]:
    """The source is evidence for no commitment: its suggestions are rejected (recorded as any
    rejection is) and it leaves the queue, marked `not_evidence`. Returns the rejected rows."""
    source = _lock(source)
    _check_waiting(source)
    _check_version(source, seen)
    confirmed = list(source.evidence.confirmed().values_list("commitment__slug", flat=True))
    if confirmed:
        raise TriageError(
            f"{source} is confirmed evidence for {', '.join(confirmed)}: it cannot also be evidence "
            "for no commitment."
        )
    rejected = [reject_evidence(evidence, by=by) for evidence in source.evidence.suggested()]
    _triaged(source, by=by, not_evidence=True)
    return rejected


def _triaged(
    source: Source, *, by: AbstractBaseUser | None, not_evidence: bool, in_bulk: bool = False
) -> Source:
    source.triaged_at = timezone.now()
    source.triaged_by = by
    source.not_evidence = not_evidence
    source.cleared_in_bulk = in_bulk
    source.save(update_fields=["triaged_at", "triaged_by", "not_evidence", "cleared_in_bulk"])
    return source


@transaction.atomic
def confirm_and_finish(
    source: Source,
    commitment: Commitment,
    *,
    by: AbstractBaseUser | None,
    seen: str,
    sentences: Sequence[int],
) -> Evidence:
    """Confirm one candidate and finish the source in one step: the usual case of a source that
    evidences one commitment. Any other suggestion left undecided stays in the review queue."""
    evidence = decide_candidate(
        source, commitment, decision=Decision.CONFIRM, by=by, seen=seen, sentences=sentences
    )
    _triaged(_lock(source), by=by, not_evidence=False)
    return evidence


def backlog(before: date, *, kind: str = "question") -> QuerySet[Source]:
    """Waiting sources of a kind ("question", "statement", "contribution", "publication") dated
    before `before` with no strong candidate: none of their evidence is suggested or confirmed (the
    matcher suggests only what scores at least its threshold). One of unknown date is never among
    them. A publication's date is a moment: its day (in the site's time zone) is compared."""
    model = SOURCE_MODELS[kind]
    strong = Evidence.objects.filter(
        **{kind: OuterRef("pk")}, state__in=[Evidence.State.SUGGESTED, Evidence.State.CONFIRMED]
    )
    moment = isinstance(model._meta.get_field(model.DATE_FIELD), DateTimeField)
    dated_before = {f"{model.DATE_FIELD}{'__date' if moment else ''}__lt": before}
    return model.objects.awaiting_triage().filter(**dated_before).exclude(Exists(strong))


@transaction.atomic
def clear_backlog(*, before: date, by: AbstractBaseUser | None, kind: str = "question") -> list[Source]:
    """Take an old backlog out of the queue unread: every waiting source of the kind dated before
    `before` with no strong candidate. Each is recorded as triaged by `by`, now, `cleared_in_bulk`
    (not "done", not "not evidence": nobody read it); a correction brings it back like any other."""
    cleared = list(backlog(before, kind=kind).select_for_update(of=("self",)))
    for source in cleared:
        _triaged(source, by=by, not_evidence=False, in_bulk=True)
    return cleared
