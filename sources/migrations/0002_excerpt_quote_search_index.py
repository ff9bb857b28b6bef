"""A GIN index for full-text search over excerpt quotes, on PostgreSQL only.

The indexed expression is exactly what ``SearchVector("quote", config="english")`` compiles to,
so the planner can use it for the API's ``?q=``. SQLite has no such index type and searches
by substring instead.
"""

from django.db import migrations

INDEX = "sources_excerpt_quote_fts"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON sources_excerpt "
            "USING gin (to_tsvector('english'::regconfig, COALESCE(quote, '')))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("sources", "0001_initial")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
