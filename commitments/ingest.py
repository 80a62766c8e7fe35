"""Bringing written questions in, from Parliament's API (recheck_answers, recheck_pending) and from
the research files (loading.py uses the same upsert helpers).

Decides what is new, upserts by Parliament's id and key, records a QuestionEvent per observed change
and a RecheckRun per execution. Each question is written in its own transaction: a run that dies
part-way keeps what it finished and leaves nothing half-written.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .answer_html import answer_html_to_text, normalised, sanitise_answer_html
from .models import Evidence, QuestionEvent, RecheckRun, WrittenQuestion
from .parliament import (
    MalformedRecord,
    ParliamentClient,
    ParliamentError,
    QuestionNotFound,
    QuestionRecord,
    QuestionSearch,
)
from .public_cache import bump_data_version
from .watch import Watch

logger = logging.getLogger(__name__)

# Events that happen at most once per question; the others repeat with each new content.
ONCE_IN_A_LIFE = frozenset(
    {
        QuestionEvent.Kind.TABLED,
        QuestionEvent.Kind.HOLDING_ANSWER,
        QuestionEvent.Kind.ANSWERED,
        QuestionEvent.Kind.WITHDRAWN,
    }
)

Progress = Callable[[RecheckRun], None]


# -- content hash and events ------------------------------------------------------------------


def event_key(question: WrittenQuestion, kind: str) -> str:
    """What makes an observation the same one again: nothing, for events that happen once in a
    question's life; the corrected answer, for a correction (so a later withdrawal does not repeat
    it); the whole content otherwise."""
    if kind in ONCE_IN_A_LIFE:
        return ""
    if kind == QuestionEvent.Kind.CORRECTED:
        corrected = f"{question.date_answer_corrected}|{normalised(question.answer_text)}"
        return hashlib.sha256(corrected.encode()).hexdigest()
    return question.content_hash


def content_hash(question: WrittenQuestion) -> str:
    """What makes an answer news: its words (whitespace aside), dates and flags."""
    payload = [
        normalised(question.question_text),
        normalised(question.answer_text),
        question.date_answered,
        question.date_answer_corrected,
        question.date_holding_answer,
        question.answer_is_holding,
        question.answer_is_correction,
        question.is_withdrawn,
    ]
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


def mark_seen(question: WrittenQuestion) -> None:
    question.content_hash = content_hash(question)
    question.last_seen_at = timezone.now()


def _event(
    question: WrittenQuestion,
    kind: str,
    *,
    occurred_on: date | None,
    detail: str = "",
    previous_text: str = "",
    run: RecheckRun | None = None,
) -> QuestionEvent | None:
    """Record one event unless the same observation is already recorded (idempotent)."""
    key = event_key(question, kind)
    event, created = QuestionEvent.objects.get_or_create(
        question=question,
        kind=kind,
        content_hash=key,
        defaults={
            "occurred_on": occurred_on,
            "detail": detail,
            "previous_text": previous_text,
            "recheck_run": run,
        },
    )
    return event if created else None


def known_events(
    question: WrittenQuestion, *, detail: str, run: RecheckRun | None = None
) -> list[QuestionEvent]:
    """The tabled / holding / answered / corrected / withdrawn events a record shows, unsaved."""
    milestones = [
        # Not before the date is known: events are append-only, so a dateless one could never be fixed.
        (QuestionEvent.Kind.TABLED, question.date_tabled, question.date_tabled is not None),
        (QuestionEvent.Kind.HOLDING_ANSWER, question.date_holding_answer, question.date_holding_answer),
        (
            QuestionEvent.Kind.ANSWERED,
            question.date_answered,
            question.date_answered and not question.answer_is_holding,
        ),
        (QuestionEvent.Kind.CORRECTED, question.date_answer_corrected, question.answer_is_correction),
        (QuestionEvent.Kind.WITHDRAWN, None, question.is_withdrawn),
    ]
    return [
        QuestionEvent(
            question=question,
            kind=kind,
            occurred_on=occurred_on,
            detail=detail,
            recheck_run=run,
            content_hash=event_key(question, kind),
        )
        for kind, occurred_on, happened in milestones
        if happened
    ]


def record_known_events(
    question: WrittenQuestion, *, detail: str, run: RecheckRun | None = None
) -> list[QuestionEvent]:
    """Record the events the record shows that are not recorded yet (idempotent)."""
    recorded = []
    for event in known_events(question, detail=detail, run=run):
        saved = _event(question, event.kind, occurred_on=event.occurred_on, detail=detail, run=run)
        if saved:
            recorded.append(saved)
    return recorded


# -- one record ---------------------------------------------------------------------------------


def question_values(record: QuestionRecord, *, watch: Watch) -> dict:
    """Model fields from an API record. A detail record's answer is HTML; a list record's is plain."""
    raw_answer = record.answer_text or ""
    answer_html = "" if record.from_list else raw_answer
    answer_text = answer_html_to_text(raw_answer)
    question_text = record.question_text or ""
    is_about_ipp, matched = watch.matches(
        f"{record.heading or ''}\n{question_text}\n{answer_text}", answering_body_id=record.answering_body_id
    )
    return {
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
            *_change_events(before, question, run),
            *record_known_events(question, detail="Seen in Parliament's API.", run=run),
        )
        if event
    ]
    return "updated", len(events)


def _change_events(before: WrittenQuestion, after: WrittenQuestion, run: RecheckRun | None):
    text_changed = normalised(before.answer_text) != normalised(after.answer_text) or normalised(
        before.question_text
    ) != normalised(after.question_text)
    corrected_now = after.answer_is_correction and (
        not before.answer_is_correction
        or before.date_answer_corrected != after.date_answer_corrected
        or text_changed
    )
    if corrected_now:
        yield _event(
            after,
            QuestionEvent.Kind.CORRECTED,
            occurred_on=after.date_answer_corrected,
            detail="The answer was corrected.",
            previous_text=before.answer_text,
            run=run,
        )
    elif text_changed and before.answer_text and not before.answer_is_holding and not after.answer_is_holding:
        yield _event(
            after,
            QuestionEvent.Kind.TEXT_CHANGED,
            occurred_on=None,
            detail="The text differs from the copy we held.",
            previous_text=before.answer_text,
            run=run,
        )


# -- runs ---------------------------------------------------------------------------------------


@contextmanager
def recheck_lock() -> Iterator[bool]:
    """A Redis lock so a second concurrent run exits cleanly; one lock for both kinds, whose page
    inserts could otherwise deadlock. Without Redis (the demo) there is no lock; the database's
    unique keys still make duplicates impossible."""
    if not settings.REDIS_URL or not settings.RECHECK_USE_LOCK:
        yield True
        return
    import redis

    lock = redis.Redis.from_url(settings.REDIS_URL).lock(
        "tracker:recheck", timeout=settings.RECHECK_LOCK_SECONDS, blocking=False
    )
    acquired = lock.acquire(blocking=False)
    try:
        yield acquired
    finally:
        if acquired:
            try:
                lock.release()
            except redis.exceptions.LockError:
                logger.warning("The re-check lock expired before the run finished")


def rematch_stored_questions(*, watch: Watch | None = None, batch: int = 500) -> int:
    """Apply the current watched terms and bodies to every stored question (after an editor
    changes them); returns how many changed."""
    watch = watch or Watch.load()
    changed = []
    fields = [
        "pk",
        "heading",
        "question_text",
        "answer_text",
        "answering_body_id",
        "is_about_ipp",
        "matched_terms",
    ]
    for question in WrittenQuestion.objects.only(*fields).iterator(chunk_size=batch):
        found = watch.matches(
            f"{question.heading}\n{question.question_text}\n{question.answer_text}",
            answering_body_id=question.answering_body_id,
        )
        if found != (question.is_about_ipp, question.matched_terms):
            question.is_about_ipp, question.matched_terms = found
            changed.append(question)
    WrittenQuestion.objects.bulk_update(changed, ["is_about_ipp", "matched_terms"], batch_size=batch)
    # An answer that now names a watched term was never matched; one that no longer does may hold
    # suggestions it cannot support.
    analyse_later(WrittenQuestion.objects.filter(pk__in=[question.pk for question in changed]))
    if changed:
        bump_data_version()
    return len(changed)


def _window(kind: str, *, since: date | None, full: bool) -> tuple[date, bool]:
    """Where a run starts, and whether it covers everything since the last good run (only then may
    it move the high-water mark: a --since later than that would leave a gap)."""
    epoch = date.fromisoformat(settings.RECHECK_EPOCH)
    mark = RecheckRun.objects.high_water_mark(kind)
    expected = max(epoch, mark - timedelta(days=settings.RECHECK_OVERLAP_DAYS)) if mark else epoch
    if since:
        return since, since <= expected
    if full:
        return epoch, True
    return expected, True


def recheck_answers(
    *,
    since: date | None = None,
    full: bool = False,
    deep: bool = False,
    client: ParliamentClient | None = None,
    progress: Progress | None = None,
) -> RecheckRun:
    """New and changed answers since the last good run (minus an overlap), or since `since`.

    `deep` re-reads every question's detail, not trusting unchanged list items: the list view
    cuts text at 255 characters, so an edit further in only shows in the detail."""
    window_from, covers = _window(RecheckRun.Kind.ANSWERS, since=since, full=full)
    watch = Watch.load()
    return _run(
        RecheckRun.Kind.ANSWERS,
        window_from,
        watch,
        watch.answer_searches(window_from),
        client=client,
        progress=progress,
        advances_mark=covers,
        deep=deep,
    )


def recheck_pending(
    *, since: date | None = None, client: ParliamentClient | None = None, progress: Progress | None = None
) -> RecheckRun:
    """Questions tabled but not answered, holding answers, and corrections since the last run."""
    window_from, covers = _window(RecheckRun.Kind.PENDING, since=since, full=False)
    watch = Watch.load()
    return _run(
        RecheckRun.Kind.PENDING,
        window_from,
        watch,
        watch.pending_searches(window_from),
        client=client,
        progress=progress,
        then=_recheck_each_pending,
        advances_mark=covers,
    )


def _recheck_each_pending(run: RecheckRun, client: ParliamentClient, watch: Watch, seen: set[int]) -> None:
    pending = WrittenQuestion.objects.filter(parliament_id__isnull=False, is_withdrawn=False).exclude(
        parliament_id__in=seen
    ).filter(date_answered__isnull=True) | WrittenQuestion.objects.filter(
        parliament_id__isnull=False, is_withdrawn=False, answer_is_holding=True
    ).exclude(parliament_id__in=seen)
    for parliament_id in pending.values_list("parliament_id", flat=True).distinct():
        try:
            record = client.get_question(parliament_id)
        except (MalformedRecord, QuestionNotFound) as error:
            run.errors.append(str(error))
            continue
        if _apply(record, record.fingerprint, watch=watch, run=run):
            analyse_later(WrittenQuestion.objects.filter(parliament_id=parliament_id))


def _apply(record: QuestionRecord, fingerprint: str, *, watch: Watch, run: RecheckRun) -> bool:
    """apply_record, with a conflict recorded on the run instead of stopping it. True when the
    question was created or changed."""
    try:
        what, events = apply_record(record, fingerprint=fingerprint, watch=watch, run=run)
    except IntegrityError as error:
        run.errors.append(
            f"Question {record.id} ({record.house} {record.uin}, tabled {record.date_tabled}) conflicts "
            f"with a stored question: {str(error).splitlines()[0]}"
        )
        return False
    _count(run, what, events)
    return what != "unchanged"


def analyse_later(questions: QuerySet[WrittenQuestion]) -> None:
    """Queue the matcher and table extraction for each of `questions` that is an answer about IPP,
    or that has suggestions it may no longer support, once the rows the task reads are committed
    (in-process when Celery runs eagerly, as in the demo)."""
    from .tasks import analyse_answer_task  # tasks import this module

    worth_it = Q(is_about_ipp=True, date_answered__isnull=False) | Q(evidence__state=Evidence.State.SUGGESTED)
    for pk in questions.filter(worth_it).values_list("pk", flat=True).distinct():
        transaction.on_commit(partial(analyse_answer_task.delay, pk))


def _count(run: RecheckRun, what: str, events: int) -> None:
    field = {
        "created": "questions_created",
        "updated": "questions_updated",
        "unchanged": "questions_unchanged",
    }
    setattr(run, field[what], getattr(run, field[what]) + 1)
    run.events_created += events


def ingest_page(
    items: list[QuestionRecord | MalformedRecord],
    *,
    client: ParliamentClient,
    watch: Watch,
    run: RecheckRun,
    seen: set[int],
    deep: bool = False,
) -> None:
    """One page of list items. Unchanged ones cost one query for the whole page; new ones are
    completed from the detail endpoint when the list cut their text and written together; changed
    ones are read in full from the detail endpoint and upserted one by one."""
    records = []
    for item in items:
        if isinstance(item, MalformedRecord):
            run.errors.append(str(item))
        elif item.id not in seen:
            seen.add(item.id)
            records.append(item)
    known = dict(
        WrittenQuestion.objects.filter(parliament_id__in=[r.id for r in records]).values_list(
            "parliament_id", "list_fingerprint"
        )
    )
    unchanged = [] if deep else [r.id for r in records if known.get(r.id) == r.fingerprint]
    if unchanged:
        WrittenQuestion.objects.filter(parliament_id__in=unchanged).update(last_seen_at=timezone.now())
        run.questions_unchanged += len(unchanged)
    completed = []
    for record in records:
        if record.id in unchanged:
            continue
        try:
            # A question we hold is re-read in full: its list text alone cannot say what changed.
            full = client.get_question(record.id) if record.id in known else client.complete(record)
            completed.append((full, record.fingerprint))
        except (MalformedRecord, QuestionNotFound) as error:
            run.errors.append(str(error))
    new = [(full, fingerprint) for full, fingerprint in completed if full.id not in known]
    leftover = create_questions(new, watch=watch, run=run) if new else []
    taken_later = {full.id for full, _ in leftover}
    written = [full.id for full, _ in new if full.id not in taken_later]
    for full, fingerprint in [*leftover, *((f, p) for f, p in completed if f.id in known)]:
        if _apply(full, fingerprint, watch=watch, run=run):
            written.append(full.id)
    if written:
        analyse_later(WrittenQuestion.objects.filter(parliament_id__in=written))


def create_questions(
    records: list[tuple[QuestionRecord, str]], *, watch: Watch, run: RecheckRun
) -> list[tuple[QuestionRecord, str]]:
    """Insert questions we have never seen, and their events, in two statements and one
    transaction. Returns the records this path cannot take (a copy we hold without Parliament's id,
    or a row another worker inserted first): those go through apply_record one by one."""
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
        question = WrittenQuestion(**question_values(record, watch=watch), list_fingerprint=fingerprint)
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
    except IntegrityError:
        return records  # someone else inserted some of them meanwhile: take the careful path
    run.questions_created += len(questions)
    run.events_created += len(events)
    bump_data_version()  # bulk inserts send no signals
    return leftover


def _run(
    kind: str,
    window_from: date,
    watch: Watch,
    searches: list[QuestionSearch],
    *,
    client: ParliamentClient | None,
    progress: Progress | None,
    then=None,
    advances_mark: bool = True,
    deep: bool = False,
) -> RecheckRun:
    today = timezone.localdate()
    with recheck_lock() as acquired:
        if not acquired:
            logger.info("A %s re-check is already running; this one exits.", kind)
            skipped = RecheckRun.objects.create(
                kind=kind,
                window_from=window_from,
                window_to=today,
                outcome=RecheckRun.Outcome.SKIPPED,
                errors=["Another re-check was running."],
                advances_mark=False,
            )
            skipped.finished_at = skipped.started_at
            skipped.save(update_fields=["finished_at"])
            return skipped
        run = RecheckRun.objects.create(
            kind=kind, window_from=window_from, window_to=today, advances_mark=advances_mark
        )
        own_client = client is None
        client = client or ParliamentClient.from_settings()
        requests_before = client.stats.requests
        seen: set[int] = set()
        try:
            for search in searches:
                for page in client.iter_pages(search):
                    run.pages_fetched += 1
                    ingest_page(page.items, client=client, watch=watch, run=run, seen=seen, deep=deep)
                    run.requests_made = client.stats.requests - requests_before
                    if progress:
                        progress(run)
            if then:
                then(run, client, watch, seen)
        except ParliamentError as error:
            run.outcome = RecheckRun.Outcome.FAILED
            run.errors.append(str(error))
            logger.error("Re-check (%s) failed: %s", kind, error)
        else:
            run.outcome = RecheckRun.Outcome.PARTIAL if run.errors else RecheckRun.Outcome.SUCCEEDED
        finally:
            run.requests_made = client.stats.requests - requests_before
            run.finished_at = timezone.now()
            if run.outcome == RecheckRun.Outcome.RUNNING:  # an unexpected exception is propagating
                run.outcome = RecheckRun.Outcome.FAILED
                run.errors.append("The run stopped on an unexpected error; see the worker log.")
            run.save()
            if own_client:
                client.close()
    return run
