"""Full-text search over commitments, written answers, written ministerial statements, Hansard
contributions and GOV.UK publications: one definition of what is searched.

On PostgreSQL each row stores its weighted English `tsvector` in `search_vector` (so "panels" finds
"panel"), served by a GIN index on that column. A trigger fills it on insert and whenever a searched
column changes, from the very expressions below (migrations 0023_search_vector, for statements and
contributions 0031_spoken_search_vector, for publications 0035_publication_search_vector hold the
SQL copies: change both together; the search tests check the stored vector equals the expression here).
A search never calls `to_tsvector` per row: a word that matches every answer costs an index walk,
not a parse of 50,000 texts.

Bounded for words that match nearly everything: only the first SEARCH_CANDIDATES + 1 matches in a
cheap order (newest answers first) are ever read; those alone are ranked with `ts_rank` and counted,
so a count past SEARCH_CANDIDATES is shown as "more than 1,000". And `search_time_limit()` runs the
search's queries under a statement timeout, so a slow one fails alone (SearchTooSlow) instead of
holding a web worker.

On SQLite, the embedded demo's database, a plain case-insensitive substring match stands in (the
column exists there but stays empty).

The reader's words go through `websearch_to_tsquery`, which never raises a syntax error: quotes,
`or`, `-word`, stray `&|!():*` are read as words or operators and anything else is dropped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import OperationalError, connections, transaction
from django.db.models import F, FloatField, OrderBy, Q, QuerySet, Value

from ..exceptions import SearchTooSlow

CONFIG = "english"
# Matches read per search and kind: ranked, counted, paged. More is "more than 1,000".
SEARCH_CANDIDATES = 1000


def commitment_search_vector() -> SearchVector:
    """A commitment's words: its title counts most, then its summary."""
    return SearchVector("title", weight="A", config=CONFIG) + SearchVector(
        "summary", weight="B", config=CONFIG
    )


def answer_search_vector() -> SearchVector:
    """A written answer's words: its UIN and heading, then the question, then the answer."""
    return (
        SearchVector("uin", "heading", weight="A", config=CONFIG)
        + SearchVector("question_text", weight="B", config=CONFIG)
        + SearchVector("answer_text", weight="C", config=CONFIG)
    )


def statement_search_vector() -> SearchVector:
    """A written statement's words: its UIN and title, then its text, then the minister and role."""
    return (
        SearchVector("uin", "title", weight="A", config=CONFIG)
        + SearchVector("text", weight="B", config=CONFIG)
        + SearchVector("member", "member_role", weight="D", config=CONFIG)
    )


def contribution_search_vector() -> SearchVector:
    """A Hansard contribution's words: its debate's title, then what was said, then who said it."""
    return (
        SearchVector("debate", weight="A", config=CONFIG)
        + SearchVector("text", weight="B", config=CONFIG)
        + SearchVector("member", "attributed_to", weight="D", config=CONFIG)
    )


def publication_search_vector() -> SearchVector:
    """A GOV.UK publication's words: its title, then its description and summary, then the passages
    editors pasted from its attachments."""
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("description", "text", weight="B", config=CONFIG)
        + SearchVector("quoted_passages", weight="C", config=CONFIG)
    )


def full_text_search(
    queryset: QuerySet,
    words: str,
    *,
    candidate_order: Sequence[str | OrderBy],
    fallback_fields: tuple[str, ...],
) -> QuerySet:
    """`queryset` narrowed to rows matching `words`, annotated with `rank` (higher is better).

    On PostgreSQL only the first SEARCH_CANDIDATES + 1 matches in `candidate_order` (an order an
    index serves) are kept and ranked: the result never holds more, so its count is bounded too.
    Those candidates are read when this is called: call it inside `search_time_limit()`.
    The caller orders by `-rank` then its own tie-breaker; on SQLite every rank is 0, so the
    tie-breaker alone orders the results."""
    if connections[queryset.db].vendor == "postgresql":
        query = SearchQuery(words, config=CONFIG, search_type="websearch")
        # Read now, as a list: as a subquery, PostgreSQL joined it to a scan of the whole table
        # (75 ms at 50,000 answers); a list of ids is read through the primary key.
        candidates = list(
            queryset.filter(search_vector=query)
            .order_by(*candidate_order)
            .values_list("pk", flat=True)[: SEARCH_CANDIDATES + 1]
        )
        return queryset.filter(pk__in=candidates).annotate(rank=SearchRank(F("search_vector"), query))
    matches = Q()
    for field in fallback_fields:
        matches |= Q(**{f"{field}__icontains": words})
    return queryset.filter(matches).annotate(rank=Value(0.0, output_field=FloatField()))


@contextmanager
def search_time_limit(using: str = "default") -> Iterator[None]:
    """Run the block's queries in one transaction under SEARCH_STATEMENT_TIMEOUT_MS (PostgreSQL's
    `SET LOCAL statement_timeout`, which ends with the transaction); a query cancelled by it is
    raised as SearchTooSlow. Elsewhere (SQLite) the block just runs in a transaction. Evaluate
    everything the page shows inside the block: a lazy queryset would run after it, unlimited."""
    connection = connections[using]
    try:
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # set_config(..., true) is SET LOCAL with a placeholder.
                    timeout = str(settings.SEARCH_STATEMENT_TIMEOUT_MS)
                    cursor.execute("SELECT set_config('statement_timeout', %s, true)", [timeout])
            yield
    except OperationalError as error:
        if _is_query_cancelled(error):
            raise SearchTooSlow("The search took too long and was stopped.") from error
        raise


def _is_query_cancelled(error: OperationalError) -> bool:
    # SQLSTATE 57014: query_canceled (statement_timeout, or a cancel request).
    return getattr(error.__cause__, "sqlstate", None) == "57014"
