"""Public pages: each view picks a queryset, a table and a filter; rules live elsewhere. The
subscription pages at the end are the only ones that write, each through commitments.digests."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.paginator import InvalidPage
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from rest_framework.throttling import BaseThrottle

from . import digests
from .charts import figure_column_charts, status_bar
from .exceptions import DigestLinkError, DigestLinkExpired, DigestLinkUnknown
from .filters import CommitmentFilter, WrittenQuestionFilter
from .forms import DigestChoicesForm, SubscribeForm
from .models import (
    Commitment,
    Evidence,
    FigureCell,
    FigureRow,
    FigureTable,
    RecheckRun,
    Status,
    StatusChange,
    Theme,
    WrittenQuestion,
)
from .querysets import RECENT_EVIDENCE_DAYS
from .tables import CommitmentTable, WrittenQuestionTable

logger = logging.getLogger(__name__)

PER_PAGE = 25


class HomeView(TemplateView):
    """Progress at a glance: commitments by status, the latest changes and evidence, the themes."""

    template_name = "commitments/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(Commitment.objects.published().order_by().values_list("status").annotate(n=Count("pk")))
        context["status_counts"] = [(status, counts.get(status.value, 0)) for status in Status]
        context["segments"] = status_bar(counts)
        context["total"] = sum(counts.values())
        context["latest_changes"] = StatusChange.objects.published().for_display().newest_first()[:6]
        context["latest_evidence"] = (
            Evidence.objects.published().for_display().order_by("-reviewed_at", "-pk")[:6]
        )
        context["themes"] = Theme.objects.annotate(
            n=Count("commitments", filter=Q(commitments__is_published=True))
        ).filter(n__gt=0)
        return context


class ValidatedListMixin(SingleTableMixin):
    """Filters and sort kept in the URL. An unknown sort column or an invalid filter value answers
    400 with the reason on the page; a page number out of range is a 404. Never a silent guess."""

    table_pagination = {"per_page": PER_PAGE, "silent": False}

    def get(self, request, *args, **kwargs):
        page = request.GET.get("page")
        if page is not None and not (page.isdigit() and int(page) > 0):
            raise Http404("No such page of results.")
        request.GET = request.GET.copy()
        request.GET.pop("per_page", None)  # the page size is ours to choose
        sort = request.GET.get("sort", "")
        orderable = {column.name for column in self.table_class([]).columns if column.orderable}
        self.sort_error = (
            f"“{sort}” is not a column you can sort by." if sort and sort.lstrip("-") not in orderable else ""
        )
        response = super().get(request, *args, **kwargs)
        if self.sort_error or (self.filterset.is_bound and not self.filterset.is_valid()):
            response.status_code = 400
        return response

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
        return context


class CommitmentListView(ValidatedListMixin, FilterView):
    table_class = CommitmentTable
    filterset_class = CommitmentFilter
    template_name = "commitments/commitment_list.html"

    def get_queryset(self):
        return Commitment.objects.for_list().order_by("theme__name", "title")


class CommitmentDetailView(DetailView):
    template_name = "commitments/commitment_detail.html"
    context_object_name = "commitment"

    def get_queryset(self):
        return Commitment.objects.published().select_related("theme").prefetch_related("action_plans")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        commitment = self.object
        changes = list(commitment.status_changes.select_related("question").order_by("effective_on", "pk"))
        evidence = list(commitment.evidence.confirmed().select_related("question"))
        context["timeline"] = timeline(changes, evidence)
        context["evidence"] = evidence
        # An answer whose exact date is unknown counts from the date it is known to come after.
        answered = [e.question.date_answered or e.question.answered_after for e in evidence]
        latest = max(filter(None, answered), default=None)
        context["latest_evidence_on"] = latest
        context["no_recent_evidence"] = latest is None or latest < timezone.localdate() - timedelta(
            days=RECENT_EVIDENCE_DAYS
        )
        return context


def timeline(changes: list[StatusChange], evidence: list[Evidence]) -> list[dict]:
    """Status changes and confirmed evidence in one chronological list (undated evidence last)."""
    entries = [{"kind": "status", "date": change.effective_on, "change": change} for change in changes]
    entries += [
        {"kind": "evidence", "date": item.question.date_answered, "evidence": item} for item in evidence
    ]
    return sorted(entries, key=lambda entry: (entry["date"] is None, entry["date"] or timezone.localdate()))


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
    template_name = "commitments/question_list.html"

    def get_queryset(self):
        # Matches the index: questions still awaiting an answer first, then the newest answers.
        return WrittenQuestion.objects.published().order_by("-date_answered", "-pk")


class QuestionDetailView(DetailView):
    template_name = "commitments/question_detail.html"
    context_object_name = "question"

    def get_queryset(self):
        return WrittenQuestion.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        question = self.object
        context["evidence"] = (
            question.evidence.published().select_related("commitment").order_by("commitment__title")
        )
        context["events"] = question.events.order_by("occurred_on", "observed_at")
        context["figure_tables"] = question.figure_tables.all()
        return context


class FigureTableView(DetailView):
    template_name = "commitments/figure_table.html"
    context_object_name = "table"

    def get_object(self, queryset=None):
        cells = FigureCell.objects.select_related("column").order_by("column__position")
        rows = FigureRow.objects.order_by("position").prefetch_related(Prefetch("cells", queryset=cells))
        queryset = FigureTable.objects.select_related("question").prefetch_related(
            "columns", Prefetch("rows", queryset=rows)
        )
        table = get_object_or_404(queryset, slug=self.kwargs["slug"])
        if not WrittenQuestion.objects.published().filter(pk=table.question_id).exists():
            raise Http404("No such figure table.")
        return table

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = self.object
        columns = list(table.columns.all())
        context["columns"] = columns
        context["rows"] = [(row, list(row.cells.all())) for row in table.rows.all()]
        context["charts"] = figure_column_charts(table)
        return context


class AboutView(TemplateView):
    template_name = "commitments/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["last_recheck"] = RecheckRun.objects.succeeded().order_by("-finished_at").first()
        context["recent_days"] = RECENT_EVIDENCE_DAYS
        context["statuses"] = Status
        return context


@transaction.non_atomic_requests
def healthz(request):
    """Cheap liveness check: no database, no cache."""
    return HttpResponse("ok", content_type="text/plain")


class ApiDocsView(TemplateView):
    template_name = "commitments/api_docs.html"


ROBOTS = """User-agent: *
Disallow: /{admin}
Disallow: /exports/
Sitemap: {sitemap}
"""


@transaction.non_atomic_requests
def robots_txt(request):
    sitemap = request.build_absolute_uri("/sitemap.xml")
    return HttpResponse(ROBOTS.format(admin=settings.ADMIN_URL, sitemap=sitemap), content_type="text/plain")


@transaction.non_atomic_requests
def readyz(request):
    """Ready when the database and Redis answer and every migration is applied; 503 naming what
    is not. The detail (hosts, driver errors) goes to the log, not to whoever asked."""
    from django.http import JsonResponse

    from .readiness import PUBLIC_REASONS, problems

    failing = problems()
    if failing:
        logger.warning("Not ready: %s", failing)
    public = {name: PUBLIC_REASONS[name] for name in failing}
    return JsonResponse({"ready": not failing, "problems": public}, status=503 if failing else 200)


# -- Email digests: never cached, never given an ETag (see public_cache.UNCONDITIONAL_PREFIXES) ------


def _client_ip(request) -> str:
    """The client's address as the JSON API's throttle sees it: the last X-Forwarded-For hop behind
    our proxy (REST_FRAMEWORK NUM_PROXIES, set by BEHIND_TLS_PROXY), REMOTE_ADDR otherwise."""
    return BaseThrottle().get_ident(request)


def _link_error_page(request, error: DigestLinkError):
    if isinstance(error, DigestLinkExpired):
        template, status = "commitments/subscribe/link_expired.html", 410
    elif isinstance(error, DigestLinkUnknown):
        template, status = "commitments/subscribe/link_unknown.html", 404
    else:
        template, status = "commitments/subscribe/link_invalid.html", 400
    return render(request, template, {"message": str(error)}, status=status)


@never_cache
def subscribe_view(request):
    """The form. Every valid request gets the same redirect, subscribed already or not."""
    form = SubscribeForm(request.POST or None)
    if request.method == "POST":
        email = request.POST.get("email", "")
        if not digests.allow_subscribe_request(email=email, client_ip=_client_ip(request)):
            return render(request, "commitments/subscribe/rate_limited.html", status=429)
        if form.is_valid():
            digests.subscribe(
                email=form.cleaned_data["email"],
                frequency=form.cleaned_data["frequency"],
                themes=form.cleaned_data["themes"],
            )
            return redirect("commitments:subscribe_sent")
    status = 400 if form.is_bound else 200
    return render(request, "commitments/subscribe/form.html", {"form": form}, status=status)


@never_cache
def subscribe_sent_view(request):
    return render(request, "commitments/subscribe/sent.html")


@never_cache
def confirm_view(request, signed: str):
    """GET shows a button; the POST confirms, so a mail scanner following links confirms nothing."""
    try:
        subscriber = digests.subscriber_from_link(signed, purpose=digests.CONFIRM)
    except DigestLinkError as error:
        return _link_error_page(request, error)
    found = digests.confirm_subscriber(subscriber) if request.method == "POST" else None
    if found == "unsubscribed" or (found is None and subscriber.state == "unsubscribed"):
        return _link_error_page(request, DigestLinkUnknown("This link is no longer valid."))
    return render(
        request,
        "commitments/subscribe/confirm.html",
        {
            "subscriber": subscriber,
            "found": found,
            "manage_url": reverse(
                "commitments:subscriber_preferences", args=[digests.sign_token(subscriber, digests.MANAGE)]
            ),
        },
    )


@never_cache
def preferences_view(request, signed: str):
    try:
        subscriber = digests.subscriber_from_link(signed, purpose=digests.MANAGE)
    except DigestLinkError as error:
        return _link_error_page(request, error)
    if subscriber.state == "unsubscribed":
        return _link_error_page(request, DigestLinkUnknown("This link is no longer valid."))
    initial = {
        "frequency": subscriber.frequency,
        "themes": [] if subscriber.all_themes else subscriber.themes.all(),
    }
    form = DigestChoicesForm(request.POST or None, initial=initial)
    saved = False
    if request.method == "POST" and form.is_valid():
        digests.update_preferences(
            subscriber, frequency=form.cleaned_data["frequency"], themes=form.cleaned_data["themes"]
        )
        saved = True
    context = {
        "form": form,
        "subscriber": subscriber,
        "saved": saved,
        "unsubscribe_path": reverse(
            "commitments:unsubscribe", args=[digests.sign_token(subscriber, digests.UNSUBSCRIBE)]
        ),
    }
    return render(
        request, "commitments/subscribe/preferences.html", context, status=400 if form.errors else 200
    )


@csrf_exempt  # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" with no cookie or token
@never_cache
def unsubscribe_view(request, signed: str):
    """GET asks (link scanners must not unsubscribe anyone); a single POST unsubscribes."""
    try:
        subscriber = digests.subscriber_from_link(signed, purpose=digests.UNSUBSCRIBE)
    except DigestLinkError as error:
        return _link_error_page(request, error)
    if request.method == "POST":
        digests.unsubscribe(subscriber)
    return render(
        request,
        "commitments/subscribe/unsubscribe.html",
        {"done": subscriber.state == "unsubscribed"},
    )
