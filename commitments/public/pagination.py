"""Reading a `?page=` value (one rule for the list pages and the JSON API), and counting a list."""

from __future__ import annotations

from collections.abc import Hashable

from django.core.paginator import Paginator
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
    """A list's count, remembered per data version under `count_key` (the list and its filters):
    each sort order and page of a filtered list is a page of its own to the HTTP cache, but they
    share one count, which on the answers list is an index scan of 50,000 entries. Without a key
    (invalid filters) the count is simply taken."""

    _counts: PerDataVersion[int] = PerDataVersion()

    def __init__(self, *args, count_key: Hashable = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        if self.count_key is None:
            return super().count
        return self._counts.get(self.count_key, lambda: Paginator.count.func(self))


class CappedPaginator(Paginator):
    """Pages through at most `cap` results of a list that may hold `cap` + 1 (a search keeps one
    more than it shows, to tell "exactly 1,000" from "more than 1,000"): `count` stops at the cap
    and `more_than_cap` says whether there were more."""

    def __init__(self, *args, cap: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cap = cap

    @cached_property
    def found(self) -> int:
        return Paginator.count.func(self)

    @cached_property
    def count(self) -> int:
        return min(self.found, self.cap)

    @property
    def more_than_cap(self) -> bool:
        return self.found > self.cap
