"""A stored search vector per commitment and written answer, kept by a trigger, with a GIN index.

The trigger and indexes exist on PostgreSQL only: SQLite (the embedded demo) has no tsvector, no
GIN and no to_tsvector, so there the column is added and stays empty (search falls back to a
substring match). Each SQL expression is a copy of the SearchVector in commitments/models/search.py,
written out so the migration imports nothing of the app; tests/test_search.py checks the stored
vector equals it.

The trigger fires on insert, and on update when a searched column changed or when an UPDATE
wrote the vector itself (Django's save() writes back whatever value the instance holds): the
stored vector is always the one computed from the row. The expression indexes of 0015 are dropped:
the queries no longer use them, and they cost every write a second parse of the text.

Backfilling parses every row once: about a minute at 50,000 answers (see docs/operations.md)."""

import django.contrib.postgres.search
from django.db import migrations

VECTORS = {
    "commitments_commitment": (
        "setweight(to_tsvector('english'::regconfig, COALESCE(NEW.title, '')), 'A')"
        " || setweight(to_tsvector('english'::regconfig, COALESCE(NEW.summary, '')), 'B')",
        ["title", "summary"],
        "commitment_search_vector",
    ),
    "commitments_writtenquestion": (
        "setweight(to_tsvector('english'::regconfig,"
        " COALESCE(NEW.uin, '') || ' ' || COALESCE(NEW.heading, '')), 'A')"
        " || setweight(to_tsvector('english'::regconfig, COALESCE(NEW.question_text, '')), 'B')"
        " || setweight(to_tsvector('english'::regconfig, COALESCE(NEW.answer_text, '')), 'C')",
        ["uin", "heading", "question_text", "answer_text"],
        "question_search_vector",
    ),
}

OLD_INDEXES = {
    "commitments_commitment": (
        "commitment_search",
        "(setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')"
        " || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B'))",
    ),
    "commitments_writtenquestion": (
        "question_search",
        "(setweight(to_tsvector('english'::regconfig,"
        " COALESCE(uin, '') || ' ' || COALESCE(heading, '')), 'A')"
        " || setweight(to_tsvector('english'::regconfig, COALESCE(question_text, '')), 'B')"
        " || setweight(to_tsvector('english'::regconfig, COALESCE(answer_text, '')), 'C'))",
    ),
}


def install_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (vector, columns, index) in VECTORS.items():
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in [*columns, "search_vector"])
        schema_editor.execute(
            f"""
            CREATE FUNCTION {table}_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.search_vector := {vector};
                RETURN NEW;
            END $$;
            CREATE TRIGGER {table}_search_vector_insert BEFORE INSERT ON {table}
                FOR EACH ROW EXECUTE FUNCTION {table}_search_vector();
            CREATE TRIGGER {table}_search_vector_update BEFORE UPDATE ON {table}
                FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {table}_search_vector();
            """
        )
        # Fill the existing rows through the trigger (NULL to NULL is no change: name the text).
        schema_editor.execute(f"UPDATE {table} SET search_vector = to_tsvector('')")
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin (search_vector)")
        schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEXES[table][0]}")
        schema_editor.execute(f"ANALYZE {table}")


def remove_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (_vector, _columns, index) in VECTORS.items():
        schema_editor.execute(
            f"""
            DROP TRIGGER {table}_search_vector_insert ON {table};
            DROP TRIGGER {table}_search_vector_update ON {table};
            DROP FUNCTION {table}_search_vector();
            DROP INDEX {index};
            """
        )
        name, expression = OLD_INDEXES[table]
        schema_editor.execute(f"CREATE INDEX {name} ON {table} USING gin ({expression})")


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0022_action_plan_document_url'),
    ]

    operations = [
        migrations.AddField(
            model_name='commitment',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='writtenquestion',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(install_search_vectors, remove_search_vectors),
    ]
