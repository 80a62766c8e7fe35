"""Domain errors, each with a sentence an editor can read; callers turn them into messages."""


class TrackerError(Exception):
    """Base for the tracker's own refusals."""


class ImmutableRecord(TrackerError):
    """Someone tried to edit or delete an append-only history row."""


class StatusChangeError(TrackerError):
    """A status change broke a rule (missing reason, unknown status, no-op)."""


class EvidenceError(TrackerError):
    """An evidence review broke a rule."""
