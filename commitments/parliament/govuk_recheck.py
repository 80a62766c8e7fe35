"""Re-checking the GOV.UK publications we watch: one request per watched page, in the same runs as
Parliament's kinds (one at a time, a RecheckRun with its counts, errors and refused records). A page
whose content item is unchanged since the last run costs one query; a changed one is written by
govuk_upsert, with its events. There is no window: every run asks for every watched page."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DataError, IntegrityError
from django.utils import timezone

from ..models import Publication, RecheckRun
from .client import MalformedRecord
from .govuk_client import GovukClient
from .govuk_upsert import apply_publication
from .recheck import Progress, _count, _run
from .signals import sources_changed
from .spoken_upsert import UnstorableSource
from .watch import Watch

logger = logging.getLogger(__name__)


def ingest_publications(
    items: list, *, client: GovukClient, watch: Watch, run: RecheckRun, seen: set, deep: bool = False
) -> None:
    """One watched page's item: refused and listed when malformed or unstorable, never fatal."""
    for item in items:
        if isinstance(item, MalformedRecord):
            run.errors.append(f"Publication {item.question_id}: field “{item.field_name}” {item.problem}")
            continue
        if item.id in seen:
            continue
        seen.add(item.id)
        known = Publication.objects.filter(content_id=item.content_id, list_fingerprint=item.fingerprint)
        if not deep and known.update(last_seen_at=timezone.now()):
            run.questions_unchanged += 1
            continue
        try:
            what, events = apply_publication(item, watch=watch, run=run)
        except (UnstorableSource, DataError) as error:
            reason = error.reason if isinstance(error, UnstorableSource) else str(error).splitlines()[0]
            run.record_failure(parliament_id=item.id, house="GOV.UK", uin=item.base_path, reason=reason)
            logger.warning("Publication %s not written: %s", item.base_path, reason)
            continue
        except IntegrityError as error:
            run.errors.append(
                f"Publication {item.base_path} ({item.id}) conflicts with a stored one: "
                f"{str(error).splitlines()[0]}"
            )
            continue
        _count(run, what, events)
        if what != "unchanged":  # its matching is queued once the row is committed (tasks.py)
            changed = Publication.objects.filter(content_id=item.content_id)
            sources_changed.send(sender=Publication, kind="publication", sources=changed)


def recheck_publications(
    *,
    paths: list[str] | None = None,
    deep: bool = False,
    client: GovukClient | None = None,
    progress: Progress | None = None,
) -> RecheckRun:
    """Every watched GOV.UK page (settings.GOVUK_WATCHED_PATHS, or `paths`): new ones stored, changed
    ones updated with an event; `deep` rewrites even those whose item is unchanged."""
    watched = list(paths if paths is not None else settings.GOVUK_WATCHED_PATHS)
    return _run(
        RecheckRun.Kind.PUBLICATIONS,
        None,
        Watch.load(),
        watched,
        client=client,
        progress=progress,
        deep=deep,
        ingest=ingest_publications,
        make_client=GovukClient.from_settings,
    )
