"""Public pages: each view picks a queryset, a table and a filter; rules live elsewhere."""

from __future__ import annotations

from functools import cache

import django_filters
from django.conf import settings
from django.core.paginator import InvalidPage
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.html import linebreaks
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from ..models import (
    Commitment,
    Deadline,
    Evidence,
    FigureTable,
    Status,
    StatusChange,
    Theme,
    WrittenQuestion,
)
from ..models.querysets import RECENT_EVIDENCE_DAYS
from ..sources import distinct_sources
from .addresses import canonical_url, filter_query
from .charts import figure_column_charts
from .figure_grids import Grid, answer_with_tables
from .filters import CommitmentFilter, WrittenQuestionFilter
from .pagination import CountPerDataVersionPaginator, page_number
from .site_wide import (
    action_plans_by_commitment,
    evidence_recency,
    home_figures,
    parliament_last_checked,
    recommendations_by_commitment,
    source_copies,
)
from .tables import CommitmentTable, WrittenQuestionTable

# A researcher sees a whole list at once: every list of up to this many rows is one page.
PER_PAGE = 100


class HomeView(TemplateView):
    """Progress at a glance: commitments by status, the latest changes and evidence, the themes."""

    template_name = "commitments/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | home_figures()


@cache
def orderable_columns(table_class: type) -> frozenset[str]:
    """The columns a list can be sorted by: fixed for a table class, so found once, not by
    building an empty table on every request."""
    return frozenset(column.name for column in table_class([]).columns if column.orderable)


class ValidatedListMixin(SingleTableMixin):
    """Filters and sort kept in the URL. An unknown sort column or an invalid filter value answers
    400 with the reason on the page; a page number out of range is a 404. Never a silent guess."""

    table_pagination = {
        "per_page": PER_PAGE,
        "silent": False,
        "paginator_class": CountPerDataVersionPaginator,
    }
    csv_url_name: str  # the open-data export of this list, which takes the same filters

    @classmethod
    def query_parameters(cls) -> frozenset[str]:
        """The parameters that change this page: its filters, its sort and its page number. An
        address carrying any other is not kept by a shared cache (public/cache.py)."""
        meta = cls.table_class._meta
        return frozenset([*cls.filterset_class.base_filters, meta.order_by_field, meta.page_field])

    @classmethod
    def free_text_parameters(cls) -> frozenset[str]:
        """The filters a reader types rather than picks from the page's own links (words, dates):
        any value goes, so a shared cache does not keep pages carrying them (public/cache.py)."""
        typed = (django_filters.CharFilter, django_filters.DateFilter)
        return frozenset(
            name for name, field in cls.filterset_class.base_filters.items() if isinstance(field, typed)
        )

    def get(self, request, *args, **kwargs):
        page = request.GET.get("page")
        if page is not None and page_number(page) is None:
            raise Http404("No such page of results.")
        request.GET = request.GET.copy()
        request.GET.pop("per_page", None)  # the page size is ours to choose
        sort = request.GET.get("sort", "")
        orderable = orderable_columns(self.table_class)
        self.sort_error = (
            f"“{sort}” is not a column you can sort by." if sort and sort.lstrip("-") not in orderable else ""
        )
        response = super().get(request, *args, **kwargs)
        if self.sort_error or (self.filterset.is_bound and not self.filterset.is_valid()):
            response.status_code = 400
        return response

    def get_table_pagination(self, table):
        pagination = dict(super().get_table_pagination(table))
        if not self.filterset.is_bound or self.filterset.is_valid():
            pagination["count_key"] = (type(self).__name__, filter_query(self.filterset))
        return pagination

    def get_table(self, **kwargs):
        if self.sort_error:
            self.request.GET.pop("sort")
        try:
            return super().get_table(**kwargs)
        except InvalidPage:
            raise Http404("No such page of results.") from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sort_error"] = self.sort_error
        context["query_string"] = self.request.GET.urlencode()
        context["filter_query"] = filter_query(self.filterset)
        context["canonical_url"] = canonical_url(self.request, context["filter_query"])
        context["csv_url_name"] = self.csv_url_name
        return context


class CommitmentListView(ValidatedListMixin, FilterView):
    table_class = CommitmentTable
    filterset_class = CommitmentFilter
    csv_url_name = "commitments-csv"
    template_name = "commitments/commitment_list.html"

    def get_queryset(self):
        return Commitment.objects.for_list().order_by("theme__name", "title")


class CommitmentDetailView(DetailView):
    """The commitment as a story: what was promised, where it stands, and the evidence."""

    template_name = "commitments/commitment_detail.html"
    context_object_name = "commitment"

    def get_queryset(self):
        return Commitment.objects.published().select_related("theme").with_record_changed_at()

    def get_object(self, queryset=None):
        commitment = super().get_object(queryset)
        recency = evidence_recency().get(commitment.pk)
        if recency is not None:  # else one newer than the version this request read: it asks itself
            commitment.use_evidence_recency(recency)
        return commitment

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        commitment = self.object
        changes = list(commitment.status_changes.with_named_sources().in_order())
        # The timeline orders them; the model's default order would join the commitment and theme.
        evidence = list(commitment.evidence.confirmed().with_quoted_answers().order_by("pk"))
        context["current_change"] = changes[-1] if changes else None
        context["plans"] = action_plans_by_commitment().get(commitment.pk, [])
        context["recommendations"] = recommendations_by_commitment().get(commitment.pk, [])
        context["timeline"] = timeline(changes, evidence, tables=introduced_tables(evidence))
        context["evidence"] = evidence
        context["wordings"] = list(commitment.wordings.best_first().select_related("action_plan"))
        context["deadlines"] = list(Deadline.objects.for_pages().filter(commitment=commitment))
        context["indicators"] = list(commitment.indicators.published().with_points())
        context["other_sources"] = distinct_sources(commitment.source_urls, source_copies())
        return context


def introduced_tables(evidence: list[Evidence]) -> dict[int, Grid]:
    """The parsed table each quote introduces ("The following table shows…:"), by evidence id,
    drawn as the answer and figure pages draw it.

    A fixed number of queries, and none when no quote introduces a table. An answer's tables are
    numbered in the order they were stored, which is the order they appear in it.
    """
    wanted = {item.pk: item for item in evidence if item.question_id and item.quote.table_index is not None}
    if not wanted:
        return {}
    by_question: dict[int, list[FigureTable]] = {}
    tables = (
        FigureTable.objects.filter(question__in={item.question_id for item in wanted.values()})
        .order_by("pk")
        .with_grid()
    )
    for table in tables:
        by_question.setdefault(table.question_id, []).append(table)
    found = {}
    for pk, item in wanted.items():
        answer_tables = by_question.get(item.question_id, [])
        if item.quote.table_index < len(answer_tables):
            table = answer_tables[item.quote.table_index]
            found[pk] = Grid.from_figure_table(
                table, html_id=f"quoted-table-{pk}", official_url=item.question.official_url
            )
    return found


def timeline(
    changes: list[StatusChange], evidence: list[Evidence], *, tables: dict[int, Grid] | None = None
) -> list[dict]:
    """Status changes and confirmed evidence in one list, newest first.

    An answer whose date is not known is placed by the date it is known to have come after (and
    says so), above that day's other entries; one with nothing known goes last. On one day a status
    change sits above the answer it rests on.
    """
    tables = tables or {}
    entries = [
        {
            "kind": "status",
            "date": change.effective_on,
            "after": False,
            "change": change,
            "rank": (1, change.pk),
        }
        for change in changes
    ]
    for item in evidence:
        after = item.source.day_is_lower_bound
        entries.append(
            {
                "kind": "evidence",
                "date": item.source.day,
                "after": after,
                "evidence": item,
                "table": tables.get(item.pk),
                "rank": (2 if after else 0, item.pk),
            }
        )
    dated = sorted((e for e in entries if e["date"]), key=lambda e: (e["date"], e["rank"]), reverse=True)
    return dated + [entry for entry in entries if not entry["date"]]


class ThemeListView(ListView):
    template_name = "commitments/theme_list.html"
    context_object_name = "themes"

    def get_queryset(self):
        published = Commitment.objects.published().order_by("title")
        return Theme.objects.prefetch_related(Prefetch("commitments", queryset=published))


class ThemeDetailView(DetailView):
    template_name = "commitments/theme_detail.html"
    context_object_name = "theme"
    model = Theme

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["commitments"] = Commitment.objects.for_list().filter(theme=self.object).order_by("title")
        return context


class QuestionListView(ValidatedListMixin, FilterView):
    table_class = WrittenQuestionTable
    filterset_class = WrittenQuestionFilter
    csv_url_name = "questions-csv"
    template_name = "commitments/question_list.html"

    def get_queryset(self):
        # Newest first by what is known of the date: an undated answer by the day it is known to have
        # come after (the page says so), one with nothing known last.
        return WrittenQuestion.objects.published().for_list().newest_known_first()


class QuestionDetailView(DetailView):
    template_name = "commitments/question_detail.html"
    context_object_name = "question"

    def get_queryset(self):
        # The raw API record and the unsanitised HTML stay in the database: the page shows neither.
        return WrittenQuestion.objects.published().defer("source_record", "answer_html", "search_vector")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        question = self.object
        context["evidence"] = question.evidence.published().naming_commitments().order_by("commitment__title")
        context["events"] = question.events.order_by("occurred_on", "observed_at")
        figure_tables = list(question.figure_tables.with_grid().order_by("pk"))
        context["figure_tables"] = figure_tables
        answer = question.answer_html_safe or linebreaks(question.answer_text, autoescape=True)
        context["answer_html"] = answer_with_tables(answer, figure_tables, official_url=question.official_url)
        return context


class FigureTableView(DetailView):
    template_name = "commitments/figure_table.html"
    context_object_name = "table"

    def get_object(self, queryset=None):
        queryset = FigureTable.objects.select_related("question").with_grid()
        table = get_object_or_404(queryset, slug=self.kwargs["slug"])
        if not WrittenQuestion.objects.published().filter(pk=table.question_id).exists():
            raise Http404("No such figure table.")
        return table

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = self.object
        context["grid"] = Grid.from_figure_table(table, official_url=table.question.official_url)
        context["charts"] = figure_column_charts(table)
        context["evidence"] = list(
            table.question.evidence.published().select_related("commitment").order_by("commitment__title")
        )
        return context


class AboutView(TemplateView):
    template_name = "commitments/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["last_checked"] = parliament_last_checked()
        context["recent_days"] = RECENT_EVIDENCE_DAYS
        context["statuses"] = Status
        context["run_by"] = settings.TRACKER_RUN_BY
        context["contact_email"] = settings.CONTACT_EMAIL
        return context
