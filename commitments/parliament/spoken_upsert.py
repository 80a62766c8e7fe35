"""Writing written statements and Hansard contributions: upsert one record by Parliament's id (the
statements' id, Hansard's ItemId) in its own transaction, with a SourceEvent for each observed
change, recorded once however often the record is seen; or insert a page of records never seen at
once (`create_sources`), as questions are. A record the database cannot hold (a NUL character, a
field longer than its column) is refused with its reason before anything is written.

Our copy's provenance (`source_url`, `text_is_complete`: research copies cut short where the page we
read stopped) is never overwritten from the API: it describes our copy, not Parliament's record."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DataError, IntegrityError, models, transaction
from django.utils import timezone

from ..models import HansardContribution, RecheckRun, SourceEvent, WrittenStatement
from .answer_html import answer_html_to_text, normalised
from .spoken_client import ContributionRecord, StatementRecord
from .upsert import _holds_nul
from .watch import Watch


class UnstorableSource(Exception):
    def __init__(self, label: str, reason: str):
        super().__init__(f"{label}: {reason}")
        self.label = label
        self.reason = reason


def statement_values(record: StatementRecord, *, watch: Watch) -> dict:
    text = answer_html_to_text(record.text or "")
    is_about_ipp, matched = watch.matches(
        f"{record.title or ''}\n{text}", answering_body_id=record.answering_body_id
    )
    return {
        "parliament_id": record.id,
        "house": record.house,
        "uin": record.uin,
        "date_made": record.date_made,
        "title": record.title or "",
        "text_html": record.text or "",
        "text": text,
        "member": (record.member.name or "") if record.member else "",
        "member_id": record.member_id or None,
        "member_role": record.member_role or "",
        "answering_body": record.answering_body_name or "",
        "answering_body_id": record.answering_body_id or None,
        "attachments": record.attachments or [],
        "linked_statements": record.linked_statements or [],
        "source_record": record.raw,
        "is_about_ipp": is_about_ipp,
        "matched_terms": matched,
    }


def contribution_values(record: ContributionRecord, *, watch: Watch) -> dict:
    # Hansard's full text is plain, with blank lines between paragraphs: kept as it is.
    text = record.contribution_text_full or ""
    is_about_ipp, matched = watch.matches(f"{record.debate_section or ''}\n{text}", answering_body_id=None)
    return {
        "item_id": record.item_id,
        "contribution_ext_id": record.contribution_ext_id or "",
        "house": record.house,
        "sitting_date": record.sitting_date,
        "hansard_section": record.hansard_section or "",
        "debate": record.debate_section or "",
        "debate_ext_id": record.debate_section_ext_id or "",
        "member": record.member_name or "",
        "member_id": record.member_id or None,
        "attributed_to": record.attributed_to or "",
        "text": text,
        "source_record": record.raw,
        "is_about_ipp": is_about_ipp,
        "matched_terms": matched,
    }


@dataclass(frozen=True)
class SourceKind:
    """How one kind of source is keyed, read and described."""

    model: type[models.Model]
    key: str
    event_field: str
    values: Callable[..., dict]
    date_field: str
    heading_field: str
    noun: str

    def label(self, record) -> str:
        return f"{self.noun} {record.id}"


STATEMENTS = SourceKind(
    WrittenStatement, "parliament_id", "statement", statement_values, "date_made", "title", "Statement"
)
CONTRIBUTIONS = SourceKind(
    HansardContribution,
    "item_id",
    "contribution",
    contribution_values,
    "sitting_date",
    "debate",
    "Contribution",
)


def content_hash(kind: SourceKind, source) -> str:
    """What makes a statement or contribution news: its words (whitespace aside), heading and date."""
    payload = [normalised(source.text), getattr(source, kind.heading_field), getattr(source, kind.date_field)]
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


def check_storable(kind: SourceKind, label: str, values: dict) -> None:
    for name, value in values.items():
        field = kind.model._meta.get_field(name)
        if _holds_nul(value):
            raise UnstorableSource(
                label, f"its {field.verbose_name} holds a NUL character, which cannot be stored"
            )
        if isinstance(value, str) and field.max_length and len(value) > field.max_length:
            raise UnstorableSource(
                label,
                f"its {field.verbose_name} is {len(value):,} characters long; "
                f"at most {field.max_length} can be stored",
            )


def _event(kind: SourceKind, source, event_kind: str, *, key: str, run, detail: str, previous: str = ""):
    _, created = SourceEvent.objects.get_or_create(
        **{kind.event_field: source},
        kind=event_kind,
        content_hash=key,
        defaults={
            "occurred_on": getattr(source, kind.date_field)
            if event_kind == SourceEvent.Kind.FIRST_SEEN
            else None,
            "detail": detail,
            "previous_text": previous,
            "recheck_run": run,
        },
    )
    return int(created)


def apply_source(
    kind: SourceKind, record, *, fingerprint: str, watch: Watch, run: RecheckRun | None = None
) -> tuple[str, int]:
    """Upsert one record and its events in one transaction. Returns (what happened, events).
    Two workers inserting the same record: one wins, the other's insert fails on the unique key and
    becomes an update of the winner's row, which finds nothing changed."""
    values = kind.values(record, watch=watch)
    check_storable(kind, kind.label(record), values)
    rows = kind.model.objects.select_for_update()
    with transaction.atomic():
        source = rows.filter(**{kind.key: values[kind.key]}).first()
        if source is None:
            try:
                with transaction.atomic():
                    source = kind.model(**values, list_fingerprint=fingerprint)
                    source.content_hash = content_hash(kind, source)
                    source.save()
            except IntegrityError:
                source = rows.filter(**{kind.key: values[kind.key]}).first()
                if source is None:
                    raise
            else:
                detail = "First seen in Parliament's API."
                return "created", _event(
                    kind, source, SourceEvent.Kind.FIRST_SEEN, key="", run=run, detail=detail
                )
        changed = [
            name
            for name, value in values.items()
            if name != "source_record" and getattr(source, name) != value
        ]
        previous_text = source.text
        for name, value in values.items():
            setattr(source, name, value)
        source.list_fingerprint = fingerprint
        source.last_seen_at = timezone.now()
        if not changed:
            source.save(update_fields=["list_fingerprint", "last_seen_at", "source_record"])
            return "unchanged", 0
        source.content_hash = content_hash(kind, source)
        source.save()
        events = _event(
            kind, source, SourceEvent.Kind.FIRST_SEEN, key="", run=run, detail="Seen in Parliament's API."
        )
        if normalised(previous_text) != normalised(source.text):
            events += _event(
                kind,
                source,
                SourceEvent.Kind.TEXT_CHANGED,
                key=source.content_hash,
                run=run,
                detail="The text differs from the copy we held.",
                previous=previous_text,
            )
        return "updated", events


def create_sources(kind: SourceKind, records: list, *, watch: Watch, run: RecheckRun | None = None) -> list:
    """Insert records never seen, and their first-seen events, in two statements and one
    transaction (a commit per page, not per record). Returns the records this path cannot take:
    those the database would refuse (apply_source refuses them again, and the run says why), or
    every record when the insert failed (another worker inserted one meanwhile, or the database
    refused what check_storable passed): those go through apply_source one by one."""
    sources, leftover = [], []
    for record in records:
        try:
            values = kind.values(record, watch=watch)
            check_storable(kind, kind.label(record), values)
        except UnstorableSource:
            leftover.append(record)
            continue
        source = kind.model(**values, list_fingerprint=record.fingerprint)
        source.content_hash = content_hash(kind, source)
        sources.append(source)
    if not sources:
        return leftover
    try:
        with transaction.atomic():
            kind.model.objects.bulk_copy(sources, key=kind.key)
            SourceEvent.objects.bulk_create(
                SourceEvent(
                    **{kind.event_field: source},
                    kind=SourceEvent.Kind.FIRST_SEEN,
                    content_hash="",
                    occurred_on=getattr(source, kind.date_field),
                    detail="First seen in Parliament's API.",
                    recheck_run=run,
                )
                for source in sources
            )
    except (IntegrityError, DataError):
        return records
    if run is not None:
        run.questions_created += len(sources)
        run.events_created += len(sources)
    return leftover
