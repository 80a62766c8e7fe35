"""Following single commitments, and as-it-happens alerts, through a real SMTP server on loopback."""

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments import digests
from commitments.editorial import confirm_evidence, record_status_change
from commitments.models import Commitment, DigestDelivery, DigestPeriod, Subscriber

from .factories import CommitmentFactory, EvidenceFactory, SubscriberFactory, ThemeFactory
from .smtp import parts
from .test_digests import (  # noqa: F401 - site is an autouse fixture
    LONDON,
    SITE,
    at,
    kill_a_worker_mid_send_then_run_again,
    link,
    path_of,
    site,
)

pytestmark = pytest.mark.django_db

ALERTS = "as_it_happens"


def on_4_march(hour: int, minute: int) -> datetime:
    return datetime(2025, 3, 4, hour, minute, tzinfo=LONDON)


def change(commitment: Commitment, when: datetime, to: str, reason: str = "News."):
    with time_machine.travel(when, tick=False):
        return record_status_change(commitment, to=to, reason=reason, effective_on=when.date())


def send_alerts(when: datetime) -> digests.SendReport:
    with time_machine.travel(when, tick=False):
        return digests.send_digests(frequency=ALERTS)


def test_follow_this_commitment_opens_the_form_with_it_ticked_and_subscribes_to_it_alone(client, smtp):
    followed = CommitmentFactory(
        title="Automatic termination of IPP licences", theme__name="Licence termination"
    )
    other = CommitmentFactory(title="Recall reviews", theme__name="Recall")
    page = client.get(f"/commitments/{followed.slug}/").content.decode()
    assert f'href="/subscribe/?commitment={followed.slug}">Follow this commitment</a>' in page

    form = client.get(f"/subscribe/?commitment={followed.slug}&commitment=%3Cscript%3E&frequency=x")
    html = form.content.decode()
    assert form.status_code == 200 and "&lt;script" not in html and "<script>" not in html
    assert re.search(rf'name="commitments" value="{followed.pk}"[^>]*checked', html)
    assert not re.search(rf'name="commitments" value="{other.pk}"[^>]*checked', html)
    assert re.search(r'name="frequency" value="as_it_happens"[^>]*checked', html)
    assert "<legend>Licence termination</legend>" in html and "<legend>Recall</legend>" in html

    response = client.post(
        "/subscribe/", {"email": "family@example.org", "frequency": ALERTS, "commitments": [followed.pk]}
    )
    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert list(subscriber.commitments.all()) == [followed]
    assert not subscriber.all_themes and not subscriber.themes.exists()
    (confirmation,) = smtp.messages
    assert "email alerts as it happens" in confirmation.get_content()
    assert b"Subscription confirmed" in client.post(link(confirmation.get_content(), "confirm")).content


def test_preferences_choose_themes_and_commitments_and_nothing_means_everything(client):
    recall = ThemeFactory(name="Recall")
    followed = CommitmentFactory(title="Automatic termination of IPP licences")
    subscriber = SubscriberFactory(commitments=[followed])
    manage = path_of(digests.absolute_link(subscriber, digests.MANAGE))
    page = client.get(manage).content.decode()
    assert re.search(rf'name="commitments" value="{followed.pk}"[^>]*checked', page)

    client.post(manage, {"frequency": "weekly", "themes": [recall.pk], "commitments": [followed.pk]})
    subscriber.refresh_from_db()
    assert (list(subscriber.themes.all()), list(subscriber.commitments.all())) == ([recall], [followed])
    assert not subscriber.all_themes

    client.post(manage, {"frequency": "weekly"})
    subscriber.refresh_from_db()
    assert subscriber.all_themes and not subscriber.commitments.exists() and not subscriber.themes.exists()
    refused = client.post(manage, {"frequency": "weekly", "commitments": ["999999", "<b>"]})
    assert refused.status_code == 400 and "<b>" not in refused.content.decode().split("</header>")[-1]


def test_a_follower_gets_one_alert_for_two_quick_changes_and_none_for_another_commitment(smtp):
    followed = CommitmentFactory(
        title="Automatic termination of IPP licences", theme__name="Licence termination"
    )
    other = CommitmentFactory(title="Recall reviews", theme__name="Recall")
    with time_machine.travel(on_4_march(9, 0), tick=False):
        SubscriberFactory(email="family@example.org", frequency=ALERTS, commitments=[followed])
        SubscriberFactory(email="daily@example.org", frequency="daily", commitments=[followed])
    first = change(followed, on_4_march(10, 1), "in_progress", "Reviews began.")
    second = change(followed, on_4_march(10, 3), "delivered", "Terminated <b>1,742</b> licences.")
    change(other, on_4_march(10, 4), "delayed")

    report = send_alerts(on_4_march(10, 6))  # the window 10:00 to 10:05, closed a minute ago

    assert (report.planned, report.sent) == (1, 1)
    (alert,) = smtp.messages
    assert alert["To"] == "family@example.org"
    assert alert["Subject"] == "IPP tracker alert: 2 updates"
    assert re.fullmatch(r"<digest-\d+@testserver>", alert["Message-ID"]) and alert["List-Unsubscribe"]
    text, html = parts(alert)
    assert "4 March 2025, 10:00 to 10:05" in text
    assert "-> In progress" in text and "Reviews began." in text
    assert "In progress -> Delivered" in text and "Recall reviews" not in text
    assert text.count("Why you get this: you follow \u201cAutomatic termination of IPP licences\u201d") == 2
    assert f"{SITE}/commitments/{followed.slug}/#change-{first.pk}" in text
    assert f'href="{SITE}/commitments/{followed.slug}/#change-{second.pk}"' in html
    assert "Terminated &lt;b&gt;1,742&lt;/b&gt; licences." in html and "<b>1,742" not in html
    assert "NEW ANSWERS" not in text

    # Nothing more on what they follow: no more alerts, and the change to `other` never makes one.
    assert send_alerts(on_4_march(10, 11)).planned == 0
    assert send_alerts(on_4_march(10, 16)).planned == 0
    assert len(smtp.messages) == 1
    assert DigestPeriod.objects.filter(frequency=ALERTS).count() == 3


def test_an_alert_on_one_change_names_it_and_says_why_for_a_theme_follower(smtp):
    theme = ThemeFactory(name="Licence termination")
    commitment = CommitmentFactory(title="Automatic termination of IPP licences", theme=theme)
    with time_machine.travel(on_4_march(9, 0), tick=False):
        SubscriberFactory(email="theme@example.org", frequency=ALERTS, themes=[theme])
        SubscriberFactory(email="everything@example.org", frequency=ALERTS)
        evidence = EvidenceFactory(commitment=commitment, excerpt="1,742 licences terminated.")
    with time_machine.travel(on_4_march(10, 2), tick=False):
        confirm_evidence(evidence, by=None)

    send_alerts(on_4_march(10, 6))

    by_address = {message["To"]: message for message in smtp.messages}
    assert set(by_address) == {"theme@example.org", "everything@example.org"}
    theme_alert = by_address["theme@example.org"]
    assert theme_alert["Subject"] == (
        "IPP tracker alert: new evidence on Automatic termination of IPP licences"
    )
    text, _ = parts(theme_alert)
    assert "Why you get this: you follow the theme \u201cLicence termination\u201d" in text
    assert f"{SITE}/commitments/{commitment.slug}/#evidence-{evidence.pk}" in text
    assert "Why you get this: you get news on every theme" in parts(by_address["everything@example.org"])[0]


def test_the_daily_cap_holds_and_the_rest_of_that_day_comes_in_the_next_daily_digest(smtp, settings):
    settings.DIGEST_ALERTS_PER_DAY = 2
    followed = CommitmentFactory(title="Automatic termination of IPP licences")
    with time_machine.travel(on_4_march(9, 0), tick=False):
        subscriber = SubscriberFactory(email="family@example.org", frequency=ALERTS, commitments=[followed])
        elsewhere = CommitmentFactory()
        SubscriberFactory(email="elsewhere@example.org", frequency="daily", commitments=[elsewhere])
    for n, status in enumerate(["in_progress", "delayed", "in_progress", "delivered"]):
        change(followed, on_4_march(10, 5 * n + 1), status, f"Editing session, step {n + 1}.")
        send_alerts(on_4_march(10, 5 * n + 6))

    assert len(smtp.messages) == 2  # the cap
    states = list(subscriber.deliveries.order_by("period__ends_at").values_list("state", flat=True))
    assert states == ["sent", "sent", "capped", "capped"]

    with time_machine.travel(at(5, 7), tick=False):
        daily = digests.send_digests(frequency="daily")
    assert (daily.planned, daily.sent) == (1, 1)
    rolled = smtp.messages[2]
    assert rolled["To"] == "family@example.org"
    assert rolled["Subject"].startswith("IPP tracker daily digest, 4 March 2025")
    text, _ = parts(rolled)
    assert "Editing session, step 3." in text and "Editing session, step 4." in text

    # A new day, a new allowance; and on a day under the cap there is no daily digest for them.
    change(followed, datetime(2025, 3, 5, 10, 1, tzinfo=LONDON), "delayed", "Next day.")
    assert send_alerts(datetime(2025, 3, 5, 10, 6, tzinfo=LONDON)).sent == 1
    with time_machine.travel(at(6, 7), tick=False):
        assert digests.send_digests(frequency="daily").planned == 0
    assert len(smtp.messages) == 4


def test_sending_alerts_costs_the_same_queries_for_5_or_50_followers(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    commitments = [CommitmentFactory() for _ in range(20)]

    def run(minute: int, followers: int) -> int:
        with time_machine.travel(on_4_march(9, 0), tick=False):
            for n in range(followers):
                SubscriberFactory(frequency=ALERTS, commitments=commitments[n % 7 : n % 7 + 1 + n % 13])
        change(commitments[3], on_4_march(10, minute + 1), "delayed" if minute % 10 else "in_progress")
        with (
            time_machine.travel(on_4_march(10, minute + 6), tick=False),
            CaptureQueriesContext(connection) as queries,
        ):
            report = digests.send_digests(frequency=ALERTS)
        assert report.sent == Subscriber.objects.filter(commitments=commitments[3]).count() > 0
        return len(queries)

    mail.outbox = []
    few = run(0, 5)
    many = run(5, 45)
    assert few == many


@pytest.mark.processes
def test_a_worker_killed_mid_alert_sends_none_twice_when_the_task_runs_again(transactional_db):
    """Killed while the mail server holds alert k + 1, at a batch boundary: the re-run sends exactly
    the alerts not yet sent, none twice, and to nobody who does not follow the commitment."""
    n, batch, killed_after = 12, 4, 8
    followed, other = CommitmentFactory(), CommitmentFactory()
    now = timezone.now()
    # A window that ended an hour ago: the worker's period starts there, whatever minute it runs.
    DigestPeriod.objects.create(
        frequency=ALERTS, starts_at=now - timedelta(hours=2), ends_at=now - timedelta(hours=1), planned_at=now
    )
    with time_machine.travel(now - timedelta(minutes=50), tick=False):
        for i in range(n):
            SubscriberFactory(email=f"follower{i:02}@example.org", frequency=ALERTS, commitments=[followed])
        SubscriberFactory(email="other@example.org", frequency=ALERTS, commitments=[other])
    with time_machine.travel(now - timedelta(minutes=30), tick=False):
        record_status_change(followed, to="delayed", reason="Paused.", effective_on=date.today())

    first, second, result = kill_a_worker_mid_send_then_run_again(
        ALERTS, n=n, batch=batch, killed_after=killed_after
    )

    assert result["sent"] == len(second) == n - killed_after
    received = [m["To"] for m in first + second]
    assert sorted(received) == [f"follower{i:02}@example.org" for i in range(n)]  # each once
    assert DigestDelivery.objects.filter(subscriber__email="other@example.org").count() == 0


def test_the_admin_shows_editors_how_many_confirmed_subscribers_follow_a_commitment(client, editor):
    followed = CommitmentFactory(title="Automatic termination of IPP licences")
    SubscriberFactory.create_batch(3, commitments=[followed])
    Subscriber.objects.create(email="pending@example.org").commitments.add(followed)
    digests.unsubscribe(SubscriberFactory(commitments=[followed]))
    client.force_login(editor)
    listing = client.get("/admin/commitments/commitment/").content.decode()
    assert re.search(r'<td class="field-follower_count">3</td>', listing)
    page = client.get(f"/admin/commitments/commitment/{followed.pk}/change/").content.decode()
    assert "pending@example.org" not in page and "follower" in page.lower()


def test_following_a_commitment_is_a_short_form_naming_it_with_other_choices_folded_away(client, smtp):
    followed = CommitmentFactory(
        title="Approved Premises <b>move-on</b> pilot", theme__name="Approved Premises"
    )
    CommitmentFactory(title="Recall reviews", theme__name="Recall")
    html = client.get(f"/subscribe/?commitment={followed.slug}").content.decode()
    content = html.split("</header>")[-1]
    assert "<h1>Follow “Approved Premises &lt;b&gt;move-on&lt;/b&gt; pilot”</h1>" in content
    # Email and how often come first; the other themes and commitments are folded in <details>.
    assert content.index('name="email"') < content.index('name="frequency"') < content.index("<details")
    assert content.index("<details") < content.index('name="themes"')
    assert '<details class="more-choices">' in content and "Optional: follow other themes" in content
    assert re.search(rf'name="commitments" value="{followed.pk}"[^>]*checked', content)
    assert f'action="/subscribe/?commitment={followed.slug}"' in content
    # A refused address keeps the short form and what it follows.
    refused = client.post(
        f"/subscribe/?commitment={followed.slug}",
        {"email": "not an address", "frequency": ALERTS, "commitments": [followed.pk]},
    )
    assert refused.status_code == 400 and "<h1>Follow “Approved Premises" in refused.content.decode()

    client.post(
        f"/subscribe/?commitment={followed.slug}",
        {"email": "family@example.org", "frequency": ALERTS, "commitments": [followed.pk]},
    )
    (confirmation,) = smtp.messages
    text = confirmation.get_content()
    assert "email alerts as it happens" in text and "- “Approved Premises <b>move-on</b> pilot”" in text
    confirm_page = client.get(link(text, "confirm")).content.decode()
    assert "<li>“Approved Premises &lt;b&gt;move-on&lt;/b&gt; pilot”</li>" in confirm_page
    confirmed = client.post(link(text, "confirm")).content.decode()
    assert "Subscription confirmed" in confirmed and "move-on&lt;/b&gt; pilot”</li>" in confirmed


def test_the_theme_follow_link_names_the_theme_and_a_plain_subscription_names_everything(client, smtp):
    theme = ThemeFactory(name="Electronic monitoring")
    html = client.get(f"/subscribe/?theme={theme.slug}").content.decode()
    assert "<h1>Follow the theme “Electronic monitoring”</h1>" in html
    assert "<h1>Get email digests and alerts</h1>" in client.get("/subscribe/").content.decode()
    client.post("/subscribe/", {"email": "all@example.org", "frequency": "weekly"})
    assert "- Every theme and commitment, including ones added later" in smtp.messages[0].get_content()


def test_the_first_alert_holds_only_what_happened_after_confirming(smtp):
    followed = CommitmentFactory(title="Automatic termination of IPP licences")
    before = change(followed, on_4_march(10, 1), "in_progress", "Recorded before they confirmed.")
    SubscriberFactory(
        email="new@example.org", frequency=ALERTS, commitments=[followed], confirmed_at=on_4_march(10, 2)
    )
    SubscriberFactory(
        email="old@example.org", frequency=ALERTS, commitments=[followed], confirmed_at=on_4_march(9, 0)
    )
    after = change(followed, on_4_march(10, 3), "delivered", "Recorded after they confirmed.")

    send_alerts(on_4_march(10, 6))

    by_address = {message["To"]: parts(message)[0] for message in smtp.messages}
    assert f"#change-{after.pk}" in by_address["new@example.org"]
    assert f"#change-{before.pk}" not in by_address["new@example.org"]
    assert "Recorded before they confirmed." not in by_address["new@example.org"]
    # Someone who confirmed earlier still hears of both.
    assert f"#change-{before.pk}" in by_address["old@example.org"]
    assert f"#change-{after.pk}" in by_address["old@example.org"]


def test_an_alert_window_holding_only_what_came_before_confirming_sends_nothing(smtp):
    followed = CommitmentFactory(title="Automatic termination of IPP licences")
    change(followed, on_4_march(10, 1), "delivered", "An old status, recorded in 2022's words.")
    SubscriberFactory(frequency=ALERTS, commitments=[followed], confirmed_at=on_4_march(10, 4))
    report = send_alerts(on_4_march(10, 6))
    assert report.sent == 0 and smtp.messages == []
    assert DigestDelivery.objects.get().last_error == "Nothing new on what the subscriber follows."
