"""A GIN index for full-text search over stance summaries, on PostgreSQL only.

The indexed expression is exactly what ``SearchVector("summary", config="english")`` compiles
to, so the planner can use it for the API's ``?q=``. SQLite searches by substring instead.
"""

from django.db import migrations

INDEX = "positions_stance_summary_fts"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON positions_stance "
            "USING gin (to_tsvector('english'::regconfig, COALESCE(summary, '')))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("positions", "0002_drop_redundant_status_index")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
