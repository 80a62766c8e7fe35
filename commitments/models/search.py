"""Full-text search over commitments and written answers: one definition of what is searched.

On PostgreSQL each model is matched against a weighted English `tsvector` (so "panels" finds
"panel"), ranked with `ts_rank`, and served by a GIN expression index over the very same
expression (migration 0015 holds a copy of each: change both together; a test checks the planner
uses the indexes).
On SQLite, the embedded demo's database, a plain case-insensitive substring match stands in.

The reader's words go through `websearch_to_tsquery`, which never raises a syntax error: quotes,
`or`, `-word`, stray `&|!():*` are read as words or operators and anything else is dropped.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import FloatField, Q, QuerySet, Value

CONFIG = "english"


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


def full_text_search(
    queryset: QuerySet, words: str, *, vector: SearchVector, fallback_fields: tuple[str, ...]
) -> QuerySet:
    """`queryset` narrowed to rows matching `words`, annotated with `rank` (higher is better).

    The caller orders by `-rank` then its own tie-breaker; on SQLite every rank is 0, so the
    tie-breaker alone orders the results."""
    if connections[queryset.db].vendor == "postgresql":
        query = SearchQuery(words, config=CONFIG, search_type="websearch")
        return queryset.alias(search=vector).filter(search=query).annotate(rank=SearchRank(vector, query))
    matches = Q()
    for field in fallback_fields:
        matches |= Q(**{f"{field}__icontains": words})
    return queryset.filter(matches).annotate(rank=Value(0.0, output_field=FloatField()))
