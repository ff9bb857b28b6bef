"""The seed for tests: loaded once per test process, then restored into each test's database from its rows.

``load_seed`` validates every record as an editor's save would, which takes seconds; inserting the rows it wrote
takes milliseconds. ``capture`` runs the real loader in a transaction that is rolled back and keeps every row it
added, table by table; ``restore`` inserts those rows again, ids and history included, so a test sees exactly
what the loader writes (the database's own triggers run on the inserts as on the loader's).
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction


@dataclass(frozen=True)
class TableRows:
    table: str
    columns: tuple[str, ...]
    rows: list[tuple]


def _tables() -> list[tuple[str, str]]:
    """(table, primary key column) of every table the project's models keep, history and links included."""
    models = apps.get_models(include_auto_created=True)
    return sorted({(m._meta.db_table, m._meta.pk.column) for m in models if m._meta.managed and not m._meta.proxy})


def _read(table: str, pk: str) -> tuple[tuple[str, ...], dict]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As JSON, each row round-trips whatever its column types: restored with json_populate_recordset.
            cursor.execute(f"SELECT {quote(pk)}, row_to_json(t)::text FROM {quote(table)} t")
            return ("json",), {key: (row,) for key, row in cursor.fetchall()}
        cursor.execute(f"SELECT * FROM {quote(table)}")
        columns = tuple(column[0] for column in cursor.description)
        at = columns.index(pk)
        return columns, {row[at]: row for row in cursor.fetchall()}


def capture() -> list[TableRows]:
    """Every row ``load_seed`` adds to the database as it is now; the load itself is rolled back."""
    tables = _tables()
    with transaction.atomic():
        before = {table: set(_read(table, pk)[1]) for table, pk in tables}
        call_command("load_seed", verbosity=0)
        added = []
        for table, pk in tables:
            columns, rows = _read(table, pk)
            new = [row for key, row in rows.items() if key not in before[table]]
            if new:
                added.append(TableRows(table, columns, new))
        transaction.set_rollback(True)
    return added


def restore(snapshot: list[TableRows]) -> None:
    """Insert the captured rows, in one transaction (foreign keys are checked at its end)."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for part in snapshot:
            if connection.vendor == "postgresql":
                records = "[" + ",".join(row[0] for row in part.rows) + "]"
                table = quote(part.table)
                insert = f"INSERT INTO {table} SELECT * FROM json_populate_recordset(NULL::{table}, %s)"
                cursor.execute(insert, [records])
                continue
            names = ", ".join(quote(column) for column in part.columns)
            marks = ", ".join(["%s"] * len(part.columns))
            cursor.executemany(f"INSERT INTO {quote(part.table)} ({names}) VALUES ({marks})", part.rows)
        # Ids were given: each sequence goes past them, whatever earlier tests did to it (a flush that restarts
        # sequences would otherwise hand out a restored row's id again).
        restored = {part.table for part in snapshot}
        models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in restored]
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
