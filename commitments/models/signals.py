"""Signals the models send beyond Django's own.

`bulk_written` closes the gap bulk writes leave: bulk_create() and bulk_update() send no
post_save, so without it every caller of a bulk write would have to remember who listens (the
data version does). The querysets in querysets.py send it; writers never call listeners.
"""

from django.dispatch import Signal

# Sent after rows are bulk-created or bulk-updated, with `sender` the model and `objs` the rows.
bulk_written = Signal()
