"""Each stance's stored search document on SQLite (``positions.search_sqlite``): the FTS5 table, every document, and
the triggers that keep them. PostgreSQL has its own (0014) and gets nothing here."""

from django.db import migrations

from positions import search_sqlite


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            search_sqlite.install(cursor)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            search_sqlite.uninstall(cursor)


class Migration(migrations.Migration):
    dependencies = [("positions", "0014_stance_search_document"), ("sources", "0005_history_by_account_id")]
    operations = [migrations.RunPython(install, uninstall, elidable=False)]
