"""GIN indexes for the public search, on PostgreSQL only.

Built here rather than declared in Meta.indexes: SQLite (the embedded demo) has no GIN and no
to_tsvector, and SQLite rebuilds a table with every index its model declares whenever a later
migration alters it. Each expression is a copy of the one the search queries use
(commitments/models/search.py), written out so the migration imports nothing of the app; the
planner uses an index only when they are the same, and tests/test_search.py checks it does."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations


def _commitment_index() -> GinIndex:
    vector = SearchVector("title", weight="A", config="english") + SearchVector(
        "summary", weight="B", config="english"
    )
    return GinIndex(vector, name="commitment_search")


def _question_index() -> GinIndex:
    vector = (
        SearchVector("uin", "heading", weight="A", config="english")
        + SearchVector("question_text", weight="B", config="english")
        + SearchVector("answer_text", weight="C", config="english")
    )
    return GinIndex(vector, name="question_search")


INDEXES = {"commitment": _commitment_index, "writtenquestion": _question_index}


def add_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES.items():
        schema_editor.add_index(apps.get_model("commitments", model_name), index())


def remove_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES.items():
        schema_editor.remove_index(apps.get_model("commitments", model_name), index())


class Migration(migrations.Migration):
    dependencies = [("commitments", "0014_commitment_summary_quoted_from")]

    operations = [migrations.RunPython(add_search_indexes, remove_search_indexes)]
