"""GIN indexes for the public search, on PostgreSQL only (models/search.py has the expressions).

Built here rather than declared in Meta.indexes: SQLite (the embedded demo) has no GIN and no
to_tsvector, and SQLite rebuilds a table with every index its model declares whenever a later
migration alters it. The index expression is the one the search queries use, so the planner can
match it; tests/test_search.py checks it does."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from commitments.models.search import answer_search_vector, commitment_search_vector

INDEXES = {
    "commitment": lambda: GinIndex(commitment_search_vector(), name="commitment_search"),
    "writtenquestion": lambda: GinIndex(answer_search_vector(), name="question_search"),
}


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
    dependencies = [("commitments", "0013_follow_commitments_and_alerts")]

    operations = [migrations.RunPython(add_search_indexes, remove_search_indexes)]
