"""Client for GOV.UK's Content API (`GET /api/content/<base_path>`: one content item per page, in
the shape of alphagov/content-store's openapi.yaml). It lives beside Parliament's clients because
it is the same kind of thing, a way in for one kind of source, and reuses ParliamentClient's HTTP:
timeouts, backoff with jitter, Retry-After on 429, retries on 5xx and on broken bodies.

A watched page comes back as a one-item Page, so the re-check runs it like any other kind; a page
GOV.UK no longer has (404, 410) or an item that fails validation is an item the run lists, never a
reason to stop."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import quote
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from .client import (
    MalformedRecord,
    Page,
    ParliamentClient,
    ParliamentError,
    ParliamentUnavailable,
    QuestionNotFound,
)
from .spoken_client import _Record

CONTENT_PATH = "/api/content"
GOVUK_WEBSITE = "https://www.gov.uk"

# The older attachment shape: details.documents holds each attachment as a rendered HTML section.
_SECTION_LINK = re.compile(r'<h2 class="title">\s*<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', re.S)
_SECTION_TYPE = re.compile(r'<span class="type">(.*?)</span>', re.S)
_TAG = re.compile(r"<[^>]+>")


class ChangeNote(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    public_timestamp: datetime
    note: str = ""


class ContentItemRecord(_Record):
    """One ContentItem of the Content API (content-store openapi.yaml); snake_case as GOV.UK sends."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    content_id: UUID
    base_path: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str | None = None
    document_type: str
    schema_name: str
    first_published_at: datetime | None = None
    public_updated_at: datetime | None = None
    details: dict = Field(default_factory=dict)
    links: dict = Field(default_factory=dict)

    @property
    def id(self) -> str:
        """What a run de-duplicates on."""
        return str(self.content_id)

    @property
    def change_history(self) -> list[dict]:
        """GOV.UK's change notes, as received (newest first, as GOV.UK lists them)."""
        notes = self.details.get("change_history") or []
        return [note for note in notes if isinstance(note, dict)]

    @property
    def attachments(self) -> list[dict]:
        """Each attachment's title, address and type: from details.attachments (the current shape)
        or, on older items, from the HTML sections of details.documents."""
        found = []
        for item in self.details.get("attachments") or []:
            if isinstance(item, dict) and item.get("url"):
                found.append(
                    {
                        "title": item.get("title") or "",
                        "url": _absolute(item["url"]),
                        "content_type": item.get("content_type") or item.get("attachment_type") or "",
                    }
                )
        for section in self.details.get("documents") or []:
            link = _SECTION_LINK.search(section) if isinstance(section, str) else None
            if link:
                kind = _SECTION_TYPE.search(section)
                found.append(
                    {
                        "title": _plain(link.group(2)),
                        "url": _absolute(html.unescape(link.group(1))),
                        "content_type": _plain(kind.group(1)) if kind else "",
                    }
                )
        return found

    @property
    def documents(self) -> list[dict]:
        """For a collection: the pages in it (links.documents), title and path."""
        return [
            {"title": doc.get("title") or "", "base_path": doc.get("base_path") or ""}
            for doc in self.links.get("documents") or []
            if isinstance(doc, dict)
        ]

    @property
    def body_html(self) -> str:
        body = self.details.get("body")
        return body if isinstance(body, str) else ""


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def _absolute(url: str) -> str:
    return f"{GOVUK_WEBSITE}{url}" if url.startswith("/") else url


class GovukClient(ParliamentClient):
    """Talks HTTP to GOV.UK's Content API (or the recorded-API server)."""

    @classmethod
    def from_settings(cls) -> GovukClient:
        from django.conf import settings

        return cls(
            settings.GOVUK_CONTENT_API_URL,
            timeout=settings.PARLIAMENT_API_TIMEOUT,
            max_tries=settings.PARLIAMENT_API_MAX_TRIES,
            backoff=settings.PARLIAMENT_API_BACKOFF,
        )

    def get_content_item(self, base_path: str) -> ContentItemRecord:
        """One page's content item. Raises MalformedRecord for an item that fails validation,
        QuestionNotFound for a page GOV.UK does not have, ParliamentError for another 4xx (410
        Gone) and ParliamentUnavailable when every try failed."""
        body = self._get_json(f"{CONTENT_PATH}{quote(base_path)}")
        self.stats.details += 1
        if isinstance(body, dict) and body.get("base_path") is None:
            body = {**body, "base_path": base_path}  # the path asked for, when the item omits it
        return ContentItemRecord.from_api(body, id_key="content_id")

    def iter_pages(self, base_path: str) -> Iterator[Page]:
        """The watched page as a one-item page. A page gone, moved away or malformed is an item the
        run lists; a GOV.UK that never answered properly still ends the run (ParliamentUnavailable)."""
        try:
            item = self.get_content_item(base_path)
        except MalformedRecord as error:
            item = MalformedRecord(f"{base_path} ({error.question_id})", error.field_name, error.problem)
        except QuestionNotFound:
            item = MalformedRecord(base_path, "base_path", "is not on GOV.UK (404 Not Found)")
        except ParliamentUnavailable:
            raise
        except ParliamentError as error:  # another 4xx: 410 Gone, a page withdrawn
            item = MalformedRecord(base_path, "base_path", f"was refused by GOV.UK: {error}")
        self.stats.pages += 1
        yield Page(total=1, items=[item])
