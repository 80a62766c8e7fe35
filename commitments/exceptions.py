"""Domain errors, each with a sentence an editor can read; callers turn them into messages."""


class TrackerError(Exception):
    """Base for the tracker's own refusals."""


class ImmutableRecord(TrackerError):
    """Someone tried to edit or delete an append-only history row."""


class StatusChangeError(TrackerError):
    """A status change broke a rule (missing reason, unknown status, no-op)."""


class EvidenceError(TrackerError):
    """An evidence review broke a rule."""


class EmailAddressRefused(TrackerError):
    """An email address that cannot be taken as typed (it holds invisible or text-direction characters)."""


class DigestLinkError(TrackerError):
    """A link from a digest email could not be used: tampered with, or no longer known."""


class DigestLinkExpired(DigestLinkError):
    """A confirmation link older than DIGEST_CONFIRM_HOURS."""


class DigestLinkUnknown(DigestLinkError):
    """A correctly signed link for a subscriber that no longer exists or subscribed again since."""


class TriageError(EvidenceError):
    """A triage decision on an answer broke a rule."""


class StaleTriage(TriageError):
    """The form was made before another editor's decision on the same answer: nothing was changed."""


class SearchTooSlow(TrackerError):
    """A reader's search ran past SEARCH_STATEMENT_TIMEOUT_MS and was stopped by the database."""


class IndicatorError(TrackerError):
    """An indicator point broke a rule (a figure overwritten instead of revised, a cell with no number)."""
