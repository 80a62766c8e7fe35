"""Reading a `?page=` value (one rule for the list pages and the JSON API), and counting a list."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from .cache import PerDataVersion

# More digits than any page there will be, and far fewer than int()'s limit (4,300) on a string, which
# the paginators downstream also call on the raw value.
MOST_DIGITS = 18


def page_number(value: str) -> int | None:
    """The page a `?page=` value asks for, or None when it is not a page number: ASCII digits only,
    1 or more. str.isdigit() alone also passes "²" and "⑤", which int() then refuses (a 500), and
    int() reads "٣" (Arabic-Indic three) as 3; none of them is a page number in a URL."""
    if not (value.isascii() and value.isdigit()) or len(value) > MOST_DIGITS:
        return None
    return int(value) or None


class CountPerDataVersionPaginator(Paginator):
    """A list's count, remembered per data version for its filters (the SQL and its parameters):
    each sort order and page of a filtered list is a page of its own to the page cache, but they
    share one count, which on the answers list is an index scan of 50,000 entries."""

    _counts: PerDataVersion[int] = PerDataVersion()

    @cached_property
    def count(self) -> int:
        # django-tables2 hands over its rows; their data is its wrapper of the view's queryset.
        queryset = getattr(getattr(self.object_list, "data", None), "data", None)
        if not isinstance(queryset, QuerySet):
            return super().count
        try:
            sql, params = queryset.order_by().query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing; the count says so without a query
            return super().count
        return self._counts.get((queryset.db, sql, repr(params)), queryset.count)
