"""Indicator series and their points, statutory duties and deadlines: curated by editors. A figure
is never edited in place: a revision is a new point that names the one it revises; a cell of an
answer's figure table can be promoted to a point, keeping its answer and cell."""

from django import forms
from django.contrib import admin

from ..editorial.indicators import figure_cell_provenance
from ..exceptions import IndicatorError
from ..models import Deadline, Indicator, IndicatorPoint, StatutoryDuty
from .base import HistoryAdmin


class PointInline(admin.TabularInline):
    """The series' figures, read only here: add or revise one on the points page."""

    model = IndicatorPoint
    fields = ["period_start", "period_end", "value", "source_title", "is_derived", "revises"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    list_display = ["name", "unit", "official_table", "is_headline", "is_published", "position"]
    list_filter = ["is_headline", "is_published", "unit"]
    search_fields = ["name", "slug", "counts", "official_table"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["commitments"]
    inlines = [PointInline]


class PointForm(forms.ModelForm):
    """A point from a figure-table cell takes its number, answer and source from the cell; a
    revision takes its series and period from the figure it revises."""

    class Meta:
        model = IndicatorPoint
        fields = [
            "indicator",
            "period_start",
            "period_end",
            "value",
            "source_title",
            "source_url",
            "note",
            "is_derived",
            "revises",
            "figure_cell",
            "question",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("value", "source_title", "source_url"):
            if name in self.fields:
                self.fields[name].required = False

    def clean(self):
        data = super().clean()
        cell = data.get("figure_cell")
        if cell is not None and not self.instance.pk:
            try:
                provenance = figure_cell_provenance(cell)
            except IndicatorError as error:
                raise forms.ValidationError({"figure_cell": str(error)}) from None
            note = data.get("note") or provenance["note"]
            data.update(provenance, note=note)
            for name, value in data.items():
                setattr(self.instance, name, value)
        earlier = data.get("revises")
        if earlier is not None and not self.instance.pk:
            data.update(
                indicator=earlier.indicator, period_start=earlier.period_start, period_end=earlier.period_end
            )
            for name in ("indicator", "period_start", "period_end"):
                setattr(self.instance, name, data[name])
        for name in ("value", "source_title", "source_url"):
            if data.get(name) in (None, ""):
                self.add_error(name, "Required, unless the figure is promoted from a figure-table cell.")
        return data


@admin.register(IndicatorPoint)
class IndicatorPointAdmin(HistoryAdmin):
    form = PointForm
    list_display = [
        "indicator",
        "period_start",
        "period_end",
        "value",
        "is_derived",
        "source_title",
        "revises",
    ]
    list_filter = ["indicator", "is_derived"]
    search_fields = ["indicator__name", "source_title", "source_url", "note"]
    list_select_related = ["indicator", "revises"]
    raw_id_fields = ["revises", "figure_cell", "question"]
    fieldsets = [
        (
            "The figure",
            {
                "fields": ["indicator", "period_start", "period_end", "value", "is_derived"],
                "description": "Leave the start empty for a figure on one day. To correct a published "
                "figure, add a new point that revises it: the earlier one stays, as history.",
            },
        ),
        ("Its source", {"fields": ["source_title", "source_url", "note"]}),
        (
            "Where it came from",
            {
                "fields": ["revises", "figure_cell", "question"],
                "description": "Revises: the figure this one replaces (its series and period are used). "
                "Figure cell: a number from an answer's table, whose value, answer and source are used.",
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # A saved figure is never overwritten: only its source's wording and note may be corrected.
        if obj is not None:
            return ["indicator", "period_start", "period_end", "value", "revises", "figure_cell", "question"]
        return []


@admin.register(StatutoryDuty)
class StatutoryDutyAdmin(HistoryAdmin):
    list_display = ["name", "provision", "in_force_on", "commitment"]
    search_fields = ["name", "provision", "rule"]
    autocomplete_fields = ["commitment"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Deadline)
class DeadlineAdmin(HistoryAdmin):
    list_display = ["__str__", "due_on", "date_claimed_by", "delivered_on", "standing_text", "is_published"]
    list_filter = ["date_claimed_by", "is_published", "duty"]
    search_fields = ["promise", "said_by", "commitment__title", "action_plan__title", "note"]
    list_select_related = ["commitment", "action_plan"]
    autocomplete_fields = ["commitment", "duty"]
    fieldsets = [
        (None, {"fields": ["commitment", "action_plan", "duty", "occurrence", "is_published"]}),
        (
            "The promise",
            {
                "fields": [
                    "promise",
                    "promise_is_verbatim",
                    "due_on",
                    "date_claimed_by",
                    "said_on",
                    "said_by",
                    "source_url",
                ],
                "description": "The promise in the source's own words, verbatim (untick for a summary). "
                "Leave the date empty when none was promised. A date only a third party gives is marked so.",
            },
        ),
        ("Delivery", {"fields": ["delivered_on", "delivered_how", "delivered_source_url", "note"]}),
    ]

    @admin.display(description="Standing today")
    def standing_text(self, obj: Deadline) -> str:
        return obj.standing().text
