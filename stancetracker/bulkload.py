"""Loading many rows at once into PostgreSQL, as ``pg_restore`` does: foreign keys and b-tree indexes are set
aside for the load and made again from the loaded rows.

Through a million-row COPY and the UPDATE that places every series after it, checking foreign keys row by row
(about ten million deferred checks) and keeping a dozen b-tree indexes up to date cost far more than one
validating join per foreign key and one sorted build per index. ``built_after`` drops them in the loading
transaction and makes them again at its end; DDL is transactional in PostgreSQL, so a failed load rolls them
back too. Unique and primary key indexes stay, so duplicates are still refused row by row, and so do the GIN
text-search indexes: PostgreSQL 15 builds those on one core, while the load keeps them up to date on the
database's core as the generator works on its own. Other databases keep everything.
"""

from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection
from django.db.models import Model

# Memory for each index build (PostgreSQL's default, 64 MB, sorts a million rows on disk).
BUILD_MEMORY = "512MB"

PLAIN_BTREE_INDEXES = """
    SELECT index.indexrelid::regclass::text, pg_get_indexdef(index.indexrelid)
    FROM pg_index AS index
    JOIN pg_class AS class ON class.oid = index.indexrelid
    JOIN pg_am AS am ON am.oid = class.relam
    WHERE index.indrelid = ANY(%s::regclass[]) AND am.amname = 'btree' AND NOT index.indisunique
      AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE pg_constraint.conindid = index.indexrelid)
    ORDER BY 1
"""
FOREIGN_KEYS = """
    SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid)
    FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
    ORDER BY 1, 2
"""


@contextmanager
def built_after(models: Iterable[type[Model]]):
    """Within a transaction: set aside the foreign keys and plain b-tree indexes of ``models``' tables, run the
    block, then add the foreign keys again (each validated by one query) and build the indexes."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [connection.ops.quote_name(model._meta.db_table) for model in models]
    with connection.cursor() as cursor:
        # A table with foreign key checks still pending (earlier writes of the transaction) cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(FOREIGN_KEYS, [tables])
        foreign_keys = cursor.fetchall()
        cursor.execute(PLAIN_BTREE_INDEXES, [tables])
        indexes = cursor.fetchall()
        for table, name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")  # regclass::text gives the name quoted and qualified as needed
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
