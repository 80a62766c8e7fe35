"""record_status_change and the evidence reviews: the one door into history."""

from datetime import date

import pytest
import time_machine
from django.db.models import F

from commitments.editorial import (
    confirm_evidence,
    record_status_change,
    reject_evidence,
    status_history_mismatches,
)
from commitments.exceptions import EvidenceError, ImmutableRecord, StatusChangeError
from commitments.models import Commitment, Evidence, Status, StatusChange

from .factories import CommitmentFactory, EvidenceFactory


def test_status_change_is_append_only(commitment, editor):
    change = record_status_change(
        commitment, to=Status.DELAYED, reason="Pilot paused", by=editor, effective_on=date(2024, 11, 15)
    )
    change.reason = "Rewritten history"
    with pytest.raises(ImmutableRecord):
        change.save()
    with pytest.raises(ImmutableRecord):
        change.delete()
    with pytest.raises(ImmutableRecord):
        StatusChange.objects.filter(pk=change.pk).update(reason="Rewritten history")
    with pytest.raises(ImmutableRecord):
        StatusChange.objects.all().delete()
    assert commitment.status_changes.get().reason == "Pilot paused"


def test_status_change_records_from_to_who_and_why(commitment, editor):
    first = record_status_change(
        commitment, to=Status.IN_PROGRESS, reason="Pilot started", by=editor, effective_on=date(2024, 1, 1)
    )
    second = record_status_change(
        commitment,
        to=Status.DELIVERED,
        reason="Rolled out",
        by=editor,
        effective_on=date(2024, 6, 1),
        source_url="https://example.org/answer",
    )
    assert (first.from_status, first.to_status) == ("", "in_progress")
    assert (second.from_status, second.to_status) == ("in_progress", "delivered")
    assert second.changed_by == editor
    assert second.source_url == "https://example.org/answer"
    commitment.refresh_from_db()
    assert commitment.status == "delivered"


def test_back_dated_status_change_is_refused_and_history_stays_a_chain(commitment):
    record_status_change(commitment, to=Status.IN_PROGRESS, reason="Started", effective_on=date(2024, 6, 1))
    with pytest.raises(StatusChangeError, match=r"on 01/01/2023, before the latest one \(01/06/2024\)"):
        record_status_change(commitment, to=Status.PLANNED, reason="Announced", effective_on=date(2023, 1, 1))
    later = record_status_change(
        commitment, to=Status.DELIVERED, reason="Done", effective_on=date(2024, 6, 1)
    )
    assert later.from_status == "in_progress"
    commitment.refresh_from_db()
    assert commitment.status == "delivered"
    assert Commitment.objects.with_latest_status().get(pk=commitment.pk).latest_status == "delivered"


def test_the_latest_status_change_is_the_last_to_take_effect_then_the_last_recorded(commitment):
    assert commitment.status_changes.latest_or_none() is None
    record_status_change(commitment, to=Status.IN_PROGRESS, reason="Started", effective_on=date(2024, 1, 1))
    record_status_change(commitment, to=Status.DELAYED, reason="Paused", effective_on=date(2024, 6, 1))
    last = record_status_change(commitment, to=Status.DELIVERED, reason="Done", effective_on=date(2024, 6, 1))

    assert commitment.status_changes.latest_or_none() == last == commitment.status_changes.latest()
    assert list(commitment.status_changes.newest_first()) == list(commitment.status_changes.in_order())[::-1]
    assert Commitment.objects.with_latest_status().get(pk=commitment.pk).latest_status == last.to_status


@time_machine.travel(date(2025, 3, 1))
def test_future_status_change_is_refused(commitment):
    with pytest.raises(StatusChangeError, match="future"):
        record_status_change(commitment, to=Status.DELIVERED, reason="r", effective_on=date(2025, 3, 2))
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "not a url", "ftp://example.org/x"])
def test_status_change_source_must_be_a_web_url(commitment, url):
    with pytest.raises(StatusChangeError, match="not an http"):
        record_status_change(
            commitment, to=Status.DELIVERED, reason="r", effective_on=date(2024, 1, 1), source_url=url
        )
    assert not StatusChange.objects.exists()


def test_cached_status_matches_history_across_many_commitments(db):
    commitments = CommitmentFactory.create_batch(4)
    for day, (commitment, status) in enumerate(zip(commitments, Status, strict=False), start=1):
        record_status_change(commitment, to=status, reason="r", effective_on=date(2024, 1, day))
        record_status_change(commitment, to=Status.DELAYED, reason="r2", effective_on=date(2024, 2, day))
    CommitmentFactory()  # no history: planned, and consistent
    assert status_history_mismatches() == []
    assert not Commitment.objects.with_latest_status().exclude(status=F("latest_status")).exists()


def test_status_history_mismatch_is_reported(commitment):
    record_status_change(commitment, to=Status.DELIVERED, reason="r", effective_on=date(2024, 1, 1))
    Commitment.objects.filter(pk=commitment.pk).update(status=Status.DELAYED)  # bypassing the service
    assert status_history_mismatches() == [commitment.slug]


@pytest.mark.parametrize("reason", ["", "   "])
def test_status_change_without_reason_is_refused_and_writes_nothing(commitment, reason):
    with pytest.raises(StatusChangeError, match="needs a reason"):
        record_status_change(commitment, to=Status.DELIVERED, reason=reason, effective_on=date(2024, 1, 1))
    assert not StatusChange.objects.exists()
    commitment.refresh_from_db()
    assert commitment.status == "planned"


def test_unknown_status_is_refused_by_the_service(commitment):
    with pytest.raises(StatusChangeError, match="not a status"):
        record_status_change(commitment, to="abandoned", reason="r", effective_on=date(2024, 1, 1))
    assert not StatusChange.objects.exists()


def test_confirming_evidence_records_reviewer_and_excerpt(editor):
    evidence = EvidenceFactory()
    confirm_evidence(evidence, by=editor, excerpt="  The first is the roll out.  ")
    evidence.refresh_from_db()
    assert evidence.state == Evidence.State.CONFIRMED
    assert evidence.excerpt == "The first is the roll out."
    assert evidence.reviewed_by == editor
    assert evidence.reviewed_at is not None


def test_rejected_evidence_cannot_be_confirmed(editor):
    evidence = reject_evidence(EvidenceFactory(), by=editor)
    with pytest.raises(EvidenceError, match="re-suggested"):
        confirm_evidence(evidence, by=editor)
    evidence.refresh_from_db()
    assert evidence.state == Evidence.State.REJECTED


def test_evidence_cannot_be_confirmed_without_excerpt(editor):
    evidence = EvidenceFactory(excerpt="")
    with pytest.raises(EvidenceError, match="excerpt"):
        confirm_evidence(evidence, by=editor)
    evidence.refresh_from_db()
    assert evidence.state == Evidence.State.SUGGESTED


def test_a_stale_copy_saved_later_cannot_undo_a_status_change(commitment):
    stale = Commitment.objects.get(pk=commitment.pk)
    record_status_change(commitment, to=Status.DELIVERED, reason="Done", effective_on=date(2024, 1, 1))
    stale.owner = "Parole Board"
    stale.save()
    commitment.refresh_from_db()
    assert (commitment.status, commitment.owner) == ("delivered", "Parole Board")
    assert status_history_mismatches() == []
