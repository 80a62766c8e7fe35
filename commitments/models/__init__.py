"""Tables and invariants of the tracker, one module per area; everything is re-exported here, so
`from commitments.models import Commitment` works wherever a model lives.

Reading vocabulary lives in querysets.py and every closed set of values in choices.py; writes with
rules are in commitments.editorial. Nothing here filters for a page or talks HTTP.
"""

from .choices import (
    CorrectionState,
    DateClaim,
    DeadlineAlertState,
    DeadlineState,
    DeliveryState,
    DigestFrequency,
    EvidenceState,
    FigureCellKind,
    House,
    QuestionEventKind,
    RecheckRunKind,
    RecheckRunOutcome,
    ResponseVerdict,
    SourceBasis,
    SourceConfidence,
    SourceEventKind,
    SourceKind,
    Status,
    StatusOrigin,
    SubscriberState,
    WatchedTermScope,
    WordingKind,
)
from .corrections import Correction
from .deadlines import Deadline, DeadlineAlert, Standing, StatutoryDuty
from .digests import DigestDelivery, DigestPeriod, Subscriber, new_subscriber_token
from .editors import EditorEmail, EditorVisit
from .evidence import Evidence, EvidenceSuggestion
from .figures import FigureAxisLabel, FigureCell, FigureColumn, FigureRow, FigureTable
from .hansard import HansardContribution
from .indicators import Indicator, IndicatorPoint
from .observed import SourceEvent
from .plan import ActionPlan, Commitment, StatusChange, Theme
from .publications import Publication
from .questions import AnswerToTriage, QuestionEvent, RecheckRun, WatchedBody, WatchedTerm, WrittenQuestion
from .recommendations import Recommendation, RecommendationDevelopment
from .sources import SourceCopy
from .statements import WrittenStatement
from .wording import PromiseWording

__all__ = [
    "DateClaim",
    "Deadline",
    "DeadlineAlert",
    "DeadlineAlertState",
    "DeadlineState",
    "Indicator",
    "IndicatorPoint",
    "Standing",
    "StatutoryDuty",
    "ActionPlan",
    "AnswerToTriage",
    "Commitment",
    "Correction",
    "PromiseWording",
    "Publication",
    "Recommendation",
    "RecommendationDevelopment",
    "ResponseVerdict",
    "SourceBasis",
    "SourceConfidence",
    "SourceCopy",
    "SourceEvent",
    "SourceEventKind",
    "SourceKind",
    "WordingKind",
    "CorrectionState",
    "DeliveryState",
    "DigestDelivery",
    "DigestFrequency",
    "DigestPeriod",
    "EditorEmail",
    "EditorVisit",
    "Evidence",
    "EvidenceState",
    "EvidenceSuggestion",
    "FigureAxisLabel",
    "FigureCell",
    "FigureCellKind",
    "FigureColumn",
    "FigureRow",
    "FigureTable",
    "HansardContribution",
    "House",
    "QuestionEvent",
    "QuestionEventKind",
    "RecheckRun",
    "RecheckRunKind",
    "RecheckRunOutcome",
    "Status",
    "StatusChange",
    "StatusOrigin",
    "Subscriber",
    "SubscriberState",
    "Theme",
    "WatchedBody",
    "WatchedTerm",
    "WatchedTermScope",
    "WrittenQuestion",
    "WrittenStatement",
    "new_subscriber_token",
]
