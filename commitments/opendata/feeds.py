"""Atom feeds of what changed: status changes and newly confirmed evidence, site-wide, per theme and
per commitment, outside recommendations as they are recorded, new figures of the indicator series and
promised dates as they pass. Each entry's date is when it was
recorded (created, not updated: an edit must not re-announce old news), and each cites its source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .. import recent
from ..models import Commitment, Deadline, Evidence, IndicatorPoint, Recommendation, StatusChange, Theme
from ..public.addresses import SiteAddressRequest
from ..public.whats_new import DEFAULT_DAYS, WhatsNewForm, since_days_ago

ENTRIES = 50


@dataclass
class Entry:
    key: str
    title: str
    description: str
    link: str
    recorded: datetime
    source: str


def updates(*, commitments=None, kinds=(recent.STATUS, recent.EVIDENCE), since=None) -> list[Entry]:
    """The newest changes (status changes and confirmed evidence unless told otherwise) of the given
    published commitments, from the one recent-changes query."""
    return [
        entry(change)
        for change in recent.recent_changes(commitments=commitments, kinds=kinds, since=since, limit=ENTRIES)
    ]


def entry(change: recent.Change) -> Entry:
    """A feed entry for any kind of recent change."""
    return {
        recent.STATUS: _status_entry,
        recent.EVIDENCE: _evidence_entry,
        recent.FIGURE: _figure_entry,
        recent.DEADLINE: _deadline_entry,
    }[change.kind](change.record)


def _status_entry(change: StatusChange) -> Entry:
    commitment = change.commitment
    before = change.get_from_status_display() if change.from_status else None
    moved = f"changed from {before.lower()} to" if before else "recorded as"
    source = change.question.citation_url if change.question else change.source_url
    return Entry(
        key=f"status-change-{change.pk}",
        title=f"{commitment.title}: status {moved} {change.get_to_status_display().lower()}",
        description=f"{change.reason} (effective {change.effective_on:%d %B %Y})",
        link=reverse("commitments:commitment", args=[commitment.slug]) + f"#change-{change.pk}",
        recorded=change.created_at,
        source=source,
    )


def _evidence_source_name(item: Evidence) -> str:
    question = item.question
    return f"{question.get_house_display()} question {question.uin}" if question else item.source.title


def _evidence_entry(item: Evidence) -> Entry:
    recorded = recent.evidence_recorded(item)
    return Entry(
        key=f"evidence-{item.pk}",
        title=f"{item.commitment.title}: new evidence from {_evidence_source_name(item)}",
        description=f"“{item.excerpt}”",
        link=reverse("commitments:commitment", args=[item.commitment.slug]) + f"#evidence-{item.pk}",
        recorded=recorded,
        source=item.source.citation_url,
    )


class PlainTextAtomFeed(Atom1Feed):
    """Atom whose entry summaries are text (`type="text"`), not HTML.

    Reasons and excerpts are editors' and Parliament's words; as `type="html"` an excerpt holding
    `<img src=… onerror=…>` reached feed readers as a live remote image. As text, a reader shows any
    markup as characters, so nothing in a summary can load or run."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class UpdatesFeed(Feed):
    feed_type = PlainTextAtomFeed
    title = "IPP Action Plan tracker: all updates"
    subtitle = "Status changes and newly confirmed parliamentary evidence on IPP Action Plan commitments."

    def get_feed(self, obj, request):
        # Links from SITE_URL, not from the Host header (whose port a client chooses).
        return super().get_feed(obj, SiteAddressRequest(request))

    def link(self):
        return reverse("commitments:home")

    def items(self):
        return updates()

    def item_title(self, item: Entry):
        return item.title

    def item_description(self, item: Entry):
        return item.description + (f" Source: {item.source}" if item.source else "")

    def item_link(self, item: Entry):
        return item.link

    def item_guid(self, item: Entry):
        return f"tag:ipp-tracker,2026:{item.key}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Entry):
        return item.recorded

    def item_updateddate(self, item: Entry):
        return item.recorded


class WhatsNewFeed(UpdatesFeed):
    """The What's new page as a feed: every kind of change of the last `?days=` (30 unless one of the
    page's choices is given), newest first, at most ENTRIES."""

    title = "IPP Action Plan tracker: what's new"
    subtitle = "Status changes, new evidence, new official figures and promised dates that passed."

    def get_object(self, request):
        form = WhatsNewForm(request.GET or None)
        return (form.cleaned_data.get("days") if form.is_bound and form.is_valid() else None) or DEFAULT_DAYS

    def link(self):
        return reverse("commitments:whats_new")

    def items(self, days: int):
        return updates(kinds=recent.KINDS, since=since_days_ago(days))


class ThemeUpdatesFeed(UpdatesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Theme, slug=slug)

    def title(self, theme: Theme):
        return f"IPP Action Plan tracker: {theme.name}"

    def link(self, theme: Theme):
        return reverse("commitments:theme", args=[theme.slug])

    def items(self, theme: Theme):
        return updates(commitments=Commitment.objects.published().filter(theme=theme))


class CommitmentUpdatesFeed(UpdatesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Commitment.objects.published(), slug=slug)

    def title(self, commitment: Commitment):
        return f"IPP Action Plan tracker: {commitment.title}"

    def link(self, commitment: Commitment):
        return reverse("commitments:commitment", args=[commitment.slug])

    def items(self, commitment: Commitment):
        return updates(commitments=[commitment])


class RecommendationsFeed(UpdatesFeed):
    """Outside recommendations, newest recorded first, each with the government's response: apart
    from the updates feeds, since a recommendation is not a promise."""

    title = "IPP Action Plan tracker: recommendations"
    subtitle = "Recommendations made to the government about IPP sentences, with its response."

    def link(self):
        return reverse("commitments:recommendation_list")

    def items(self):
        return [
            Entry(
                key=f"recommendation-{item.pk}",
                title=f"{item.title}: {item.get_verdict_display().lower()}"
                + (" (inferred)" if item.verdict_is_inferred else ""),
                description=f"Made by {item.made_by}, {item.report}."
                + (f" Government response dated {item.response_on:%-d %B %Y}." if item.response_on else ""),
                link=reverse("commitments:recommendation", args=[item.slug]),
                recorded=item.created_at,  # created, not updated: an edit must not re-announce it
                source=item.response_url or item.report_url,
            )
            for item in Recommendation.objects.published().order_by("-created_at", "-pk")[:ENTRIES]
        ]


class IndicatorPointsFeed(UpdatesFeed):
    """New figures of the indicator series, newest recorded first; a revision is a new entry that
    says which figure it revises."""

    title = "IPP Action Plan tracker: new figures"
    subtitle = "New official figures on people serving IPP sentences, each with its source."

    def link(self):
        return reverse("commitments:numbers")

    def items(self):
        return updates(kinds=[recent.FIGURE])


def _figure_entry(point: IndicatorPoint) -> Entry:
    return Entry(
        key=f"indicator-point-{point.pk}",
        title=f"{point.indicator.name}: {point.value_text} {point.period_text}",
        description=f"{point.source_title}."
        + (f" Revises the figure first given as {point.revises.value_text}." if point.revises else "")
        + (" Derived by the tracker's researchers, not published as one figure." if point.is_derived else ""),
        link=reverse("commitments:numbers") + f"#point-{point.pk}",
        recorded=point.created_at,  # created, not updated: an edit must not re-announce it
        source=point.source_url,
    )


def _deadline_words(deadline: Deadline) -> str:
    """The promise (quoted only when verbatim), who said it, and whose date it is."""
    words = f"“{deadline.promise}”" if deadline.promise_is_verbatim else deadline.promise
    claim = (
        " The date is a third party's claim, not the government's." if deadline.is_third_party_date else ""
    )
    return f"{words} ({deadline.said_by}).{claim}"


class DeadlinesFeed(UpdatesFeed):
    """Promised dates as they pass, newest first, each with where it stands by the one rule. Dated
    the day after the date promised (when it passed), so a date passing is news once."""

    title = "IPP Action Plan tracker: promised dates that passed"
    subtitle = "Dates promised for IPP Action Plan commitments, and whether each was met."

    def link(self):
        return reverse("commitments:deadlines")

    def items(self):
        return updates(kinds=[recent.DEADLINE])


def _deadline_entry(deadline: Deadline) -> Entry:
    return Entry(
        key=f"deadline-{deadline.pk}",
        title=f"{deadline.owner_title}: the date of {deadline.due_on:%-d %B %Y} passed. "
        f"{deadline.standing().text}",
        description=_deadline_words(deadline),
        link=reverse("commitments:deadlines") + f"#deadline-{deadline.pk}",
        recorded=recent.date_passed(deadline),
        source=deadline.source_url,
    )
