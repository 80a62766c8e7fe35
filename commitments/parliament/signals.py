"""What the way in announces. The re-check sends `answers_changed` after writing questions; the
Celery doorways (commitments/tasks.py) listen and queue each answer's analysis once the rows are
committed. The re-check thus never imports the tasks that call it."""

from django.dispatch import Signal

# Sent with `questions`: a queryset of the WrittenQuestions just created or changed.
answers_changed = Signal()
# Sent with `kind` (the Evidence field: "statement", "contribution" or "publication") and `sources`:
# a queryset of the rows just created or changed (one page's).
sources_changed = Signal()
