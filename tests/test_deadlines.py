"""Deadlines: the one rule for where a promised date stands, the shipped research, the pages, and
followers told once, never twice, when a date passes undelivered."""

from datetime import date, datetime

import pytest
from django.core import mail
from django.utils import timezone

from commitments.digests.deadlines import alert_passed_deadlines
from commitments.models import DateClaim, Deadline, DeadlineAlert, DeadlineState, StatutoryDuty
from commitments.tasks import alert_passed_deadlines_task

from .factories import (
    ActionPlanFactory,
    CommitmentFactory,
    DeadlineFactory,
    IndicatorPointFactory,
    SubscriberFactory,
)

TODAY = date(2026, 12, 7)
IMAGE = '<img src="https://evil.example/pixel.png" onerror="alert(1)">'


@pytest.mark.parametrize(
    ("due_on", "delivered_on", "claim", "state", "days", "text"),
    [
        (
            date(2024, 11, 1),
            date(2024, 11, 1),
            DateClaim.GOVERNMENT,
            DeadlineState.MET_ON_TIME,
            0,
            "Met on time",
        ),
        (
            date(2024, 11, 1),
            date(2024, 10, 30),
            DateClaim.GOVERNMENT,
            DeadlineState.MET_ON_TIME,
            0,
            "Met on time",
        ),
        (
            date(2024, 3, 31),
            date(2024, 11, 15),
            DateClaim.GOVERNMENT,
            DeadlineState.MET_LATE,
            229,
            "Met 229 days late",
        ),
        (date(2026, 12, 6), None, DateClaim.GOVERNMENT, DeadlineState.OVERDUE, 1, "Overdue by 1 day"),
        (date(2026, 11, 7), None, DateClaim.STATUTE, DeadlineState.OVERDUE, 30, "Overdue by 30 days"),
        (date(2026, 12, 7), None, DateClaim.GOVERNMENT, DeadlineState.NOT_YET_DUE, 0, "Due today"),
        (date(2026, 12, 17), None, DateClaim.GOVERNMENT, DeadlineState.NOT_YET_DUE, 10, "Due in 10 days"),
        (None, None, DateClaim.GOVERNMENT, DeadlineState.NO_DATE, 0, "No date promised"),
        (None, date(2023, 4, 26), DateClaim.GOVERNMENT, DeadlineState.NO_DATE, 0, "No date promised"),
        # A third party's date is judged by the same rule; pages say whose date it is.
        (
            date(2024, 3, 31),
            date(2024, 11, 15),
            DateClaim.THIRD_PARTY,
            DeadlineState.MET_LATE,
            229,
            "Met 229 days late",
        ),
        (date(2026, 1, 1), None, DateClaim.THIRD_PARTY, DeadlineState.OVERDUE, 340, "Overdue by 340 days"),
    ],
)
def test_one_rule_decides_where_each_promised_date_stands(db, due_on, delivered_on, claim, state, days, text):
    deadline = DeadlineFactory(due_on=due_on, delivered_on=delivered_on, date_claimed_by=claim)
    standing = deadline.standing(TODAY)
    assert (standing.state, standing.days, standing.text) == (state, days, text)
    # The database's form of the rule agrees: overdue exactly when standing() says so.
    overdue = Deadline.objects.passed_undelivered(TODAY).filter(pk=deadline.pk).exists()
    assert overdue == (state == DeadlineState.OVERDUE)
    assert Deadline.objects.count_by_standing(TODAY)[state] == 1


def test_the_shipped_deadlines_load_with_the_third_party_date_and_the_s67_duty(demo):
    assert Deadline.objects.count() == 9
    counts = Deadline.objects.count_by_standing(TODAY)
    assert counts == {
        DeadlineState.MET_ON_TIME: 3,
        DeadlineState.MET_LATE: 1,
        DeadlineState.OVERDUE: 0,
        DeadlineState.NOT_YET_DUE: 0,
        DeadlineState.NO_DATE: 5,
    }
    claimed = Deadline.objects.get(date_claimed_by=DateClaim.THIRD_PARTY)
    assert claimed.due_on == date(2024, 3, 31) and claimed.commitment is None
    assert claimed.action_plan.slug == "ipp-annual-report-2024"
    assert claimed.standing(TODAY).text == "Met 229 days late"
    duty = StatutoryDuty.objects.get()
    assert duty.rule.startswith("The Secretary of State must, as soon as is reasonably practicable")
    assert list(duty.occurrences.order_by("delivered_on").values_list("delivered_on", flat=True)) == [
        date(2024, 11, 15),
        date(2025, 7, 17),
    ]
    assert Deadline.objects.filter(due_on__isnull=True, action_plan__slug="ipp-action-plan-2023").count() == 2


def test_the_deadlines_page_shows_whose_date_it_is_and_quotes_only_verbatim_words(client, db):
    plan = ActionPlanFactory(title="HMPPS Annual Report (first report)")
    DeadlineFactory(
        commitment=None,
        action_plan=plan,
        promise="which was due to be published by the end of March 2024",
        due_on=date(2024, 3, 31),
        delivered_on=date(2024, 11, 15),
        date_claimed_by=DateClaim.THIRD_PARTY,
        said_by="Centre for Crime and Justice Studies",
    )
    DeadlineFactory(promise="A summary of a promise in our words", promise_is_verbatim=False, due_on=None)
    page = client.get("/deadlines/").content.decode()
    assert "Met 229 days late" in page and "a third party’s claim, not the government’s words" in page
    assert "“which was due to be published by the end of March 2024”" in page
    assert "“A summary" not in page and "(a summary, not a quotation)" in page


def test_a_commitment_page_shows_its_promised_dates(client, db):
    deadline = DeadlineFactory(due_on=date(2024, 11, 1), delivered_on=date(2024, 11, 1))
    page = client.get(f"/commitments/{deadline.commitment.slug}/").content.decode()
    assert "Promised dates" in page and "Met on time" in page and "Phase 1 will commence" in page


def test_the_home_page_counts_promised_dates_past_with_nothing_delivered(client, db):
    DeadlineFactory(due_on=date(2020, 1, 1))
    DeadlineFactory(due_on=date(2020, 1, 1), date_claimed_by=DateClaim.THIRD_PARTY)  # not the government's
    DeadlineFactory(due_on=date(2020, 1, 1), delivered_on=date(2020, 1, 1))
    IndicatorPointFactory(indicator__is_headline=True)
    page = client.get("/").content.decode()
    assert "1 promised date past with nothing delivered</a>, of the 2 dates" in page


def test_hostile_html_in_a_deadline_is_inert(client, db):
    deadline = DeadlineFactory(promise=IMAGE, said_by=IMAGE, note=IMAGE, delivered_how=IMAGE)
    for url in ["/deadlines/", f"/commitments/{deadline.commitment.slug}/", "/deadlines/feed.atom"]:
        assert "<img" not in client.get(url).content.decode(), url


@pytest.fixture
def email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []


def test_a_follower_is_alerted_once_and_never_twice_when_a_promised_date_passes(db, email):
    followed = CommitmentFactory(title="Automatic licence termination")
    deadline = DeadlineFactory(commitment=followed, due_on=date(2026, 12, 1))
    follower = SubscriberFactory(commitments=[followed])
    SubscriberFactory(commitments=[CommitmentFactory()])  # follows something else
    SubscriberFactory(commitments=[followed], confirmed_at=None)  # never confirmed
    DeadlineFactory(commitment=followed, due_on=date(2026, 1, 1), date_claimed_by=DateClaim.THIRD_PARTY)
    before = alert_passed_deadlines(on=date(2026, 12, 1))  # the day itself: not yet passed
    assert (before.planned, before.sent) == (0, 0)

    report = alert_passed_deadlines(on=TODAY)
    assert (report.planned, report.sent) == (1, 1)
    assert [message.to for message in mail.outbox] == [[follower.email]]
    assert "Overdue by 6 days" in mail.outbox[0].body and "Phase 1 will commence" in mail.outbox[0].body

    again = alert_passed_deadlines(on=TODAY)
    assert (again.planned, again.sent) == (0, 0)
    alert_passed_deadlines_task.apply()  # the scheduled task: the same work, nothing new
    assert len(mail.outbox) == 1
    assert DeadlineAlert.objects.get().deadline == deadline


def test_a_date_delivered_before_the_alert_goes_out_is_not_alerted(db, email):
    followed = CommitmentFactory()
    deadline = DeadlineFactory(commitment=followed, due_on=date(2026, 12, 1))
    SubscriberFactory(commitments=[followed])
    Deadline.objects.filter(pk=deadline.pk).update(delivered_on=date(2026, 12, 3))
    assert alert_passed_deadlines(on=TODAY).sent == 0
    assert mail.outbox == []


def test_an_alert_whose_email_failed_is_sent_once_by_the_next_run(db, settings):
    settings.EMAIL_BACKEND = "tests.test_deadlines.FailingBackend"
    followed = CommitmentFactory()
    DeadlineFactory(commitment=followed, due_on=date(2026, 12, 1))
    SubscriberFactory(commitments=[followed])
    failed = alert_passed_deadlines(on=TODAY)
    assert failed.sent == 0 and len(failed.failed) == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    assert alert_passed_deadlines(on=TODAY).sent == 1
    assert alert_passed_deadlines(on=TODAY).sent == 0
    assert len(mail.outbox) == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("The mail server is down.")


def test_a_date_that_passed_before_someone_followed_is_not_news_to_them(db, email):
    followed = CommitmentFactory(title="Automatic licence termination")
    DeadlineFactory(commitment=followed, due_on=date(2026, 11, 1))
    early = SubscriberFactory(commitments=[followed], confirmed_at=timezone.make_aware(datetime(2026, 10, 1)))
    SubscriberFactory(commitments=[followed], confirmed_at=timezone.make_aware(datetime(2026, 11, 20)))
    report = alert_passed_deadlines(on=TODAY)
    assert (report.planned, report.sent) == (1, 1)
    assert [message.to for message in mail.outbox] == [[early.email]]
