"""Writing GOV.UK publications: upsert one content item by its content_id in its own transaction,
with a SourceEvent for what editors need to hear of: first seen; updated (GOV.UK's public update
date moved, a new change note, a new page in a collection), once per distinct update however often
it is seen; its summary's words changed. An item the database cannot hold is refused whole."""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Publication, RecheckRun, SourceEvent
from .answer_html import answer_html_to_text, normalised
from .govuk_client import ContentItemRecord
from .spoken_upsert import SourceKind, check_storable
from .watch import Watch


def publication_values(record: ContentItemRecord, *, watch: Watch) -> dict:
    text = answer_html_to_text(record.body_html)
    is_about_ipp, matched = watch.matches(
        f"{record.title}\n{record.description or ''}\n{text}", answering_body_id=None
    )
    return {
        "content_id": record.content_id,
        "base_path": record.base_path,
        "title": record.title,
        "description": record.description or "",
        "document_type": record.document_type,
        "schema_name": record.schema_name,
        "first_published_at": record.first_published_at,
        "public_updated_at": record.public_updated_at,
        "change_history": record.change_history,
        "attachments": record.attachments,
        "documents": record.documents,
        "text": text,
        "source_record": record.raw,
        "is_about_ipp": is_about_ipp,
        "matched_terms": matched,
    }


PUBLICATIONS = SourceKind(
    Publication, "content_id", "publication", publication_values, "public_updated_at", "title", "Publication"
)


def update_hash(values: dict) -> str:
    """What makes an update news: GOV.UK's public update date, its change notes, a collection's
    pages. Not `updated_at`, which moves whenever anything the page links to changes."""
    updated = values["public_updated_at"]
    payload = [
        updated.isoformat() if updated else None,
        [[note.get("public_timestamp"), note.get("note")] for note in values["change_history"]],
        sorted(doc["base_path"] for doc in values["documents"]),
    ]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


def _describe_update(before: Publication, values: dict) -> str:
    said = []
    if before.public_updated_at != values["public_updated_at"]:
        said.append(
            f"GOV.UK's last update moved from {before.public_updated_at} to {values['public_updated_at']}."
        )
    old_notes = {(n.get("public_timestamp"), n.get("note")) for n in before.change_history}
    said += [
        f"New change note ({note.get('public_timestamp')}): {note.get('note')}"
        for note in values["change_history"]
        if (note.get("public_timestamp"), note.get("note")) not in old_notes
    ]
    old_pages = {doc["base_path"] for doc in before.documents}
    said += [
        f"New in the collection: {doc['title']} ({doc['base_path']})"
        for doc in values["documents"]
        if doc["base_path"] not in old_pages
    ]
    return "\n".join(said) or "GOV.UK's record of its updates changed."


def _event(publication: Publication, kind: str, *, key: str, run, detail: str, previous: str = "") -> int:
    day = publication.public_updated_at or publication.first_published_at
    _, created = SourceEvent.objects.get_or_create(
        publication=publication,
        kind=kind,
        content_hash=key,
        defaults={
            "occurred_on": timezone.localdate(day) if day else None,
            "detail": detail,
            "previous_text": previous,
            "recheck_run": run,
        },
    )
    return int(created)


def apply_publication(
    record: ContentItemRecord, *, watch: Watch, run: RecheckRun | None = None
) -> tuple[str, int]:
    """Upsert one content item and its events in one transaction. Returns (what happened, events).
    Two workers inserting the same item: one wins, the other's insert fails on the unique key and
    becomes an update of the winner's row, which finds nothing changed."""
    values = publication_values(record, watch=watch)
    check_storable(PUBLICATIONS, f"Publication {record.base_path}", values)
    key = update_hash(values)
    rows = Publication.objects.select_for_update()
    with transaction.atomic():
        publication = rows.filter(content_id=record.content_id).first()
        if publication is None:
            try:
                with transaction.atomic():
                    publication = Publication.objects.create(
                        **values, content_hash=key, list_fingerprint=record.fingerprint
                    )
            except IntegrityError:
                publication = rows.filter(content_id=record.content_id).first()
                if publication is None:
                    raise
            else:
                detail = "First seen in GOV.UK's Content API."
                return "created", _event(
                    publication, SourceEvent.Kind.FIRST_SEEN, key="", run=run, detail=detail
                )
        changed = [name for name, value in values.items() if getattr(publication, name) != value]
        detail = _describe_update(publication, values) if key != publication.content_hash else ""
        previous_text = publication.text
        for name, value in values.items():
            setattr(publication, name, value)
        publication.list_fingerprint = record.fingerprint
        publication.last_seen_at = timezone.now()
        if changed == ["source_record"] or not changed:
            publication.save(update_fields=["list_fingerprint", "last_seen_at", "source_record"])
            return "unchanged", 0
        publication.content_hash = key
        publication.save()
        events = 0
        if detail:
            events += _event(publication, SourceEvent.Kind.UPDATED, key=key, run=run, detail=detail)
        if normalised(previous_text) != normalised(publication.text):
            text_key = hashlib.sha256(normalised(publication.text).encode()).hexdigest()
            events += _event(
                publication,
                SourceEvent.Kind.TEXT_CHANGED,
                key=text_key,
                run=run,
                detail="The page's summary differs from the copy we held.",
                previous=previous_text,
            )
        return "updated", events
