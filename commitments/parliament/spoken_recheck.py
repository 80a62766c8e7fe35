"""Re-checking written statements and Hansard contributions: the same runs as for written answers
(one at a time, a RecheckRun with its window, counts and errors, the high-water mark moved only by a
run that fetched everything), each page written by spoken_upsert.

Statements: every statement of the watched answering bodies, and each IPP term searched in every
body, made since the window opened. Hansard: each IPP term searched in spoken contributions since
the window opened; a first (or --full) run asks without a start date, so a contribution whose
sitting date our copy lacks is still found.
"""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.db import DataError, IntegrityError
from django.utils import timezone

from ..models import RecheckRun
from .client import MalformedRecord
from .recheck import Progress, _count, _run, _window
from .signals import sources_changed
from .spoken_client import ContributionSearch, HansardClient, StatementsClient, StatementSearch
from .spoken_upsert import (
    CONTRIBUTIONS,
    STATEMENTS,
    SourceKind,
    UnstorableSource,
    apply_source,
    create_sources,
)
from .watch import Watch

logger = logging.getLogger(__name__)


def _ingest(kind: SourceKind):
    def ingest(
        items: list, *, client, watch: Watch, run: RecheckRun, seen: set[int], deep: bool = False
    ) -> None:
        """One page: unchanged records cost one query for the page, records never seen are inserted
        together (create_sources), the rest are upserted one by one. A malformed record is listed
        on the run's errors, one the database cannot hold on its refused records; neither stops
        the run."""
        records = []
        for item in items:
            if isinstance(item, MalformedRecord):
                run.errors.append(f"{kind.noun} {item.question_id}: field “{item.field_name}” {item.problem}")
            elif item.id not in seen:
                seen.add(item.id)
                records.append(item)
        known = dict(
            kind.model.objects.filter(**{f"{kind.key}__in": [r.id for r in records]}).values_list(
                kind.key, "list_fingerprint"
            )
        )
        unchanged = [] if deep else [r.id for r in records if known.get(r.id) == r.fingerprint]
        if unchanged:
            kind.model.objects.filter(**{f"{kind.key}__in": unchanged}).update(last_seen_at=timezone.now())
            run.questions_unchanged += len(unchanged)
        new = [r for r in records if r.id not in known]
        careful = {r.id for r in create_sources(kind, new, watch=watch, run=run)} if new else set()
        written = [r.id for r in new if r.id not in careful]
        for record in records:
            if record.id in unchanged or (record.id not in known and record.id not in careful):
                continue
            try:
                what, events = apply_source(
                    kind, record, fingerprint=record.fingerprint, watch=watch, run=run
                )
            except (UnstorableSource, DataError) as error:
                reason = error.reason if isinstance(error, UnstorableSource) else str(error).splitlines()[0]
                run.record_failure(
                    parliament_id=record.id, house=record.house, uin=getattr(record, "uin", ""), reason=reason
                )
                logger.warning("%s %s not written: %s", kind.noun, record.id, reason)
                continue
            except IntegrityError as error:
                run.errors.append(
                    f"{kind.label(record)} conflicts with a stored one: {str(error).splitlines()[0]}"
                )
                continue
            _count(run, what, events)
            if what != "unchanged":
                written.append(record.id)
        if written:
            sources = kind.model.objects.filter(**{f"{kind.key}__in": written})
            sources_changed.send(sender=kind.model, kind=kind.event_field, sources=sources)

    return ingest


def recheck_statements(
    *,
    since: date | None = None,
    full: bool = False,
    deep: bool = False,
    client: StatementsClient | None = None,
    progress: Progress | None = None,
) -> RecheckRun:
    """New and changed written statements since the last good run (minus an overlap), or `since`."""
    window_from, covers = _window(RecheckRun.Kind.STATEMENTS, since=since, full=full)
    watch = Watch.load()
    searches = (
        [StatementSearch(answering_bodies=watch.body_ids, made_from=window_from)] if watch.body_ids else []
    )
    searches += [StatementSearch(search_term=term, made_from=window_from) for term in watch.everywhere]
    return _run(
        RecheckRun.Kind.STATEMENTS,
        window_from,
        watch,
        searches,
        client=client,
        progress=progress,
        advances_mark=covers,
        deep=deep,
        ingest=_ingest(STATEMENTS),
        make_client=StatementsClient.from_settings,
    )


def recheck_contributions(
    *,
    since: date | None = None,
    full: bool = False,
    deep: bool = False,
    client: HansardClient | None = None,
    progress: Progress | None = None,
) -> RecheckRun:
    """New and changed Hansard contributions naming an IPP term, since the last good run or `since`."""
    window_from, covers = _window(RecheckRun.Kind.HANSARD, since=since, full=full)
    watch = Watch.load()
    start = None if window_from <= date.fromisoformat(settings.RECHECK_EPOCH) else window_from
    return _run(
        RecheckRun.Kind.HANSARD,
        window_from,
        watch,
        [ContributionSearch(search_term=term, start_date=start) for term in watch.everywhere],
        client=client,
        progress=progress,
        advances_mark=covers,
        deep=deep,
        ingest=_ingest(CONTRIBUTIONS),
        make_client=HansardClient.from_settings,
    )
