"""A stored search vector per written statement and Hansard contribution, kept by a trigger, with a
GIN index; and the (date, id) index search reads its candidates by, newest first, undated last.

As in 0023_search_vector: the trigger and the indexes exist on PostgreSQL only (SQLite, the embedded
demo, has no tsvector, no GIN and no to_tsvector, and refuses NULLS LAST in an index), so there the
column is added and stays empty and search falls back to a substring match. Each SQL expression is a copy of the SearchVector
in commitments/models/search.py, written out so the migration imports nothing of the app;
tests/test_search.py checks the stored vector equals it. The trigger fires on insert, and on update
when a searched column changed or an UPDATE wrote the vector itself."""

import django.contrib.postgres.search
from django.db import migrations

VECTORS = {
    "commitments_writtenstatement": (
        "setweight(to_tsvector('english'::regconfig,"
        " COALESCE(NEW.uin, '') || ' ' || COALESCE(NEW.title, '')), 'A')"
        " || setweight(to_tsvector('english'::regconfig, COALESCE(NEW.text, '')), 'B')"
        " || setweight(to_tsvector('english'::regconfig,"
        " COALESCE(NEW.member, '') || ' ' || COALESCE(NEW.member_role, '')), 'D')",
        ["uin", "title", "text", "member", "member_role"],
        "statement_search_vector",
        "date_made",
        "statement_newest_first",
    ),
    "commitments_hansardcontribution": (
        "setweight(to_tsvector('english'::regconfig, COALESCE(NEW.debate, '')), 'A')"
        " || setweight(to_tsvector('english'::regconfig, COALESCE(NEW.text, '')), 'B')"
        " || setweight(to_tsvector('english'::regconfig,"
        " COALESCE(NEW.member, '') || ' ' || COALESCE(NEW.attributed_to, '')), 'D')",
        ["debate", "text", "member", "attributed_to"],
        "contribution_search_vector",
        "sitting_date",
        "contribution_newest_first",
    ),
}


def install_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (vector, columns, index, day, newest_first) in VECTORS.items():
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
        # The order ObservedSourceQuerySet.search() reads candidates in: F(day).desc(nulls_last=True).
        schema_editor.execute(f"CREATE INDEX {newest_first} ON {table} ({day} DESC NULLS LAST, id DESC)")
        schema_editor.execute(f"ANALYZE {table}")


def remove_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, (_vector, _columns, index, _day, newest_first) in VECTORS.items():
        schema_editor.execute(
            f"""
            DROP TRIGGER {table}_search_vector_insert ON {table};
            DROP TRIGGER {table}_search_vector_update ON {table};
            DROP FUNCTION {table}_search_vector();
            DROP INDEX {index};
            DROP INDEX {newest_first};
            """
        )


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0030_editors_morning"),
    ]

    operations = [
        migrations.AddField(
            model_name="hansardcontribution",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="writtenstatement",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(install_search_vectors, remove_search_vectors),
    ]
