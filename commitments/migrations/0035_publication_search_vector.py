"""A stored search vector per GOV.UK publication, kept by a trigger, with a GIN index; and the
(first published, id) index search reads its candidates by, newest first, undated last.

As in 0031_spoken_search_vector: the trigger and the indexes exist on PostgreSQL only (SQLite, the
embedded demo, has no tsvector, no GIN and no to_tsvector, and refuses NULLS LAST in an index), so
there the column is added and stays empty and search falls back to a substring match. The SQL
expression is a copy of `publication_search_vector()` in commitments/models/search.py, written out
so the migration imports nothing of the app; tests/test_search_publications.py checks the stored
vector equals it. The trigger fires on insert, and on update when a searched column changed or an
UPDATE wrote the vector itself. Existing rows are filled through the trigger."""

import django.contrib.postgres.search
from django.db import migrations

TABLE = "commitments_publication"
VECTOR = (
    "setweight(to_tsvector('english'::regconfig, COALESCE(NEW.title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig,"
    " COALESCE(NEW.description, '') || ' ' || COALESCE(NEW.text, '')), 'B')"
    " || setweight(to_tsvector('english'::regconfig, COALESCE(NEW.quoted_passages, '')), 'C')"
)
COLUMNS = ["title", "description", "text", "quoted_passages"]


def install_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in [*COLUMNS, "search_vector"])
    schema_editor.execute(
        f"""
        CREATE FUNCTION {TABLE}_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.search_vector := {VECTOR};
            RETURN NEW;
        END $$;
        CREATE TRIGGER {TABLE}_search_vector_insert BEFORE INSERT ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION {TABLE}_search_vector();
        CREATE TRIGGER {TABLE}_search_vector_update BEFORE UPDATE ON {TABLE}
            FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {TABLE}_search_vector();
        """
    )
    # Fill the existing rows through the trigger (NULL to NULL is no change: name the text).
    schema_editor.execute(f"UPDATE {TABLE} SET search_vector = to_tsvector('')")
    schema_editor.execute(f"CREATE INDEX publication_search_vector ON {TABLE} USING gin (search_vector)")
    # The order ObservedReading.search() reads candidates in: F(DATE_FIELD).desc(nulls_last=True).
    schema_editor.execute(
        f"CREATE INDEX publication_newest_first ON {TABLE} (first_published_at DESC NULLS LAST, id DESC)"
    )
    schema_editor.execute(f"ANALYZE {TABLE}")


def remove_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"""
        DROP TRIGGER {TABLE}_search_vector_insert ON {TABLE};
        DROP TRIGGER {TABLE}_search_vector_update ON {TABLE};
        DROP FUNCTION {TABLE}_search_vector();
        DROP INDEX publication_search_vector;
        DROP INDEX publication_newest_first;
        """
    )


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0034_publication_evidence"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(install_search_vector, remove_search_vector),
    ]
