"""Writing questions: upsert one API record by Parliament's id and key, or insert a page of new ones
at once, recording the events each shows. Each question is written in its own transaction, so a
run that dies part-way keeps what it finished and leaves nothing half-written.

A record the database cannot hold (a field longer than its column, a NUL character) is refused
with its reason, before anything is written: the run records it and writes the rest."""

from __future__ import annotations

from django.db import DataError, IntegrityError, transaction

from ..models import QuestionEvent, RecheckRun, WrittenQuestion
from .answer_html import answer_html_to_text, normalised, sanitise_answer_html
from .client import QuestionRecord
from .events import change_events, known_events, mark_seen, record_known_events
from .watch import Watch


class UnstorableRecord(Exception):
    """A record from Parliament that the database cannot hold as it is."""

    def __init__(self, record: QuestionRecord, reason: str):
        super().__init__(f"Question {record.id} ({record.house} {record.uin}): {reason}")
        self.record = record
        self.reason = reason


def check_storable(record: QuestionRecord, values: dict) -> None:
    """Refuse what PostgreSQL would refuse mid-transaction (SQLite would store it silently), with a
    reason an editor can act on."""
    for name, value in values.items():
        field = WrittenQuestion._meta.get_field(name)
        if _holds_nul(value):
            raise UnstorableRecord(
                record, f"its {field.verbose_name} holds a NUL character, which cannot be stored"
            )
        if isinstance(value, str) and field.max_length and len(value) > field.max_length:
            raise UnstorableRecord(
                record,
                f"its {field.verbose_name} is {len(value):,} characters long; "
                f"at most {field.max_length} can be stored",
            )


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(item) for item in value)
    return False


def question_values(record: QuestionRecord, *, watch: Watch) -> dict:
    """Model fields from an API record. A detail record's answer is HTML; a list record's is plain."""
    raw_answer = record.answer_text or ""
    answer_html = "" if record.from_list else raw_answer
    answer_text = answer_html_to_text(raw_answer)
    question_text = record.question_text or ""
    is_about_ipp, matched = watch.matches(
        f"{record.heading or ''}\n{question_text}\n{answer_text}", answering_body_id=record.answering_body_id
    )
    values = {
        "parliament_id": record.id,
        "house": record.house,
        "uin": record.uin,
        "date_tabled": record.date_tabled,
        "date_for_answer": record.date_for_answer,
        "date_answered": record.date_answered,
        "date_answer_corrected": record.date_answer_corrected,
        "date_holding_answer": record.date_holding_answer,
        "heading": record.heading or "",
        "question_text": question_text,
        "answer_html": answer_html,
        "answer_html_safe": sanitise_answer_html(answer_html),
        "answer_text": answer_text,
        "answer_is_complete": True,
        "answer_is_holding": bool(record.answer_is_holding),
        "answer_is_correction": bool(record.answer_is_correction),
        "is_withdrawn": record.is_withdrawn,
        "asking_member_id": record.asking_member_id or None,
        "asking_member": (record.asking_member.name or "") if record.asking_member else "",
        "answering_member_id": record.answering_member_id,
        "answering_member": (record.answering_member.name or "") if record.answering_member else "",
        "answering_body_id": record.answering_body_id,
        "answering_body": record.answering_body_name or "",
        "source_record": record.raw,
        "is_about_ipp": is_about_ipp,
        "matched_terms": matched,
    }
    check_storable(record, values)
    return values


def _find_for_update(record: QuestionRecord) -> WrittenQuestion | None:
    by_id = WrittenQuestion.objects.select_for_update().filter(parliament_id=record.id).first()
    if by_id:
        return by_id
    # A copy we hold without Parliament's id (research data, a seed with no tabled date yet). An
    # undated copy must also ask the same question: UINs restart every session.
    candidates = (
        WrittenQuestion.objects.select_for_update()
        .with_key(
            house=record.house,
            uin=record.uin,
            date_tabled=record.date_tabled,
            date_answered=record.date_answered,
        )
        .filter(parliament_id__isnull=True)
        .order_by("date_tabled")
    )
    asked = normalised(record.question_text or "").lower()
    for candidate in candidates:
        if candidate.date_tabled or _same_question(normalised(candidate.question_text).lower(), asked):
            return candidate
    return None


def _same_question(held: str, asked: str) -> bool:
    """A list view cuts question text at 255 characters, so a prefix is enough."""
    if not held or not asked:
        return not held  # a copy with no question text cannot be told apart; take it
    shorter, longer = sorted((held, asked), key=len)
    return longer.startswith(shorter)


def apply_record(
    record: QuestionRecord, *, fingerprint: str, watch: Watch, run: RecheckRun | None = None
) -> tuple[str, int]:
    """Upsert one question and its events in one transaction. Returns (what happened, events).

    Two workers applying the same new record: one insert wins, the other's fails on the unique
    key and is applied as an update of the winner's row, which finds nothing changed.
    """
    values = question_values(record, watch=watch)
    with transaction.atomic():
        question = _find_for_update(record)
        if question is None:
            try:
                with transaction.atomic():
                    question = WrittenQuestion(**values, list_fingerprint=fingerprint)
                    mark_seen(question)
                    question.save()
            except IntegrityError:
                question = _find_for_update(record)
                if question is None:
                    raise
            else:
                events = record_known_events(question, detail="First seen in Parliament's API.", run=run)
                return "created", len(events)
        return _update(question, values, fingerprint=fingerprint, run=run)


def _update(question: WrittenQuestion, values: dict, *, fingerprint: str, run: RecheckRun | None):
    before = WrittenQuestion(**{name: getattr(question, name) for name in values})
    changed = [
        name for name, value in values.items() if name != "source_record" and getattr(question, name) != value
    ]
    for name, value in values.items():
        setattr(question, name, value)
    question.list_fingerprint = fingerprint
    mark_seen(question)
    if not changed:
        question.save(update_fields=["list_fingerprint", "last_seen_at", "source_record", "content_hash"])
        return "unchanged", 0
    question.save()
    events = [
        event
        for event in (
            *change_events(before, question, run),
            *record_known_events(question, detail="Seen in Parliament's API.", run=run),
        )
        if event
    ]
    return "updated", len(events)


def create_questions(
    records: list[tuple[QuestionRecord, str]], *, watch: Watch, run: RecheckRun
) -> list[tuple[QuestionRecord, str]]:
    """Insert questions we have never seen, and their events, in two statements and one
    transaction. Returns the records this path cannot take (a copy we hold without Parliament's id,
    a row another worker inserted first, or a record the database refused): those go through
    apply_record one by one."""
    held = {
        (house, uin.upper())
        for house, uin in WrittenQuestion.objects.filter(parliament_id__isnull=True).values_list(
            "house", "uin"
        )
    }
    fresh = [(r, fp) for r, fp in records if (r.house, r.uin.upper()) not in held]
    leftover = [(r, fp) for r, fp in records if (r.house, r.uin.upper()) in held]
    questions = []
    for record, fingerprint in fresh:
        try:
            values = question_values(record, watch=watch)
        except UnstorableRecord:
            leftover.append((record, fingerprint))  # apply_record refuses it again, and the run says why
            continue
        question = WrittenQuestion(**values, list_fingerprint=fingerprint)
        mark_seen(question)
        questions.append(question)
    try:
        with transaction.atomic():
            WrittenQuestion.objects.bulk_create(questions)
            events = [
                event
                for question in questions
                for event in known_events(question, detail="First seen in Parliament's API.", run=run)
            ]
            QuestionEvent.objects.bulk_create(events)
    except (IntegrityError, DataError):
        # Someone else inserted some of them meanwhile, or the database refused one that passed
        # check_storable: take the careful path, one transaction per question.
        return records
    run.questions_created += len(questions)
    run.events_created += len(events)
    return leftover
