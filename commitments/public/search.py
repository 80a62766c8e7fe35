"""Site search: the search page and its result groups, bounded, time-limited and rate-limited."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import InvalidPage
from django.db.models.functions import Left
from django.http import Http404
from django.views.generic import TemplateView

from ..exceptions import SearchTooSlow
from ..models import Commitment, HansardContribution, Publication, WrittenQuestion, WrittenStatement
from ..models.evidence_source import published_on, spoken_heading
from ..models.search import SEARCH_CANDIDATES, search_time_limit
from ..ops.rate_limits import client_address, within_limits
from ..sources import name_source, resolve_source
from .forms import SearchForm, SearchKind
from .pagination import CappedPaginator, page_number
from .site_wide import source_copies

# One kind of result paged through, best match first: a reader reads the top of a ranking, so
# its pages stay short (the lists show up to views.PER_PAGE rows on a page).
SEARCH_PER_PAGE = 25
# Results of each kind shown together on a search's first page, before "all N commitments".
SEARCH_GROUP_SIZE = 10
# Searches per client are counted in windows this long (SEARCH_LIMIT_PER_MINUTE).
SEARCH_RATE_WINDOW_SECONDS = 60


class SearchView(TemplateView):
    """Commitments, written answers, written ministerial statements, Hansard contributions and
    GOV.UK publications matching the reader's words, grouped by kind, best first.

    `?q=` holds the words and `?kind=` one group to page through (`commitments`, `answers`,
    `statements`, `contributions` or `publications`); without a kind every group shows its first
    results. Queries: none without words, else the candidates and a count per kind and one page per
    group shown, all under the search statement timeout. An over-long query is a 400 with the
    reason; a page that is not one, or past the last, a 404; a client past
    SEARCH_LIMIT_PER_MINUTE a 429, and a search stopped by the timeout a 503, each with a page
    saying why and what to do."""

    template_name = "commitments/search.html"

    @classmethod
    def query_parameters(cls) -> frozenset[str]:
        return frozenset(["q", "kind", "page"])

    @classmethod
    def free_text_parameters(cls) -> frozenset[str]:
        """A reader's words: never a page a shared cache keeps (public/cache.py)."""
        return frozenset(["q"])

    def get(self, request, *args, **kwargs):
        form = SearchForm(request.GET)
        number = page_number(request.GET.get("page", "1"))
        if number is None:
            raise Http404("No such page of results.")
        context = self.get_context_data(form=form, words="", groups=[], cap=SEARCH_CANDIDATES)
        if not form.is_valid():
            return self.render_to_response(context, status=400)
        words, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
        if kind == SearchKind.ALL and number != 1:
            raise Http404("No such page of results.")
        context["words"], context["kind"] = words, kind
        if not words:
            return self.render_to_response(context)
        # Counted only when there is a search to run: the empty search page costs nothing.
        limit = [(f"search-rate:ip:{client_address(request)}", settings.SEARCH_LIMIT_PER_MINUTE)]
        if not within_limits(limit, window_seconds=SEARCH_RATE_WINDOW_SECONDS):
            context["rate_limited"], context["search_limit"] = True, settings.SEARCH_LIMIT_PER_MINUTE
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(SEARCH_RATE_WINDOW_SECONDS)
            return response
        try:
            context["groups"] = search_groups(words, kind=kind, number=number)
        except SearchTooSlow:
            context["too_slow"] = True
            response = self.render_to_response(context, status=503)
            response["Retry-After"] = "60"
            return response
        context["total"] = sum(group["count"] for group in context["groups"])
        context["more"] = any(group["more"] for group in context["groups"])
        return self.render_to_response(context)


def search_groups(words: str, *, kind: str, number: int) -> list[dict]:
    """The result groups for one search: each with its kind, label, noun (singular or plural, for
    the sentence counting them), count (at most SEARCH_CANDIDATES, `more` when there were more) and
    (when shown) page, read in full under the search statement timeout (SearchTooSlow when it ran
    out). A statement, contribution or publication on a page carries its `heading` (what, where,
    when, whose) and `link` (see _name_spoken, _name_published)."""
    groups = []
    with search_time_limit():  # a search reads its candidates at once (models/search.py)
        found = {
            SearchKind.COMMITMENTS: Commitment.objects.published()
            .select_related("theme")
            .defer("search_vector")
            .search(words),
            # The start of each question, not its whole text: enough to say what it asked.
            SearchKind.ANSWERS: WrittenQuestion.objects.published()
            .for_list()
            .annotate(question_start=Left("question_text", 400))
            .search(words),
            SearchKind.STATEMENTS: WrittenStatement.objects.published().for_list().search(words),
            SearchKind.CONTRIBUTIONS: HansardContribution.objects.published().for_list().search(words),
            SearchKind.PUBLICATIONS: Publication.objects.published().for_list().search(words),
        }
        for group_kind, label in SearchKind.CHOICES[1:]:
            paginator = CappedPaginator(
                found[group_kind], SEARCH_PER_PAGE if kind else SEARCH_GROUP_SIZE, cap=SEARCH_CANDIDATES
            )
            group = {"kind": group_kind, "label": label, "count": paginator.count, "page": None}
            group["more"] = paginator.more_than_cap
            one, many = SearchKind.NOUNS[group_kind]
            group["noun"] = one if paginator.count == 1 and not group["more"] else many
            if kind in (SearchKind.ALL, group_kind):
                try:
                    group["page"] = paginator.page(number)
                except InvalidPage:
                    raise Http404("No such page of results.") from None
                # Read now, inside the time limit, not later by the template.
                group["page"].object_list = list(group["page"].object_list)
                for item in group["page"].object_list:
                    if group_kind in (SearchKind.STATEMENTS, SearchKind.CONTRIBUTIONS):
                        _name_spoken(item, group_kind)
                    elif group_kind == SearchKind.PUBLICATIONS:
                        _name_published(item)
            groups.append(group)
    return groups


def _name_spoken(item, kind: str) -> None:
    """What a statement's or contribution's result shows: `name` (its title, or its debate's),
    `heading` (what, where, when, whose) and `link`, its official page first
    (sources.resolve_source): neither has a page on this site."""
    if kind == SearchKind.STATEMENTS:
        item.name = item.title or f"Written ministerial statement {item.uin}"
    else:
        item.name = item.debate or "Hansard contribution"
    item.heading = spoken_heading(item)
    item.link = resolve_source(item.citation_url, source_copies()).primary


def _name_published(item) -> None:
    """What a publication's result shows: `name` (its title), `heading` (when GOV.UK published and
    last updated it) and `link`, its GOV.UK page: an official address, so the source rule has no
    copy to read (it has no page on this site either)."""
    item.name = item.title
    item.heading = published_on(item)
    item.link = name_source(item.official_url)
