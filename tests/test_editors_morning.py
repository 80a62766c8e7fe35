"""Editors told what needs them: the daily email (once a day each, tried again after a failure,
scheduled by a migration) and the admin index's "since your last visit"."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from commitments.digests.editors import send_editors_email
from commitments.editorial import record_status_change
from commitments.models import EditorEmail, EditorVisit, QuestionEvent
from commitments.ops.schedules import EDITORS_EMAIL_TASK

from .factories import (
    CommitmentFactory,
    CorrectionFactory,
    DeadlineFactory,
    EditorFactory,
    QuestionEventFactory,
    UserFactory,
    WrittenQuestionFactory,
)

TODAY = timezone.localdate()  # the first email covers the day before now
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture
def morning(db):
    """An answer waiting, one back after a correction, a reader's correction, a status change and a
    promised date that passed yesterday."""
    commitment = CommitmentFactory(title="Approved Premises move-on pilot")
    WrittenQuestionFactory(uin="HL1", is_about_ipp=True)
    back = WrittenQuestionFactory(uin="HL2", is_about_ipp=True, triaged_at=timezone.now() - timedelta(days=3))
    QuestionEventFactory(question=back, kind=QuestionEvent.Kind.CORRECTED, content_hash="x")
    CorrectionFactory(commitment=commitment, what_is_wrong="The pilot started in 2024.")
    record_status_change(commitment, to="in_progress", reason="Started.", effective_on=YESTERDAY, by=None)
    DeadlineFactory(commitment=commitment, due_on=YESTERDAY)
    return commitment


def test_the_daily_email_tells_each_editor_what_needs_them_once_a_day(morning):
    EditorFactory(username="ed", email="ed@example.org")
    EditorFactory(username="no-address", email="")
    UserFactory(username="reader", email="reader@example.org")  # not an editor

    assert send_editors_email(on=TODAY) == 1
    assert send_editors_email(on=TODAY) == 0  # a second run, or a second worker, sends nothing

    (message,) = mail.outbox
    assert message.to == ["ed@example.org"]
    assert message.subject == "IPP tracker: 2 answers to triage, 1 new corrections"
    body = message.body
    assert "Answers waiting for triage: 2" in body
    assert "Back in the queue, corrected or changed by Parliament: Commons HL2" in body
    assert "- Approved Premises move-on pilot: The pilot started in 2024." in body
    assert "- Approved Premises move-on pilot: none to In progress (editor)" in body
    assert (
        "Promised dates that passed with nothing delivered:\n"
        f"- Approved Premises move-on pilot: {YESTERDAY.day} {YESTERDAY:%B %Y}" in body
    )
    assert "Record checks that warn" in body  # the integrity audit's open warnings
    assert ".jsonl" not in body and "threshold" not in body
    assert EditorEmail.objects.get().day == TODAY


def test_a_failed_send_leaves_no_record_and_the_next_run_sends_it(morning, monkeypatch):
    EditorFactory(username="ed", email="ed@example.org")
    from django.core.mail import EmailMessage

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    with monkeypatch.context() as patched:
        patched.setattr(EmailMessage, "send", refuse)
        assert send_editors_email(on=TODAY) == 0
    assert not EditorEmail.objects.exists()

    assert send_editors_email(on=TODAY) == 1 and len(mail.outbox) == 1


def test_the_next_email_covers_only_what_changed_since_the_last(morning):
    EditorFactory(username="ed", email="ed@example.org")
    send_editors_email(on=TODAY)

    send_editors_email(on=TODAY + timedelta(days=1))

    later = mail.outbox[1].body
    assert "Status changes recorded" not in later and "New corrections" not in later
    assert "Answers waiting for triage: 2" in later  # still waiting is still said


def test_the_email_is_scheduled_every_morning_by_a_migration(db):
    task = PeriodicTask.objects.get(name=EDITORS_EMAIL_TASK)
    assert task.task == "commitments.tasks.send_editors_email_task"
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == (
        "7",
        "30",
        "Europe/London",
    )


def test_the_command_sends_the_same_email_by_hand(morning, capsys):
    EditorFactory(username="ed", email="ed@example.org")
    call_command("send_editors_email")
    assert "Sent 1 editors' email(s)." in capsys.readouterr().out


def test_the_admin_index_says_what_changed_since_the_editors_last_visit(client, morning):
    editor = EditorFactory(username="ed")
    EditorVisit.objects.create(user=editor, seen_at=timezone.now() - timedelta(days=2))
    client.force_login(editor)

    page = client.get(reverse("admin:index")).content.decode()
    again = client.get(reverse("admin:index")).content.decode()  # a reload says the same

    for text in [
        "Since your last visit",
        "Commons HL2 is back in the triage queue",
        "1 new correction from readers",
        "Approved Premises move-on pilot: no status to In progress",
    ]:
        assert text in page and text in again
    assert EditorVisit.objects.get(user=editor).seen_at > timezone.now() - timedelta(minutes=1)

    client.logout()
    client.force_login(editor)  # a new visit: nothing has changed since the last
    assert "Nothing new." in client.get(reverse("admin:index")).content.decode()
