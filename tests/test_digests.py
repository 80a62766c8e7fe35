"""Email digests, end to end through Django's SMTP backend to a real SMTP server on loopback."""

import re
import zlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest
import time_machine
from django.core import mail, signing
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask

from commitments import digests
from commitments.editorial import confirm_evidence, record_status_change
from commitments.models import DigestDelivery, DigestPeriod, Subscriber
from commitments.tasks import send_digests_task

from .factories import (
    CommitmentFactory,
    EvidenceFactory,
    QuestionEventFactory,
    SubscriberFactory,
    ThemeFactory,
    WrittenQuestionFactory,
)
from .servers import clear_cache
from .smtp import SMTPServer, parts
from .test_celery_worker import workers

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
SITE = "http://testserver"


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=LONDON)


def path_of(url: str) -> str:
    assert url.startswith(SITE), url
    return url.removeprefix(SITE)


def link(text: str, kind: str) -> str:
    return path_of(re.search(rf"{SITE}/subscribe/{kind}/[^/\s]+/", text).group(0))


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    clear_cache()  # rate-limit counters


def subscribe(client, email="reader@example.org", frequency="daily", themes=(), **extra):
    return client.post(
        "/subscribe/", {"email": email, "frequency": frequency, "themes": [t.pk for t in themes]}, **extra
    )


def test_subscribe_confirm_then_a_status_change_arrives_in_the_next_digest(client, smtp):
    commitment = CommitmentFactory(title="Approved Premises move-on pilot", theme__name="Approved Premises")
    with time_machine.travel(at(1), tick=False):
        record_status_change(
            commitment, to="in_progress", reason="Pilot began.", effective_on=date(2025, 3, 1)
        )
    with time_machine.travel(at(4, 9), tick=False):
        response = subscribe(client, email="Reader@Example.org")
        assert response.status_code == 302 and response["Location"] == "/subscribe/check-your-email/"
        (confirmation,) = smtp.messages
        assert confirmation["To"] == "reader@example.org"
        confirm = link(confirmation.get_content(), "confirm")
        page = client.get(confirm)
        assert page.status_code == 200 and b"<button" in page.content
        assert Subscriber.objects.get().state == "pending"  # a GET (a mail scanner) confirms nothing
        assert b"Subscription confirmed" in client.post(confirm).content
    with time_machine.travel(at(4, 14), tick=False):
        record_status_change(
            commitment,
            to="delayed",
            reason="Paused <script>alert(1)</script> pending funding.",
            effective_on=date(2025, 3, 4),
            source_url="https://www.gov.uk/ipp-update",
        )
    with time_machine.travel(at(5, 7), tick=False):
        report = digests.send_digests(frequency="daily")
    assert (report.planned, report.sent) == (1, 1)

    digest = smtp.messages[1]
    assert digest["To"] == "reader@example.org"
    assert digest["Subject"] == "IPP tracker daily digest, 4 March 2025: 1 update"
    text, html = parts(digest)
    assert "In progress -> Delayed, effective 4 March 2025" in text
    assert "Pilot began." not in text  # the earlier change was not in this window
    assert f"{SITE}/commitments/{commitment.slug}/" in text and "https://www.gov.uk/ipp-update" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert f'href="{SITE}/commitments/{commitment.slug}/#change-' in html
    unsubscribe_url = re.fullmatch(r"<(.+)>", digest["List-Unsubscribe"].strip()).group(1)
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert path_of(unsubscribe_url) == link(text, "unsubscribe")
    assert re.fullmatch(r"<digest-\d+@testserver>", digest["Message-ID"])
    delivery = DigestDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("sent", 1)

    # RFC 8058: one POST, no cookie, no CSRF token, no login.
    one_click = Client(enforce_csrf_checks=True).post(
        path_of(unsubscribe_url),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200 and b"You are unsubscribed" in one_click.content
    assert Subscriber.objects.get().state == "unsubscribed"
    with time_machine.travel(at(5, 12), tick=False):
        record_status_change(commitment, to="in_progress", reason="Resumed.", effective_on=date(2025, 3, 5))
    with time_machine.travel(at(6, 7), tick=False):
        again = digests.send_digests(frequency="daily")
    assert (again.planned, again.sent) == (0, 0) and len(smtp.messages) == 2


def test_the_preferences_link_changes_themes_and_frequency(client, smtp):
    kept, dropped = ThemeFactory(name="Recall"), ThemeFactory(name="Data")
    subscriber = SubscriberFactory()
    manage = path_of(digests.absolute_link(subscriber, digests.MANAGE))
    page = client.get(manage)
    assert page.status_code == 200 and b"<legend" in page.content and b"subscriber" in page.content
    response = client.post(manage, {"frequency": "weekly", "themes": [kept.pk]})
    assert b"Your choices are saved." in response.content
    subscriber.refresh_from_db()
    assert (subscriber.frequency, subscriber.all_themes, list(subscriber.themes.all())) == (
        "weekly",
        False,
        [kept],
    )
    assert dropped not in subscriber.themes.all()


def test_a_digest_holds_only_the_subscribers_themes_and_nothing_means_no_email(smtp):
    recall, data = ThemeFactory(name="Recall"), ThemeFactory(name="Data")
    on_recall = CommitmentFactory(theme=recall, title="Recall reviews")
    on_data = CommitmentFactory(theme=data, title="IPP data dashboard")
    with time_machine.travel(at(3), tick=False):
        SubscriberFactory(email="recall@example.org", themes=[recall])
        SubscriberFactory(email="data@example.org", themes=[data])
        SubscriberFactory(email="all@example.org")
    with time_machine.travel(at(4), tick=False):
        record_status_change(
            on_recall, to="in_progress", reason="Reviews started.", effective_on=date(2025, 3, 4)
        )
        question = WrittenQuestionFactory(uin="HL999", answer_text="Reviews began in March. " * 40)
        evidence = EvidenceFactory(commitment=on_recall, question=question, excerpt="Reviews began in March.")
        confirm_evidence(evidence, by=None)
    with time_machine.travel(at(5, 7), tick=False):
        report = digests.send_digests(frequency="daily")
    assert report.planned == 2  # the data subscriber had nothing: no row, no email
    assert sorted(m["To"] for m in smtp.messages) == ["all@example.org", "recall@example.org"]
    text, _ = parts(smtp.messages[0])
    assert (
        "Recall reviews" in text and '"Reviews began in March."' in text and "IPP data dashboard" not in text
    )
    assert f"{SITE}/questions/{question.pk}/" in text
    (to_recall,) = [m for m in smtp.messages if m["To"] == "recall@example.org"]
    recall_text, recall_html = parts(to_recall)
    assert recall_text.count("Why you get this: you follow the theme \u201cRecall\u201d") == 2
    assert f'href="{SITE}/commitments/{on_recall.slug}/#evidence-{evidence.pk}"' in recall_html
    assert not DigestDelivery.objects.filter(subscriber__email="data@example.org").exists()
    # Nothing changed the next day: no email to anybody.
    with time_machine.travel(at(6, 7), tick=False):
        assert digests.send_digests(frequency="daily").planned == 0
    assert len(smtp.messages) == 2
    _ = on_data


def test_a_new_answer_to_a_linked_question_is_reported_with_a_plain_text_excerpt(smtp):
    commitment = CommitmentFactory(title="Licence termination")
    question = WrittenQuestionFactory(answer_text="The Parole Board <b>terminated</b> 1,742 licences.")
    with time_machine.travel(at(1), tick=False):
        confirm_evidence(EvidenceFactory(commitment=commitment, question=question), by=None)
        SubscriberFactory()
    with time_machine.travel(at(4), tick=False):
        QuestionEventFactory(question=question, kind="corrected")
    with time_machine.travel(at(5, 7), tick=False):
        digests.send_digests(frequency="daily")
    (message,) = smtp.messages
    text, html = parts(message)
    assert "NEW ANSWERS" in text and "Licence termination" in text
    assert "The Parole Board &lt;b&gt;terminated&lt;/b&gt; 1,742 licences." in html


def test_confirmation_links_expire_and_tampered_or_unknown_links_are_refused(client, smtp):
    with time_machine.travel(at(1, 9), tick=False):
        subscribe(client)
        confirm = link(smtp.messages[0].get_content(), "confirm")
    with time_machine.travel(at(4, 10), tick=False):  # 73 hours later
        expired = client.post(confirm)
    assert expired.status_code == 410 and b"This link has expired" in expired.content
    tampered = client.post(confirm[:-3] + ("x" if confirm[-3] != "x" else "y") + confirm[-2:])
    assert tampered.status_code == 400 and b"This link is not valid" in tampered.content
    as_other_purpose = client.post(confirm.replace("/confirm/", "/unsubscribe/"))
    assert as_other_purpose.status_code == 400
    unknown = signing.dumps("no-such-token", salt="commitments.digests.unsubscribe")
    gone = client.post(f"/subscribe/unsubscribe/{unknown}/")
    assert gone.status_code == 404 and b"no longer valid" in gone.content
    assert Subscriber.objects.get().state == "pending"
    assert client.get("/subscribe/nowhere/").status_code == 404


def test_a_repeated_confirmation_changes_nothing_and_an_old_link_cannot_undo_an_unsubscribe(client, smtp):
    subscribe(client)
    confirm = link(smtp.messages[0].get_content(), "confirm")
    client.post(confirm)
    confirmed_at = Subscriber.objects.get().confirmed_at
    again = client.post(confirm)
    assert again.status_code == 200 and b"Already confirmed" in again.content
    assert Subscriber.objects.get().confirmed_at == confirmed_at
    digests.unsubscribe(Subscriber.objects.get())
    assert client.post(confirm).status_code == 404
    assert Subscriber.objects.get().state == "unsubscribed"


@pytest.mark.parametrize("email", ["not-an-email", "two@@example.org", "", "a" * 250 + "@example.org"])
def test_invalid_addresses_are_refused_with_the_reason(client, smtp, email):
    response = subscribe(client, email=email)
    assert response.status_code == 400
    assert b"There is a problem" in response.content and b'aria-invalid="true"' in response.content
    assert not Subscriber.objects.exists() and not smtp.messages


def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(client, smtp):
    SubscriberFactory(email="known@example.org")
    Subscriber.objects.create(email="waiting@example.org")
    answers = []
    for email in ["new@example.org", "known@example.org", "KNOWN@example.org", "waiting@example.org"]:
        response = subscribe(client, email=email, follow=True)
        answers.append((response.redirect_chain, response.status_code, response.content))
    assert all(answer == answers[0] for answer in answers)
    # The confirmed subscriber's choices were not changed by a stranger; each address heard only itself.
    assert Subscriber.objects.get(email="known@example.org").confirmed_at is not None
    assert sorted(m["To"] for m in smtp.messages) == sorted(
        ["new@example.org", "known@example.org", "known@example.org", "waiting@example.org"]
    )
    assert "already gets them" in smtp.messages[1].get_content()


def test_subscribing_is_rate_limited_per_address_and_per_client(client, smtp, settings):
    settings.SUBSCRIBE_LIMIT_PER_ADDRESS = 2
    settings.SUBSCRIBE_LIMIT_PER_IP = 5  # refused requests count too
    assert [subscribe(client).status_code for _ in range(3)] == [302, 302, 429]
    limited = subscribe(client)
    assert b"Too many requests" in limited.content
    assert [subscribe(client, email=f"other{n}@example.org").status_code for n in range(2)] == [302, 429]
    assert subscribe(client, email="fresh@example.org", REMOTE_ADDR="192.0.2.7").status_code == 302
    assert len(smtp.messages) == 4


# The same mailbox as victim@example.org to a mail server, a new address to a naive comparison: invisible
# characters at five positions, a soft hyphen, and text-direction controls.
HIDDEN_CHARACTER_ADDRESSES = [
    "victim@e\u200bxample.org",
    "victim@exa\u200cmple.org",
    "victim@examp\u200dle.org",
    "victim@example\u2060.org",
    "victim@\ufeffexample.org",
    "vic\u200btim@example.org",
    "victim@exam\u00adple.org",
    "victim@example.org\u200e",
    "victim@\u202eelpmaxe.org",
    "victim@example.\u2066org\u2069",
]


@pytest.mark.parametrize("email", HIDDEN_CHARACTER_ADDRESSES)
def test_addresses_with_invisible_or_direction_characters_are_refused_with_the_reason(client, smtp, email):
    response = subscribe(client, email=email)
    assert response.status_code == 400
    assert "invisible character" in response.content.decode()
    assert not Subscriber.objects.exists() and not smtp.messages


def test_invisible_characters_cannot_multiply_the_per_address_limit(client, smtp, settings):
    settings.SUBSCRIBE_LIMIT_PER_IP = 100
    answers = [subscribe(client, email="victim@example.org").status_code for _ in range(3)]
    answers += [subscribe(client, email=email).status_code for email in HIDDEN_CHARACTER_ADDRESSES[:5]]
    assert answers == [302] * 3 + [400] * 5
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["victim@example.org"]
    assert len(smtp.messages) == 3
    # Refused before they were counted: the address's own hour is as it was.
    assert subscribe(client, email="victim@example.org").status_code == 429


def test_an_nfkc_equivalent_address_is_the_same_address_for_the_limit(client, smtp, settings):
    settings.SUBSCRIBE_LIMIT_PER_ADDRESS = 2
    assert subscribe(client, email="victim@example.org").status_code == 302
    # Fullwidth letters, as a phone keyboard in some languages types them.
    assert (
        subscribe(client, email="\uff36\uff29\uff23\uff34\uff29\uff2d@\uff45\uff58ample.org").status_code
        == 302
    )
    assert subscribe(client, email="victim@example.org").status_code == 429
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["victim@example.org"]
    assert [m["To"] for m in smtp.messages] == ["victim@example.org"] * 2


# One mailbox, written the ways the second probe found (#29): quoted local parts with and without
# escapes, upper case, and the domain in Unicode and in its IDNA (punycode) form.
SAME_MAILBOX_ADDRESSES = [
    '"victim"@exämple.org',
    '"\\victim"@exämple.org',
    '"v\\ictim"@xn--exmple-cua.org',
    '"vi\\ctim"@EXÄMPLE.ORG',
    '"\\v\\i\\c\\t\\i\\m"@xn--exmple-cua.org',
    '"VICTIM"@exämple.org',
    "victim@exämple.org",
    "Victim@Xn--Exmple-Cua.Org",
]


@pytest.mark.parametrize("email", SAME_MAILBOX_ADDRESSES)
def test_quoted_and_internationalised_variants_are_stored_and_sent_in_one_form(client, smtp, email):
    assert subscribe(client, email=email).status_code == 302
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["victim@xn--exmple-cua.org"]
    assert [m["To"] for m in smtp.messages] == ["victim@xn--exmple-cua.org"]


def test_the_per_address_limit_holds_for_every_quoted_and_internationalised_variant(client, smtp, settings):
    settings.SUBSCRIBE_LIMIT_PER_ADDRESS = 3
    settings.SUBSCRIBE_LIMIT_PER_IP = 100
    answers = [subscribe(client, email="victim@xn--exmple-cua.org").status_code for _ in range(3)]
    answers += [subscribe(client, email=email).status_code for email in SAME_MAILBOX_ADDRESSES]
    assert answers == [302] * 3 + [429] * len(SAME_MAILBOX_ADDRESSES)
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["victim@xn--exmple-cua.org"]
    assert len(smtp.messages) == 3


@pytest.mark.parametrize(
    "email", ['"john smith"@example.org', '"victim@example.org"@example.org', '""@example.org']
)
def test_a_quoted_part_that_is_not_a_plain_name_is_refused_with_the_reason(client, smtp, email):
    response = subscribe(client, email=email)
    assert response.status_code == 400
    assert "quoted part" in response.content.decode()
    assert not Subscriber.objects.exists() and not smtp.messages


def test_subscription_pages_are_never_cached_or_given_an_etag(client):
    for url in ["/subscribe/", "/subscribe/check-your-email/"]:
        response = client.get(url)
        assert response.status_code == 200 and not response.has_header("ETag"), url
        assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert b'href="/subscribe/"' in client.get("/").content


def test_unsubscribe_by_get_only_asks(client):
    subscriber = SubscriberFactory()
    page = client.get(path_of(digests.absolute_link(subscriber, digests.UNSUBSCRIBE)))
    assert page.status_code == 200 and b"<button" in page.content
    assert Subscriber.objects.get().state == "confirmed"


def test_sending_costs_the_same_queries_for_5_or_50_subscribers(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    themes = [ThemeFactory(name=f"Theme {n}") for n in range(3)]
    commitments = [CommitmentFactory(theme=theme) for theme in themes]

    def run(day: int, subscribers: int) -> int:
        with time_machine.travel(at(day - 1, 8), tick=False):
            for n in range(subscribers):
                SubscriberFactory(themes=themes[: n % 4] or None)
        with time_machine.travel(at(day - 1), tick=False):
            for commitment in commitments:
                record_status_change(
                    commitment,
                    to="delayed" if day % 2 else "in_progress",
                    reason="News.",
                    effective_on=date(2025, 3, day - 1),
                )
        with time_machine.travel(at(day, 7), tick=False), CaptureQueriesContext(connection) as queries:
            report = digests.send_digests(frequency="daily")
        assert report.sent == Subscriber.objects.count()
        return len(queries)

    mail.outbox = []
    few = run(5, 5)
    assert len(mail.outbox) == 5
    many = run(6, 45)
    assert len(mail.outbox) == 55
    assert few == many


def test_a_refused_recipient_fails_at_once_and_a_passing_failure_is_retried_then_given_up(smtp, settings):
    settings.DIGEST_MAX_ATTEMPTS = 2
    smtp.recorder.refuse = {"gone@example.org"}
    with time_machine.travel(at(3), tick=False):
        SubscriberFactory(email="gone@example.org")
        SubscriberFactory(email="fine@example.org")
        record_status_change(
            CommitmentFactory(), to="delivered", reason="Done.", effective_on=date(2025, 3, 3)
        )
    with time_machine.travel(at(4, 7), tick=False):
        report = digests.send_digests(frequency="daily")
    gone = DigestDelivery.objects.get(subscriber__email="gone@example.org")
    assert (report.sent, report.failed, gone.state, gone.attempts) == (1, 1, "failed", 1)
    assert "550" in gone.last_error

    smtp.recorder.refuse = set()
    smtp.recorder.hang_up_after = 1  # the server now answers 421 to every message
    with time_machine.travel(at(4, 8), tick=False):
        digests.resend_deliveries(DigestDelivery.objects.all())
        assert (
            DigestDelivery.objects.get(subscriber__email="fine@example.org").state == "sent"
        )  # never re-sent
        first = digests.send_digests(frequency="daily")
        assert (first.failed, first.retry_later) == (0, 1)
        second = digests.send_digests(frequency="daily")
    gone.refresh_from_db()
    assert (second.failed, second.retry_later, gone.state, gone.attempts) == (1, 0, "failed", 2)
    assert "421" in gone.last_error and len(smtp.messages) == 1


def _deliveries_ready(count: int) -> None:
    commitment = CommitmentFactory()
    yesterday = datetime.now(LONDON) - timedelta(days=1)
    with time_machine.travel(yesterday.replace(hour=0, minute=5), tick=False):
        for n in range(count):
            SubscriberFactory(email=f"reader{n:02}@example.org")
        record_status_change(commitment, to="delayed", reason="Paused.", effective_on=yesterday.date())


def test_a_run_the_mail_server_cut_short_sends_exactly_the_rest_when_run_again(smtp, settings):
    settings.DIGEST_BATCH_SIZE = 4
    _deliveries_ready(11)
    smtp.recorder.hang_up_after = 6
    first = digests.send_digests(frequency="daily")
    assert (first.sent, first.retry_later) == (6, 5)
    assert DigestDelivery.objects.sent().count() == 6 == len(smtp.messages)
    smtp.recorder.hang_up_after = None
    second = digests.send_digests(frequency="daily")
    assert (second.planned, second.sent, second.retry_later) == (0, 5, 0)
    received = sorted(m["To"] for m in smtp.messages)
    assert received == [f"reader{n:02}@example.org" for n in range(11)]


def test_a_planned_digest_goes_only_to_addresses_still_confirmed_for_that_frequency(smtp):
    _deliveries_ready(4)
    period = digests.current_period("daily")
    assert (
        digests.plan_deliveries(
            period,
            digests.build_content(frequency="daily", starts_at=period.starts_at, ends_at=period.ends_at),
        )
        == 4
    )
    left, moved, back_to_pending, stays = Subscriber.objects.order_by("email")
    digests.unsubscribe(left)
    digests.update_preferences(moved, frequency="weekly")
    digests.unsubscribe(back_to_pending)
    digests.subscribe(email=back_to_pending.email, frequency="daily")  # a stranger asks again
    smtp.messages.clear()

    report = digests.send_digests(frequency="daily")

    assert [m["To"] for m in smtp.messages] == [stays.email]
    assert (report.sent, report.skipped, report.retry_later) == (1, 1, 0)
    states = dict(DigestDelivery.objects.values_list("subscriber__email", "state"))
    assert states == {
        left.email: "skipped",
        moved.email: "skipped",
        back_to_pending.email: "skipped",
        stays.email: "sent",
    }


def test_while_another_run_sends_a_frequency_a_second_run_sends_nothing(smtp, settings):
    _deliveries_ready(3)
    other = psycopg.connect(**_psycopg_params(), autocommit=True)  # another worker's session
    key = zlib.crc32(b"tracker:digests:daily")
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [key])
        blocked = digests.send_digests(frequency="daily")
    finally:
        other.execute("SELECT pg_advisory_unlock(%s)", [key])
        other.close()
    assert (blocked.planned, blocked.sent, blocked.retry_later) == (3, 0, 3)
    assert "Another run is sending" in blocked.interrupted and smtp.messages == []

    after = digests.send_digests(frequency="daily")

    assert (after.sent, after.retry_later) == (3, 0)
    assert sorted(m["To"] for m in smtp.messages) == [f"reader{n:02}@example.org" for n in range(3)]


def _psycopg_params() -> dict:
    database = connection.settings_dict  # the test database, as this test's session sees it
    return {
        "dbname": database["NAME"],
        "user": database["USER"],
        "host": database["HOST"],
        "port": database["PORT"],
    }


def kill_a_worker_mid_send_then_run_again(frequency: str, *, n: int, batch: int, killed_after: int):
    """A real worker is SIGKILLed while the mail server holds message k + 1 of `frequency`'s send
    task, then a fresh worker runs the task again. Returns the messages of each run and the result."""
    env = {"DIGEST_BATCH_SIZE": batch, "SITE_URL": SITE}
    with SMTPServer(hang_after=killed_after) as stalled:
        with workers(1, **env, **stalled.settings) as (queue, (worker,)):
            send_digests_task.apply_async(args=[frequency], queue=queue)
            assert stalled.recorder.hanging.wait(timeout=90), "the worker never reached message k + 1"
            worker.kill()
            worker.wait(timeout=20)
        first = list(stalled.messages)
    assert len(first) == killed_after
    assert DigestDelivery.objects.sent().count() == killed_after - killed_after % batch
    with SMTPServer() as healthy, workers(1, **env, **healthy.settings) as (queue, _):
        result = send_digests_task.apply_async(args=[frequency], queue=queue).get(timeout=90)
        second = list(healthy.messages)
    assert DigestDelivery.objects.sent().count() == n
    return first, second, result


@pytest.mark.processes
@pytest.mark.parametrize("killed_after", [10, 12], ids=["at-a-batch-boundary", "mid-batch"])
def test_a_worker_killed_after_k_of_n_sends_the_rest_when_run_again(transactional_db, killed_after):
    """Up to the last written batch nothing is sent twice; past it (mid-batch) at most the batch's
    accepted messages are sent again, with the same Message-ID. Nobody is skipped."""
    n, batch = 23, 5
    _deliveries_ready(n)
    first, second, result = kill_a_worker_mid_send_then_run_again(
        "daily", n=n, batch=batch, killed_after=killed_after
    )
    written = killed_after - killed_after % batch
    assert result["sent"] == len(second) == n - written
    everyone = sorted({m["To"] for m in first + second})
    assert everyone == [f"reader{i:02}@example.org" for i in range(n)]
    by_id = {m["To"]: m["Message-ID"] for m in first}
    again = by_id.keys() & {m["To"] for m in second}
    assert len(again) == killed_after - written
    assert all(m["Message-ID"] == by_id[m["To"]] for m in second if m["To"] in again)


def test_beat_schedules_send_daily_and_weekly_digests_and_alerts_every_five_minutes():
    alerts = PeriodicTask.objects.get(name="Send as-it-happens alerts")
    assert (alerts.task, alerts.args, alerts.crontab.minute) == (
        "commitments.tasks.send_digests_task",
        '["as_it_happens"]',
        "*/5",
    )
    daily = PeriodicTask.objects.get(name="Send daily digests")
    weekly = PeriodicTask.objects.get(name="Send weekly digests")
    assert (daily.task, daily.args, daily.crontab.hour) == (
        "commitments.tasks.send_digests_task",
        '["daily"]',
        "7",
    )
    assert (weekly.args, weekly.crontab.day_of_week) == ('["weekly"]', "1")


def test_weekly_periods_run_monday_to_monday_and_follow_on_without_gaps():
    start, end = digests.period_bounds("weekly", now=at(5, 7))  # a Wednesday
    assert (start, end) == (datetime(2025, 2, 24, tzinfo=LONDON), at(3, 0))
    first = digests.current_period("weekly", now=at(5, 7))
    later = digests.current_period("weekly", now=at(26, 7))  # two runs missed
    assert later.starts_at == first.ends_at and DigestPeriod.objects.count() == 2


def test_send_digests_command_dry_run_writes_nothing(capsys):
    with time_machine.travel(at(4), tick=False):
        SubscriberFactory()
        record_status_change(
            CommitmentFactory(), to="delayed", reason="Paused.", effective_on=date(2025, 3, 4)
        )
    with time_machine.travel(at(5, 7), tick=False):
        call_command("send_digests", "--frequency", "daily", "--dry-run")
    out = capsys.readouterr().out
    assert "Would plan 1 digest(s): 1 status change(s)" in out and "nothing written or sent" in out
    assert not DigestPeriod.objects.exists() and not DigestDelivery.objects.exists()


def test_admin_lists_subscribers_by_state_and_previews_the_next_digest(client, superuser, editor):
    SubscriberFactory(email="confirmed@example.org")
    Subscriber.objects.create(email="pending@example.org")
    record_status_change(
        CommitmentFactory(title="Recall reviews"), to="delayed", reason="Paused.", effective_on=date.today()
    )
    client.force_login(superuser)
    pending = client.get("/admin/commitments/subscriber/?state=pending")
    assert b"pending@example.org" in pending.content and b"confirmed@example.org" not in pending.content
    subscriber = Subscriber.objects.get(email="confirmed@example.org")
    preview = client.get(f"/admin/commitments/subscriber/{subscriber.pk}/preview/")
    assert preview.status_code == 200
    assert b"Recall reviews" in preview.content and b"Plain-text part" in preview.content
    client.force_login(editor)  # addresses are personal data: superusers only
    assert client.get("/admin/commitments/subscriber/").status_code == 403
    assert client.get(f"/admin/commitments/subscriber/{subscriber.pk}/preview/").status_code == 403


def test_admin_resend_puts_failed_deliveries_back_and_never_a_sent_one(client, superuser, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    period = DigestPeriod.objects.create(frequency="daily", starts_at=at(3, 0), ends_at=at(4, 0))
    failed = DigestDelivery.objects.create(
        period=period, subscriber=SubscriberFactory(), state="failed", attempts=3, last_error="550"
    )
    sent = DigestDelivery.objects.create(
        period=period, subscriber=SubscriberFactory(), state="sent", sent_at=at(4, 7), attempts=1
    )
    client.force_login(superuser)
    response = client.post(
        "/admin/commitments/digestdelivery/",
        {"action": "resend_selected", "_selected_action": [failed.pk, sent.pk]},
        follow=True,
    )
    assert b"1 digest(s) queued to send again. 1 already sent were left alone" in response.content
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.state, failed.attempts, failed.last_error) == ("pending", 0, "")
    assert (sent.state, sent.attempts) == ("sent", 1)
