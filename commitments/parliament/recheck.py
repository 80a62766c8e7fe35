"""Re-checking Parliament: runs that page through the API for new and changed answers
(recheck_answers) or for pending questions and corrections (recheck_pending), and re-matching what we
hold after the watched terms change (rematch_stored_questions).

Each run is a RecheckRun: its window, counts, errors and outcome. Only a run that fetched everything
moves the high-water mark the next one starts from. Writing is upsert.py's, events events.py's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import date, timedelta

from django.conf import settings
from django.db import DataError, IntegrityError
from django.db.models import QuerySet
from django.utils import timezone

from ..models import RecheckRun, WrittenQuestion
from ..ops.locks import run_exclusively
from .client import (
    MalformedRecord,
    ParliamentClient,
    ParliamentError,
    QuestionNotFound,
    QuestionRecord,
    QuestionSearch,
)
from .signals import answers_changed
from .upsert import UnstorableRecord, apply_record, create_questions
from .watch import Watch

logger = logging.getLogger(__name__)

Progress = Callable[[RecheckRun], None]


def recheck_lock() -> AbstractContextManager[bool]:
    """One re-check at a time, of either kind: their page inserts could otherwise deadlock.
    RECHECK_USE_LOCK=0 only to prove that the unique keys alone prevent duplicates."""
    return run_exclusively("tracker:recheck") if settings.RECHECK_USE_LOCK else nullcontext(True)


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
    if changed:
        _announce(WrittenQuestion.objects.filter(pk__in=[question.pk for question in changed]))
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
            _announce(WrittenQuestion.objects.filter(parliament_id=parliament_id))


def _apply(record: QuestionRecord, fingerprint: str, *, watch: Watch, run: RecheckRun) -> bool:
    """apply_record, with a conflict or a record the database cannot hold recorded on the run
    instead of stopping it. True when the question was created or changed."""
    try:
        what, events = apply_record(record, fingerprint=fingerprint, watch=watch, run=run)
    except (UnstorableRecord, DataError) as error:
        reason = error.reason if isinstance(error, UnstorableRecord) else str(error).splitlines()[0]
        run.record_failure(parliament_id=record.id, house=record.house, uin=record.uin, reason=reason)
        logger.warning("Question %s (%s %s) not written: %s", record.id, record.house, record.uin, reason)
        return False
    except IntegrityError as error:
        run.errors.append(
            f"Question {record.id} ({record.house} {record.uin}, tabled {record.date_tabled}) conflicts "
            f"with a stored question: {str(error).splitlines()[0]}"
        )
        return False
    _count(run, what, events)
    return what != "unchanged"


def _announce(questions: QuerySet[WrittenQuestion]) -> None:
    answers_changed.send(sender=WrittenQuestion, questions=questions)


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
        _announce(WrittenQuestion.objects.filter(parliament_id__in=written))


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
    ingest=ingest_page,
    make_client: Callable[[], ParliamentClient] = ParliamentClient.from_settings,
) -> RecheckRun:
    """One run of any kind: `ingest` writes each page (ingest_page for questions), `make_client`
    builds the client when none is given."""
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
        if settings.RECHECK_USE_LOCK:
            RecheckRun.objects.mark_abandoned()  # we hold the lock: any run still "running" has died
        run = RecheckRun.objects.create(
            kind=kind, window_from=window_from, window_to=today, advances_mark=advances_mark
        )
        own_client = client is None
        client = client or make_client()
        requests_before = client.stats.requests
        seen: set[int] = set()
        try:
            for search in searches:
                for page in client.iter_pages(search):
                    run.pages_fetched += 1
                    ingest(page.items, client=client, watch=watch, run=run, seen=seen, deep=deep)
                    run.requests_made = client.stats.requests - requests_before
                    run.save()  # a run killed later still shows what it wrote
                    if progress:
                        progress(run)
            if then:
                then(run, client, watch, seen)
        except ParliamentError as error:
            run.outcome = RecheckRun.Outcome.FAILED
            run.errors.append(str(error))
            logger.error("Re-check (%s) failed: %s", kind, error)
        else:
            incomplete = run.errors or run.failed_records
            run.outcome = RecheckRun.Outcome.PARTIAL if incomplete else RecheckRun.Outcome.SUCCEEDED
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
