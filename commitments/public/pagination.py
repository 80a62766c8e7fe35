"""Reading a `?page=` value: one rule for the list pages and the JSON API."""

from __future__ import annotations

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
