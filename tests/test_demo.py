"""The demo's start-up output: a summary of the tasks it ran in-process, not a log line per task."""

import logging
from datetime import date

from commitments.devtools.management.commands.run_demo import tasks_summarised
from commitments.editorial import record_status_change
from commitments.models import Commitment
from commitments.tasks import verify_status_history_task

from .factories import CommitmentFactory


def test_in_process_tasks_are_counted_in_one_summary_line_instead_of_logged(db, caplog):
    broken = CommitmentFactory()
    record_status_change(broken, to="delivered", reason="Done", effective_on=date(2024, 1, 1))
    Commitment.objects.filter(pk=broken.pk).update(status="delayed")

    with caplog.at_level(logging.INFO), tasks_summarised() as summary:
        verify_status_history_task.apply()
        verify_status_history_task.apply()

    assert summary() == "Tasks run in-process: 2 verify_status_history_task."
    assert not [record for record in caplog.records if record.name == "celery.app.trace"]


def test_the_task_log_is_back_after_the_summary(db, caplog):
    with tasks_summarised():
        pass
    with caplog.at_level(logging.INFO):
        verify_status_history_task.apply()
    assert [record for record in caplog.records if record.name == "celery.app.trace"]
