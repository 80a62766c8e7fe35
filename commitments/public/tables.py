"""Public tables: column formatting lives here, not in templates or views."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import django_tables2 as tables
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django_tables2.utils import A, AttributeDict

from ..models import Commitment, Recommendation, WrittenQuestion
from ..models.evidence_source import answer_date


class UKDateColumn(tables.Column):
    """A date as "3 Dec 2026". django-tables2's DateColumn compiles a template for every cell."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_date(value, "j M Y")


class AnswerDateColumn(UKDateColumn):
    """When an answer was given, in the one wording (evidence_source.answer_date), short."""

    empty_values = ()

    def render(self, value, record):
        return capfirst(answer_date(record, verb=False, short=True))


class LastEvidenceColumn(UKDateColumn):
    """When a commitment was last evidenced, "after" when that is only a lower bound."""

    def render(self, value, record):
        return (
            f"After {super().render(value)}"
            if record.latest_evidence_is_lower_bound
            else super().render(value)
        )


STACKED_TABLE_ATTRS = {"class": "data-table stack-table sortable"}


class StackedTable(tables.Table):
    """A table whose body rows are written in one pass, each cell labelled with its column's name
    (below 48rem the CSS stacks a row's cells under those labels).

    django-tables2 renders every cell through its BoundRow: it inspects the signatures of the
    column's render and link callables, recomputes the column's attributes and renders a template,
    for each cell; on the answers list that was half the page's time. Here what does not change from
    row to row is worked out once per column (`_CellWriter`). Columns are still declared once, on the
    table, and headers, sorting and pagination are still django-tables2's (table.html)."""

    def body_rows(self) -> list[SafeString]:
        writers = [_CellWriter(self, column) for column in self.columns]
        return [
            mark_safe("<tr>" + "".join(write(row.record) for write in writers) + "</tr>")
            for row in self.paginated_rows
        ]


class _CellWriter:
    """One column's `<td>` for any record: the value its accessor finds (a choice field's display
    text, as django-tables2 gives), the column's default when that is empty, else the column's
    `render` or the table's `render_<name>`, linked when the column is `linkify`-ed. Attributes on a
    column must not be callables of the record here: none of ours are."""

    def __init__(self, table: tables.Table, bound_column) -> None:
        column = bound_column.column
        self.accessor = A(bound_column.accessor)
        self.bound_column = bound_column
        self.empty_values = column.empty_values
        self.default = bound_column.default
        self.link = bound_column.link
        fixed = {"column": column, "bound_column": bound_column, "table": table}
        # A `linkify=<callable>` with no link attributes, as all ours are: its URL function is called
        # directly; any other linkify goes through django-tables2's LinkTransform.
        self.url = None
        if self.link and callable(self.link.url) and not self.link.attrs:
            self.url = _called_with(self.link.url, fixed)
        field = self.accessor.get_field(table._meta.model)
        self.display = bool(getattr(field, "choices", None))
        self.render = _called_with(bound_column.render, fixed)
        self.opening = format_html(
            '<td {} data-label="{}">',
            AttributeDict(bound_column.attrs.get("td", {})).as_html(),
            bound_column.header,
        )

    def __call__(self, record) -> str:
        if self.display:
            owner, name = self.accessor.penultimate(record)
            value = getattr(owner, f"get_{name}_display")() if owner is not None else None
        else:
            value = self.accessor.resolve(record, quiet=True)
        if value in self.empty_values:
            content = self.default
        else:
            content = self.render(value=value, record=record)
            if self.url:
                content = format_html('<a href="{}">{}</a>', self.url(value=value, record=record), content)
            elif self.link:
                content = self.link(content, value=value, record=record, bound_column=self.bound_column)
        return f"{self.opening}{conditional_escape(content)}</td>"


def _called_with(function: Callable, fixed: dict) -> Callable:
    """`function` called with the keyword arguments it accepts, of `value`, `record` and `fixed`,
    decided once from its signature (django-tables2 decides for every cell)."""
    parameters = inspect.signature(function).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    given = {name: value for name, value in fixed.items() if takes_any or name in parameters}
    wanted = {name for name in ("value", "record") if takes_any or name in parameters}

    def call(**cell):
        return function(**given, **{name: cell[name] for name in wanted})

    return call


class CommitmentTable(StackedTable):
    title = tables.Column(linkify=lambda record: reverse("commitments:commitment", args=[record.slug]))
    theme = tables.Column(accessor="theme__name", verbose_name="Theme", order_by=("theme__name",))
    status = tables.Column()
    owner = tables.Column()
    updated = UKDateColumn(accessor="latest_change_on", verbose_name="Status since")
    last_evidence = LastEvidenceColumn(
        accessor="latest_evidence_on", verbose_name="Last evidence", default="None yet"
    )

    class Meta:
        model = Commitment
        fields = ["title", "theme", "status", "owner", "updated", "last_evidence"]
        order_by_field = "sort"
        page_field = "page"
        attrs = STACKED_TABLE_ATTRS
        empty_text = "No commitments match these filters."

    def render_status(self, record):
        return format_html(
            '<span class="status status-{}">{}</span>', record.status, record.get_status_display()
        )


class WrittenQuestionTable(StackedTable):
    reference = tables.Column(
        accessor="uin",
        verbose_name="Question",
        order_by=("house", "uin"),
        attrs={"td": {"class": "nowrap"}},
        linkify=lambda record: reverse("commitments:question", args=[record.pk]),
    )
    heading = tables.Column(verbose_name="Subject", default="Not known")
    asking_member = tables.Column(verbose_name="Asked by", default="Not known")
    house = tables.Column()
    date_answered = AnswerDateColumn(verbose_name="Answered")
    answering_body = tables.Column(verbose_name="Answered by")

    class Meta:
        model = WrittenQuestion
        fields = ["reference", "heading", "asking_member", "house", "date_answered", "answering_body"]
        order_by_field = "sort"
        page_field = "page"
        attrs = STACKED_TABLE_ATTRS
        empty_text = "No written questions match these filters."

    def render_reference(self, record):
        return f"{record.get_house_display()} {record.uin}"

    def order_date_answered(self, queryset, is_descending):
        """By what is known of the date, as the list's own order: an undated answer by the day it is
        known to have come after."""
        ordered = queryset.newest_known_first()
        return (ordered if is_descending else ordered.reverse()), True

    def render_house(self, record):
        return record.house


class RecommendationTable(StackedTable):
    title = tables.Column(
        verbose_name="Recommendation",
        linkify=lambda record: reverse("commitments:recommendation", args=[record.slug]),
    )
    made_by = tables.Column(verbose_name="Made by")
    report = tables.Column(orderable=False)
    report_on = UKDateColumn(verbose_name="Date", default="Not known")
    verdict = tables.Column(verbose_name="Response", order_by=("verdict", "response_on"))

    class Meta:
        model = Recommendation
        # The response's date is on each recommendation's page: a sixth column cut the table at 1024 px.
        fields = ["title", "made_by", "report", "report_on", "verdict"]
        order_by_field = "sort"
        page_field = "page"
        attrs = STACKED_TABLE_ATTRS
        empty_text = "No recommendations match these filters."

    def render_report(self, record):
        number = f", recommendation {record.number}" if record.number else ""
        return f"{record.report}{number}"

    def render_verdict(self, record):
        return verdict_badge(record)


def verdict_badge(recommendation: Recommendation) -> SafeString:
    """The government's response as a badge, with "inferred" beside it when the verdict is a
    reading of the response rather than its own words."""
    inferred = (
        mark_safe(' <span class="inferred">inferred</span>') if recommendation.verdict_is_inferred else ""
    )
    return format_html(
        '<span class="verdict-line"><span class="verdict verdict-{}">{}</span>{}</span>',
        recommendation.verdict,
        recommendation.get_verdict_display(),
        inferred,
    )
