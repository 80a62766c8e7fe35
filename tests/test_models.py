"""Invariants the database itself enforces, whatever code writes the rows."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from commitments.models import Commitment, Evidence, FigureCell, QuestionEvent, StatusChange

from .factories import (
    CommitmentFactory,
    EvidenceFactory,
    FigureCellFactory,
    QuestionEventFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db


def test_unknown_status_is_refused_by_the_database(commitment):
    with pytest.raises(IntegrityError, match="commitment_status_valid"), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(status="abandoned")
    commitment.refresh_from_db()
    assert commitment.status == "planned"


def test_status_change_to_unknown_status_is_refused_by_the_database(commitment):
    with pytest.raises(IntegrityError, match="status_change_to_valid"), transaction.atomic():
        StatusChange.objects.create(
            commitment=commitment, to_status="abandoned", reason="r", effective_on=date(2024, 1, 1)
        )
    assert not StatusChange.objects.exists()


def test_status_change_without_reason_is_refused_by_the_database(commitment):
    with pytest.raises(IntegrityError, match="status_change_has_reason"), transaction.atomic():
        StatusChange.objects.create(
            commitment=commitment, to_status="delivered", reason="", effective_on=date(2024, 1, 1)
        )
    assert not StatusChange.objects.exists()


def test_duplicate_question_key_is_refused():
    WrittenQuestionFactory(house="Lords", uin="HL7122", date_tabled=date(2022, 3, 21))
    with pytest.raises(IntegrityError, match="question_unique_parliament_key"), transaction.atomic():
        WrittenQuestionFactory(house="Lords", uin="HL7122", date_tabled=date(2022, 3, 21))


def test_same_uin_in_another_session_is_a_different_question():
    WrittenQuestionFactory(house="Commons", uin="7947", date_tabled=date(2024, 1, 5))
    WrittenQuestionFactory(house="Commons", uin="7947", date_tabled=date(2019, 6, 18))
    assert WrittenQuestionFactory._meta.model.objects.filter(uin="7947").count() == 2


def test_second_undated_copy_of_a_question_is_refused():
    WrittenQuestionFactory(house="Commons", uin="15167", date_tabled=None)
    with pytest.raises(IntegrityError, match="question_unique_undated_uin"), transaction.atomic():
        WrittenQuestionFactory(house="Commons", uin="15167", date_tabled=None)


def test_same_parliament_id_twice_is_refused():
    WrittenQuestionFactory(parliament_id=1679416)
    with pytest.raises(IntegrityError), transaction.atomic():
        WrittenQuestionFactory(parliament_id=1679416)


def test_second_evidence_row_for_the_same_pair_is_refused():
    evidence = EvidenceFactory()
    with pytest.raises(IntegrityError, match="evidence_once_per_commitment_question"), transaction.atomic():
        EvidenceFactory(commitment=evidence.commitment, question=evidence.question)
    assert Evidence.objects.count() == 1


def test_confirmed_evidence_without_excerpt_is_refused():
    with pytest.raises(IntegrityError, match="evidence_confirmed_has_excerpt"), transaction.atomic():
        EvidenceFactory(state=Evidence.State.CONFIRMED, excerpt="")


def test_suppressed_cell_cannot_carry_a_number():
    with pytest.raises(IntegrityError, match="figure_cell_value_only_for_numbers"), transaction.atomic():
        FigureCellFactory(kind=FigureCell.Kind.SUPPRESSED, value=0, published="*")


def test_number_cell_needs_its_number():
    with pytest.raises(IntegrityError, match="figure_cell_value_only_for_numbers"), transaction.atomic():
        FigureCellFactory(kind=FigureCell.Kind.NUMBER, value=None, published="")


def test_question_event_recorded_twice_is_refused():
    event = QuestionEventFactory(content_hash="abc")
    with pytest.raises(IntegrityError, match="question_event_once"), transaction.atomic():
        QuestionEventFactory(question=event.question, kind=event.kind, content_hash="abc")


def test_question_event_is_append_only():
    event = QuestionEventFactory()
    with pytest.raises(Exception, match="append-only"):
        event.save()
    with pytest.raises(Exception, match="append-only"):
        event.delete()
    with pytest.raises(Exception, match="cannot be deleted"):
        QuestionEvent.objects.all().delete()
    assert QuestionEvent.objects.count() == 1


def test_official_url_is_derived_from_house_date_and_uin():
    question = WrittenQuestionFactory(house="Lords", uin="HL7122", date_tabled=date(2022, 3, 21))
    assert question.official_url == (
        "https://questions-statements.parliament.uk/written-questions/detail/2022-03-21/HL7122"
    )


def test_undated_question_has_no_official_url_but_cites_its_source():
    question = WrittenQuestionFactory(
        uin="15167", date_tabled=None, source_url="https://parallelparliament.co.uk/question/15167/probation"
    )
    assert question.official_url == ""
    assert question.citation_url == "https://parallelparliament.co.uk/question/15167/probation"


def test_deleting_a_commitment_with_history_is_refused(commitment):
    from django.db.models import ProtectedError

    from commitments.editorial import record_status_change

    record_status_change(commitment, to="in_progress", reason="Pilot started", effective_on=date(2024, 1, 1))
    with pytest.raises(ProtectedError):
        Commitment.objects.filter(pk=commitment.pk).delete()
    assert CommitmentFactory._meta.model.objects.filter(pk=commitment.pk).exists()
