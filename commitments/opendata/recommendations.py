"""Outside recommendations as open data: the API's list and detail, the CSV and the zip's tables,
all built from the one list of fields below, so the JSON and the spreadsheet say the same."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import F, Prefetch
from rest_framework import serializers

from ..models import Commitment, Recommendation, RecommendationDevelopment

# A recommendation's own fields, in the order the CSV writes them.
RECOMMENDATION_FIELDS = ["slug", "title", *Recommendation.RECOMMENDED, *Recommendation.RESPONSE, "note"]
RECOMMENDATION_COLUMNS = [*RECOMMENDATION_FIELDS, "commitments", "url"]
DEVELOPMENT_FIELDS = ["happened_on", "said_by", "quote", "quote_is_complete", "source_url", "note"]
DEVELOPMENT_COLUMNS = ["recommendation", *DEVELOPMENT_FIELDS, "commitment"]


def public_recommendations():
    """Published recommendations with their published commitments and developments at hand."""
    commitments = Commitment.objects.published().only("pk", "slug").order_by("slug")
    developments = RecommendationDevelopment.objects.select_related("commitment").order_by(
        F("happened_on").asc(nulls_last=True), "pk"
    )
    return (
        Recommendation.objects.published()
        .prefetch_related(Prefetch("commitments", queryset=commitments))
        .prefetch_related(Prefetch("developments", queryset=developments))
    )


class PublishedSlugField(serializers.SlugRelatedField):
    """A commitment by slug, or null when it is not (or no longer) public."""

    def to_representation(self, value):
        return super().to_representation(value) if value.is_published else None


class DevelopmentSerializer(serializers.ModelSerializer):
    commitment = PublishedSlugField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The commitment that carried it out, when one did.",
    )
    source_url = serializers.CharField(
        help_text="Where it was read: usually a web address, but sometimes a description of a data "
        "file (e.g. 'github:…'), which is not a link."
    )

    class Meta:
        model = RecommendationDevelopment
        fields = [*DEVELOPMENT_FIELDS, "commitment"]


class RecommendationSerializer(serializers.ModelSerializer):
    commitments = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Recommendation
        fields = [*RECOMMENDATION_FIELDS, "commitments"]


class RecommendationDetailSerializer(RecommendationSerializer):
    developments = DevelopmentSerializer(many=True, read_only=True)

    class Meta(RecommendationSerializer.Meta):
        fields = [*RecommendationSerializer.Meta.fields, "developments"]


def recommendation_rows(queryset) -> Iterator[list]:
    """A row per recommendation of `queryset` (from public_recommendations())."""
    for recommendation in queryset:
        yield [
            *(_cell(getattr(recommendation, name)) for name in RECOMMENDATION_FIELDS),
            "; ".join(commitment.slug for commitment in recommendation.commitments.all()),
            f"/recommendations/{recommendation.slug}/",
        ]


def development_rows() -> Iterator[list]:
    for recommendation in public_recommendations().order_by("slug"):
        for development in recommendation.developments.all():
            commitment = development.commitment
            yield [
                recommendation.slug,
                *(_cell(getattr(development, name)) for name in DEVELOPMENT_FIELDS),
                commitment.slug if commitment and commitment.is_published else "",
            ]


def _cell(value):
    return "" if value is None else value
