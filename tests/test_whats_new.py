"""What's new and its feed: every kind of public change of the last days, from the one recent-changes
query the feeds and the digests read too."""

import re
from datetime import date, datetime, timedelta
from xml.etree import ElementTree

import feedparser
import pytest
import time_machine
from django.utils import timezone

from commitments import recent
from commitments.digests.content import build_content
from commitments.editorial import record_status_change
from commitments.models import Evidence

from .factories import (
    CommitmentFactory,
    DeadlineFactory,
    EvidenceFactory,
    IndicatorFactory,
    IndicatorPointFactory,
)
from .pages import get_page

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.get_default_timezone())
IMAGE = '<img src="https://evil.example/pixel.png" onerror="alert(1)">'
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def changes(db):
    """One of each kind in the last 30 days, and one status change recorded 40 days ago."""
    with time_machine.travel(NOW - timedelta(days=40), tick=False):
        old = CommitmentFactory(title="Old news")
        record_status_change(old, to="in_progress", reason="Long ago.", effective_on=date(2022, 4, 4))
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        commitment = CommitmentFactory(title=f"Panels {IMAGE}")
        status = record_status_change(
            commitment, to="delivered", reason="Done <script>x</script>", effective_on=date(2022, 4, 4)
        )
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        evidence = EvidenceFactory(
            commitment=commitment, state=Evidence.State.CONFIRMED, reviewed_at=timezone.now()
        )
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        point = IndicatorPointFactory(indicator=IndicatorFactory(name="People in prison on IPP"))
    deadline = DeadlineFactory(commitment=commitment, due_on=date(2026, 11, 20), delivered_on=None)
    return {"status": status, "evidence": evidence, "point": point, "deadline": deadline, "old": old}


def test_whats_new_lists_each_kind_of_change_dated_linked_and_newest_first(client, changes):
    with time_machine.travel(NOW, tick=False):
        page = get_page(client, "/whats-new/")
    main = page.split('id="main"')[1]
    keys = re.findall(r'<li class="change change-\w+" id="([\w-]+)"', main)
    assert keys == [
        f"indicator-point-{changes['point'].pk}",
        f"evidence-{changes['evidence'].pk}",
        f"status-change-{changes['status'].pk}",
        f"deadline-{changes['deadline'].pk}",
    ]
    assert "Old news" not in main
    assert '<time datetime="2026-12-04">Friday 4 December 2026</time>' in main
    assert f'href="/commitments/{changes["status"].commitment.slug}/#change-{changes["status"].pk}"' in main
    assert f'href="/numbers/#point-{changes["point"].pk}"' in main
    assert f'href="/deadlines/#deadline-{changes["deadline"].pk}"' in main
    assert "in effect from <time" in main and "Overdue by" in main
    assert "Panels &lt;img" in main and "<img src" not in main and "<script>x" not in main
    assert "4 changes since" in main and 'href="/whats-new/feed.atom"' in page


def test_the_days_filter_is_kept_in_the_address_and_refuses_other_values(client, changes):
    with time_machine.travel(NOW, tick=False):
        page = get_page(client, "/whats-new/?days=90")
        refused = get_page(client, "/whats-new/?days=3", status=400)
    assert "Old news" in page and '<option value="90" selected>' in page
    assert "Choose 7, 30, 90 or 365 days." in refused


def test_nothing_new_says_so_and_offers_a_longer_look(client, db):
    page = get_page(client, "/whats-new/")
    assert "Nothing has changed in the last 30 days." in page and 'href="?days=365"' in page


def test_the_whats_new_feed_is_valid_atom_with_every_kind_and_inert_text(client, changes):
    with time_machine.travel(NOW, tick=False):
        response = client.get("/whats-new/feed.atom")
        longer = feedparser.parse(client.get("/whats-new/feed.atom?days=90").content)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [entry.id.rsplit(":", 1)[1] for entry in parsed.entries] == [
        f"indicator-point-{changes['point'].pk}",
        f"evidence-{changes['evidence'].pk}",
        f"status-change-{changes['status'].pk}",
        f"deadline-{changes['deadline'].pk}",
    ]
    assert len(longer.entries) == 5
    root = ElementTree.fromstring(response.content)
    elements = list(root.iter())
    assert all(element.tag.startswith(ATOM) for element in elements)
    assert not [name for element in elements for name in element.attrib if name.lower().startswith("on")]
    for element in elements:
        if element.tag in {f"{ATOM}title", f"{ATOM}summary"}:
            assert element.get("type", "text") == "text"


def test_feeds_digests_and_whats_new_read_one_recent_changes_query(client, changes):
    """The site-wide feed, a digest window and What's new agree on what changed, because they all
    read commitments/recent.py."""
    since, until = NOW - timedelta(days=30), NOW
    found = recent.recent_changes(since=since, until=until, kinds=[recent.STATUS, recent.EVIDENCE])
    content = build_content(frequency="weekly", starts_at=since, ends_at=until)
    assert {change.record.pk for change in found if change.kind == recent.STATUS} == {
        change.pk for change in content.status_changes
    }
    assert {change.record.pk for change in found if change.kind == recent.EVIDENCE} == {
        item.pk for item in content.evidence
    }
    with time_machine.travel(NOW, tick=False):
        feed = feedparser.parse(client.get("/feeds/updates.atom").content)
    assert [entry.id.rsplit(":", 1)[1] for entry in feed.entries][:2] == [
        f"evidence-{changes['evidence'].pk}",
        f"status-change-{changes['status'].pk}",
    ]


def test_whats_new_costs_a_fixed_number_of_queries(client, changes, django_assert_max_num_queries):
    for _ in range(5):
        EvidenceFactory(state=Evidence.State.CONFIRMED, reviewed_at=NOW - timedelta(days=1))
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(8):
        get_page(client, "/whats-new/")


def test_the_day_the_starting_record_was_loaded_says_it_is_the_record_not_that_days_news(client, demo):
    page = client.get("/whats-new/").content.decode()
    today = timezone.localdate()
    heading = f'<h2 id="day-{today:%Y-%m-%d}">'
    assert heading in page
    after = page[page.index(heading) :]
    assert "starting record was loaded this day" in after[: after.index("<ul")]


def test_a_day_of_editors_changes_carries_no_starting_record_note(client, changes):
    with time_machine.travel(NOW, tick=False):
        page = client.get("/whats-new/").content.decode()
    assert "starting record" not in page
