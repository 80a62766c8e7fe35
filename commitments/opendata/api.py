"""The read-only JSON API, version 1 (Django REST framework + drf-spectacular for OpenAPI 3).

Why DRF: it is the most widely used and longest-kept API framework for Django, it reuses our
django-filter FilterSets (the same filters as the pages), and drf-spectacular derives an OpenAPI 3
document from the serializers, which schemathesis then checks the API against.
"""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.routers import DefaultRouter

from ..integrity import change_source
from ..models import (
    ActionPlan,
    Commitment,
    Evidence,
    FigureCellKind,
    FigureTable,
    QuestionEvent,
    SourceBasis,
    StatusChange,
    Theme,
    WrittenQuestion,
)
from ..public.filters import CommitmentFilter, RecommendationFilter, WrittenQuestionFilter
from ..public.site_wide import source_copies
from .api_policy import LookupGuard
from .numbers import DeadlineViewSet, IndicatorViewSet
from .recommendations import (
    RecommendationDetailSerializer,
    RecommendationSerializer,
    public_recommendations,
)
from .shape import COMMITMENTS, EVIDENCE, QUESTION_EVENTS, QUESTIONS, STATUS_CHANGES


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name", "description"]


class ActionPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionPlan
        fields = ["slug", "title", "published_on", "publisher", "url", "notes"]


class QuestionRefSerializer(serializers.ModelSerializer):
    official_url = serializers.CharField(read_only=True)
    source_url = serializers.CharField(source="citation_url", read_only=True)

    class Meta:
        model = WrittenQuestion
        fields = ["id", "house", "uin", "date_tabled", "date_answered", "official_url", "source_url"]


class StatusChangeSerializer(serializers.ModelSerializer):
    question = QuestionRefSerializer(read_only=True, allow_null=True)
    recorded_at = serializers.DateTimeField(source="created_at")
    rests_on = serializers.SerializerMethodField()

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "basis": {"type": "string", "enum": SourceBasis.values},
                "url": {"type": "string"},
                "is_official": {"type": "boolean"},
                "also_at": {"type": "string"},
                "secondary_reason": {"type": "string"},
            },
        }
    )
    def get_rests_on(self, change: StatusChange) -> dict:
        """What the change rests on, by the one source rule: the official page first, a copy as
        `also_at`, or a secondary source with the reason it is cited (integrity.change_source)."""
        resolved = change_source(change, source_copies())
        if resolved is None:
            return {
                "basis": SourceBasis.NOTHING,
                "url": "",
                "is_official": False,
                "also_at": "",
                "secondary_reason": "",
            }
        return {
            "basis": resolved.basis,
            "url": resolved.primary.url,
            "is_official": resolved.primary.is_official,
            "also_at": resolved.also_at.url if resolved.also_at else "",
            "secondary_reason": resolved.secondary_reason,
        }

    class Meta:
        model = StatusChange
        fields = STATUS_CHANGES.api_fields


class EvidenceSerializer(serializers.ModelSerializer):
    question = QuestionRefSerializer(read_only=True, allow_null=True)
    source_kind = serializers.CharField(
        source="source.kind", read_only=True, help_text=EVIDENCE.help_text("source_kind")
    )
    source = serializers.CharField(
        source="source.heading", read_only=True, help_text=EVIDENCE.help_text("source")
    )
    source_url = serializers.CharField(
        source="source.citation_url", read_only=True, help_text=EVIDENCE.help_text("source_url")
    )
    source_is_complete = serializers.BooleanField(
        source="source.is_complete", read_only=True, help_text=EVIDENCE.help_text("source_is_complete")
    )
    quote_read_at = serializers.CharField(
        source="read_from", read_only=True, help_text=EVIDENCE.help_text("quote_read_at")
    )
    confirmed_at = serializers.DateTimeField(source="reviewed_at", allow_null=True)

    class Meta:
        model = Evidence
        fields = EVIDENCE.api_fields


class CommitmentSerializer(serializers.ModelSerializer):
    theme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    action_plans = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    latest_evidence_on = serializers.DateField(
        read_only=True, allow_null=True, help_text=COMMITMENTS.help_text("latest_evidence_on")
    )
    latest_evidence_is_lower_bound = serializers.BooleanField(
        read_only=True, help_text=COMMITMENTS.help_text("latest_evidence_is_lower_bound")
    )
    no_recent_evidence = serializers.BooleanField(
        read_only=True, help_text=COMMITMENTS.help_text("no_recent_evidence")
    )

    class Meta:
        model = Commitment
        fields = COMMITMENTS.api_fields


class CommitmentDetailSerializer(CommitmentSerializer):
    keywords = serializers.ListField(child=serializers.CharField())
    targets = serializers.ListField(child=serializers.CharField())
    source_urls = serializers.ListField(child=serializers.CharField())
    status_history = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()

    class Meta(CommitmentSerializer.Meta):
        fields = [
            *CommitmentSerializer.Meta.fields,
            "keywords",
            "targets",
            "source_urls",
            "status_history",
            "evidence",
        ]

    @extend_schema_field(StatusChangeSerializer(many=True))
    def get_status_history(self, commitment):
        changes = commitment.status_changes.select_related("question").in_order()
        return StatusChangeSerializer(changes, many=True).data

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, commitment):
        confirmed = commitment.evidence.confirmed().with_quoted_answers().order_by("pk")
        return EvidenceSerializer(confirmed, many=True).data


class QuestionSerializer(serializers.ModelSerializer):
    official_url = serializers.CharField(read_only=True)
    source_url = serializers.CharField(source="citation_url", read_only=True)

    class Meta:
        model = WrittenQuestion
        fields = QUESTIONS.api_fields


class QuestionEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuestionEvent
        fields = QUESTION_EVENTS.api_fields


class QuestionEvidenceSerializer(serializers.ModelSerializer):
    commitment = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Evidence
        fields = ["commitment", "excerpt"]


class QuestionDetailSerializer(QuestionSerializer):
    answer_html = serializers.CharField(source="answer_html_safe", help_text="Sanitised for display.")
    events = QuestionEventSerializer(many=True, read_only=True)
    evidence = serializers.SerializerMethodField()

    class Meta(QuestionSerializer.Meta):
        fields = [
            *QuestionSerializer.Meta.fields,
            "question_text",
            "answer_text",
            "answer_html",
            "answer_is_complete",
            "events",
            "evidence",
        ]

    @extend_schema_field(QuestionEvidenceSerializer(many=True))
    def get_evidence(self, question):
        return QuestionEvidenceSerializer(
            question.evidence.published().select_related("commitment"), many=True
        ).data


class FigureCellSerializer(serializers.Serializer):
    column = serializers.IntegerField(source="column.position")
    kind = serializers.ChoiceField(
        choices=FigureCellKind.values,
        help_text="suppressed (*) and nil (-) cells have no value: never 0",
    )
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, coerce_to_string=False)
    published = serializers.CharField()


class FigureAxisSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    label = serializers.CharField(allow_blank=True)
    label_missing = serializers.BooleanField()
    is_total = serializers.BooleanField()


class FigureRowSerializer(FigureAxisSerializer):
    cells = FigureCellSerializer(many=True)


class FigureTableSerializer(serializers.ModelSerializer):
    question = serializers.PrimaryKeyRelatedField(read_only=True)
    columns = FigureAxisSerializer(many=True)
    rows = FigureRowSerializer(many=True)

    class Meta:
        model = FigureTable
        fields = ["slug", "caption", "question", "row_heading", "notes", "columns", "rows"]


class CommitmentViewSet(LookupGuard, viewsets.ReadOnlyModelViewSet):
    """Published commitments; filter as on /commitments/ (q, theme, status, owner, plan)."""

    lookup_field = "slug"
    lookup_value_regex = "[^/]+"  # any unknown slug reaches the view: a JSON 404, not an HTML one
    filter_backends = [DjangoFilterBackend]
    filterset_class = CommitmentFilter

    def get_queryset(self):
        return Commitment.objects.published().with_details().order_by("slug")

    def get_serializer_class(self):
        return CommitmentDetailSerializer if self.action == "retrieve" else CommitmentSerializer


class ThemeViewSet(LookupGuard, viewsets.ReadOnlyModelViewSet):
    queryset = Theme.objects.order_by("slug")
    serializer_class = ThemeSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"  # any unknown slug reaches the view: a JSON 404, not an HTML one


class ActionPlanViewSet(LookupGuard, viewsets.ReadOnlyModelViewSet):
    queryset = ActionPlan.objects.order_by("slug")
    serializer_class = ActionPlanSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"  # any unknown slug reaches the view: a JSON 404, not an HTML one


class QuestionViewSet(LookupGuard, viewsets.ReadOnlyModelViewSet):
    """Written questions about IPP or evidencing a published commitment; filter as on /questions/."""

    lookup_value_regex = "[^/]+"
    filter_backends = [DjangoFilterBackend]
    filterset_class = WrittenQuestionFilter

    def get_queryset(self):
        return WrittenQuestion.objects.published().order_by("-date_answered", "-pk")

    def get_serializer_class(self):
        return QuestionDetailSerializer if self.action == "retrieve" else QuestionSerializer


class FigureTableViewSet(LookupGuard, viewsets.ReadOnlyModelViewSet):
    serializer_class = FigureTableSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"  # any unknown slug reaches the view: a JSON 404, not an HTML one

    def get_queryset(self):
        public = WrittenQuestion.objects.published().values("pk")
        return (
            FigureTable.objects.filter(question__in=public)
            .prefetch_related("columns", "rows__cells__column")
            .order_by("slug")
        )


class RecommendationViewSet(LookupGuard, viewsets.ReadOnlyModelViewSet):
    """Outside recommendations, the government's response and what became of each; filter as on
    /recommendations/ (verdict, made_by). Never promises: those are /commitments/."""

    lookup_field = "slug"
    lookup_value_regex = "[^/]+"  # any unknown slug reaches the view: a JSON 404, not an HTML one
    filter_backends = [DjangoFilterBackend]
    filterset_class = RecommendationFilter

    def get_queryset(self):
        return public_recommendations().order_by("slug")

    def get_serializer_class(self):
        return RecommendationDetailSerializer if self.action == "retrieve" else RecommendationSerializer


router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("commitments", CommitmentViewSet, basename="commitment")
router.register("themes", ThemeViewSet, basename="theme")
router.register("action-plans", ActionPlanViewSet, basename="action-plan")
router.register("questions", QuestionViewSet, basename="question")
router.register("figure-tables", FigureTableViewSet, basename="figure-table")
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("deadlines", DeadlineViewSet, basename="deadline")
