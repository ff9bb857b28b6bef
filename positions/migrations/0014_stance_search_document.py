"""Each stance's stored search document on PostgreSQL (``positions.search``): the column, the triggers that keep
it, every document filled, and its GIN index over published stances. The expression indexes of summaries and of
quotes, which searches used before, are dropped. SQLite searches by substring and gets nothing."""

from django.db import migrations

from positions import search

OLD_INDEXES = {
    "positions_stance_summary_fts": (
        "CREATE INDEX IF NOT EXISTS positions_stance_summary_fts ON positions_stance "
        "USING gin (to_tsvector('english'::regconfig, COALESCE(summary, '')))"
    ),
    "sources_excerpt_quote_fts": (
        "CREATE INDEX IF NOT EXISTS sources_excerpt_quote_fts ON sources_excerpt "
        "USING gin (to_tsvector('english'::regconfig, COALESCE(quote, '')))"
    ),
}


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            search.install(cursor)
            for name in OLD_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            search.uninstall(cursor)
            for definition in OLD_INDEXES.values():
                cursor.execute(definition)


class Migration(migrations.Migration):
    dependencies = [("positions", "0013_published_stance_indexes"), ("sources", "0005_history_by_account_id")]
    operations = [migrations.RunPython(install, uninstall, elidable=False)]
