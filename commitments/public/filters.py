"""Query-string filters for the public lists; invalid values come back as the form's own errors."""

import django_filters
from django import forms
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from ..models import (
    ActionPlan,
    Commitment,
    EvidenceState,
    House,
    Recommendation,
    ResponseVerdict,
    Status,
    Theme,
    WrittenQuestion,
)
from .cache import PerDataVersion, per_data_version
from .widgets import PlainSelect


@extend_schema_field(OpenApiTypes.STR)
class SlugFilter(django_filters.ModelChoiceFilter):
    """A choice of object given by its slug (documented in the API schema as a string)."""


class PublicFilterSet(django_filters.FilterSet):
    """The options of a filter that chooses among objects (themes, plan versions, 300 commitments)
    are read once per data version, not on every page: each distinct filter is a page-cache miss,
    and building 300 model instances for one `<select>` was a fifth of the answers list's time.
    A chosen value is still checked against the database when the form is cleaned."""

    _options: PerDataVersion[list[tuple[str, str]]] = PerDataVersion()

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name, field in form.fields.items():
                if isinstance(field, forms.ModelChoiceField):
                    field.widget.choices = self._options.get(
                        (type(self).__name__, name),
                        lambda field=field: [(str(value), label) for value, label in field.choices],
                    )
        return self._form


@per_data_version
def published_owners() -> list[str]:
    owners = (
        Commitment.objects.published().exclude(owner="").order_by("owner").values_list("owner", flat=True)
    )
    return list(dict.fromkeys(owners))


class CommitmentFilter(PublicFilterSet):
    q = django_filters.CharFilter(
        method="search", label="Search", widget=forms.TextInput(attrs={"type": "search"})
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.all(), to_field_name="slug", empty_label="Any theme", widget=PlainSelect
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status", widget=PlainSelect)
    owner = django_filters.ChoiceFilter(choices=[], empty_label="Any owner", widget=PlainSelect)
    plan = django_filters.ModelChoiceFilter(
        field_name="action_plans",
        queryset=ActionPlan.objects.all(),
        to_field_name="slug",
        empty_label="Any plan version",
        label="Plan version",
        widget=PlainSelect,
    )

    evidence = django_filters.ChoiceFilter(
        method="evidence_recency",
        choices=[("stale", "None for over a year (open commitments)")],
        empty_label="Any",
        label="Evidence",
        widget=PlainSelect,
    )

    class Meta:
        model = Commitment
        fields = ["q", "theme", "status", "owner", "plan", "evidence"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].extra["choices"] = [(owner, owner) for owner in published_owners()]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(summary__icontains=value) | Q(owner__icontains=value)
        )

    def evidence_recency(self, queryset, name, value):
        """Needs the recency annotation (CommitmentQuerySet.with_evidence_recency) on `queryset`."""
        return queryset.filter(no_recent_evidence=True)


class WrittenQuestionFilter(PublicFilterSet):
    q = django_filters.CharFilter(
        method="search", label="Search", widget=forms.TextInput(attrs={"type": "search"})
    )
    house = django_filters.ChoiceFilter(choices=House.choices, empty_label="Both Houses", widget=PlainSelect)
    answered_from = django_filters.DateFilter(
        field_name="date_answered",
        lookup_expr="gte",
        label="Answered from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    answered_to = django_filters.DateFilter(
        field_name="date_answered",
        lookup_expr="lte",
        label="Answered to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    commitment = SlugFilter(
        method="evidencing",
        # Only what an option shows: 300 commitments' keywords and targets are JSON to decode.
        queryset=Commitment.objects.published().only("pk", "slug", "title").order_by("title"),
        to_field_name="slug",
        empty_label="Any commitment",
        label="Evidence for",
        widget=PlainSelect,
    )

    class Meta:
        model = WrittenQuestion
        fields = ["q", "house", "answered_from", "answered_to", "commitment"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(uin__iexact=value)
            | Q(heading__icontains=value)
            | Q(question_text__icontains=value)
            | Q(answer_text__icontains=value)
        )

    def evidencing(self, queryset, name, value):
        return queryset.filter(evidence__commitment=value, evidence__state=EvidenceState.CONFIRMED)


def recommenders() -> list[str]:
    """Who made the published recommendations, for the "Made by" filter: a dozen rows, read with
    the page (the page itself is cached whole)."""
    made_by = Recommendation.objects.published().order_by("made_by").values_list("made_by", flat=True)
    return list(dict.fromkeys(made_by))


@extend_schema_field(OpenApiTypes.STR)
class NameFilter(django_filters.ChoiceFilter):
    """One of the names in the data, e.g. who made a recommendation (documented as a string: the
    names are the data's, not a fixed set)."""


class RecommendationFilter(PublicFilterSet):
    verdict = django_filters.ChoiceFilter(
        choices=ResponseVerdict.choices,
        empty_label="Any response",
        label="Government response",
        widget=PlainSelect,
    )
    made_by = NameFilter(choices=[], empty_label="Anyone", label="Made by", widget=PlainSelect)

    class Meta:
        model = Recommendation
        fields = ["verdict", "made_by"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        made_by = self.filters["made_by"]
        made_by.extra["choices"] = [(name, name) for name in recommenders()]
        # A form field built before (the API schema builds one, with no choices) is built again.
        made_by.__dict__.pop("_field", None)
