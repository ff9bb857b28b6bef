"""Database triggers that replace the version token whenever a watched table is written.

Triggers see every write, whatever makes it: the admin, ``QuerySet.update()``, ``bulk_create``, raw SQL,
PostgreSQL's COPY, a ``psql`` session. They run in the writing transaction, so a reader's snapshot holds
the token of exactly the data it sees, and a rolled-back write leaves the token as it was.

- PostgreSQL: one ``BEFORE … FOR EACH STATEMENT`` trigger per table (COPY and TRUNCATE included), once per
  statement however many rows it writes. Being *before* the statement, a writing transaction takes the
  version row's lock before any row lock of its own, so two writers queue on it rather than deadlock;
  writes to public data are serialized by it (a bulk load holds it until it commits).
- SQLite: ``AFTER`` triggers on insert, update and delete (SQLite has only row triggers). SQLite lets one
  writer in at a time anyway.

The token is random rather than a counter: a restored backup or a rolled-back test never brings back a
value that once stood for other data.
"""

from django.apps import apps
from django.conf import settings
from django.db import connections

from .models import ROW_ID, DataVersion

FUNCTION = "dataversion_bump"
NEW_TOKEN = {"postgresql": "gen_random_uuid()::text", "sqlite": "lower(hex(randomblob(16)))"}


def watched_tables() -> list[str]:
    """The tables of every model (many-to-many and history tables included) of ``DATA_VERSION_APPS``."""
    return sorted(
        {
            model._meta.db_table
            for label in settings.DATA_VERSION_APPS
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
    )


def install(*, using: str = "default") -> list[str]:
    """Create the version row if it is missing and a trigger on every watched table that has none; returns
    the tables that got one. Safe to run any number of times."""
    connection = connections[using]
    if connection.vendor not in NEW_TOKEN:
        raise NotImplementedError(f"No data version triggers for {connection.vendor}.")
    existing = set(connection.introspection.table_names())
    if DataVersion._meta.db_table not in existing:
        return []
    quote = connection.ops.quote_name
    version = quote(DataVersion._meta.db_table)
    new_token = NEW_TOKEN[connection.vendor]
    update = f"UPDATE {version} SET token = {new_token} WHERE id = {ROW_ID}"
    tables = [table for table in watched_tables() if table in existing]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"INSERT INTO {version} (id, token) VALUES ({ROW_ID}, {new_token}) ON CONFLICT DO NOTHING")
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN {update}; RETURN NULL; END $$"
            )
            cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [FUNCTION])
            done = {name.strip('"') for (name,) in cursor.fetchall()}
            missing = [table for table in tables if table not in done]
            for table in missing:
                cursor.execute(
                    f"CREATE TRIGGER {FUNCTION} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quote(table)} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
                )
        else:
            cursor.execute(f"INSERT OR IGNORE INTO {version} (id, token) VALUES ({ROW_ID}, {new_token})")
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            done = {name for (name,) in cursor.fetchall()}
            missing = [table for table in tables if f"{FUNCTION}_{table}_delete" not in done]
            for table in missing:
                for event in ("insert", "update", "delete"):
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {quote(f'{FUNCTION}_{table}_{event}')} "
                        f"AFTER {event.upper()} ON {quote(table)} BEGIN {update}; END"
                    )
    return missing


def untriggered_tables(*, using: str = "default") -> list[str]:
    """Watched tables of the database without their trigger (none after a migrate)."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [FUNCTION])
            done = {name.strip('"') for (name,) in cursor.fetchall()}
        else:
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{FUNCTION}_%"]
            )
            done = {name for (name,) in cursor.fetchall()}
    return [table for table in watched_tables() if table in existing and table not in done]
