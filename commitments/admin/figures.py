"""Figure tables, with their row and column labels editable so a label the source lost can be restored."""

from django.contrib import admin

from ..models import FigureCell, FigureColumn, FigureRow, FigureTable
from .base import HistoryAdmin


class FigureRowInline(admin.TabularInline):
    model = FigureRow
    extra = 0
    fields = ["position", "label", "label_missing", "is_total"]


class FigureColumnInline(admin.TabularInline):
    model = FigureColumn
    extra = 0
    fields = ["position", "label", "label_missing", "is_total"]


@admin.register(FigureTable)
class FigureTableAdmin(HistoryAdmin):
    list_display = ["caption", "question", "created_at"]
    search_fields = ["caption", "question__uin"]
    autocomplete_fields = ["question"]
    date_hierarchy = "created_at"
    inlines = [FigureColumnInline, FigureRowInline]


@admin.register(FigureCell)
class FigureCellAdmin(admin.ModelAdmin):
    list_display = ["row", "column", "kind", "value", "published"]
    list_filter = ["kind", "row__table"]
    search_fields = ["row__label", "column__label", "published"]
    list_select_related = ["row", "column"]


@admin.register(FigureRow, FigureColumn)
class FigureAxisLabelAdmin(HistoryAdmin):
    """Row and column labels, editable so a label the source lost can be restored with a source."""

    list_display = ["display_label", "table", "position", "label_missing", "is_total"]
    list_filter = ["label_missing", "is_total", "table"]
    search_fields = ["label", "table__caption"]
    list_select_related = ["table"]
