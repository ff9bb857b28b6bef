"""One consistent view of the data per public request, on one database, even with read replicas.

A public response is built from several queries (a page, its evidence, the series around it). Read
separately, an editor publishing in between could make them disagree: a stance listed but its excerpts
gone, a step whose neighbour vanished. ``read_snapshot()`` runs them in one read-only transaction that
sees a single state of the data: REPEATABLE READ on PostgreSQL; on SQLite, a read transaction, which is
a snapshot already. With replicas, every query of the snapshot goes to the one database it started on.

Inside ``snapshot_versions()`` (the conditional GET middleware's), each snapshot first reads the data version
it sees, so that a response is tagged with the version of exactly the data it shows, even from a replica
that lags behind the primary.

Opening a snapshot on PostgreSQL costs no round trip of its own. The isolation level and read-only mode are
psycopg's transaction attributes, which it sends in the ``BEGIN`` it sends before the first statement anyway;
the statement timeout is set by the statement that reads the data version (``set_config(…, true)`` is
``SET LOCAL``). A public request is ``BEGIN``, that statement, its reads and ``COMMIT``.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.db import connections, router, transaction
from multidb import PinningReplicaRouter

from dataversion.version import TOKEN_SQL, read_token

_snapshot_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar("snapshot_alias", default=None)
_versions_seen: contextvars.ContextVar[list | None] = contextvars.ContextVar("versions_seen", default=None)
_snapshot_version: contextvars.ContextVar[str | None] = contextvars.ContextVar("snapshot_version", default=None)


@contextmanager
def snapshot_versions():
    """Gives a list that collects the data version of each snapshot the block opens."""
    seen: list[str | None] = []
    token = _versions_seen.set(seen)
    try:
        yield seen
    finally:
        _versions_seen.reset(token)


def snapshot_version() -> str | None:
    """The data version the current snapshot sees, when it read it (inside ``snapshot_versions()``); else ``None``.
    Within one snapshot the data cannot change, and every write changes the version: anything derived from the
    data may be kept by this version and reused by any snapshot that sees the same one."""
    return _snapshot_version.get() if _snapshot_alias.get() is not None else None


@contextmanager
def read_snapshot(model):
    """Run the block's reads of ``model`` and everything else in one snapshot of the database that
    ``model`` is read from."""
    if _snapshot_alias.get() is not None:  # already inside one
        yield
        return
    alias = router.db_for_read(model)
    connection = connections[alias]
    token = _snapshot_alias.set(alias)
    version = _snapshot_version.set(None)
    try:
        # Inside a transaction already (a test's), the isolation level is that transaction's to set.
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with _read_only_transaction(connection):
                _open(connection, timeout=int(settings.DATABASE_PUBLIC_STATEMENT_TIMEOUT_MS))
                yield
        else:
            with transaction.atomic(using=alias):
                if (seen := _versions_seen.get()) is not None:
                    seen.append(read_token(using=alias))
                    _snapshot_version.set(seen[-1])
                yield
    finally:
        _snapshot_version.reset(version)
        _snapshot_alias.reset(token)


@contextmanager
def _read_only_transaction(connection):
    """``transaction.atomic()`` whose ``BEGIN`` says REPEATABLE READ, READ ONLY; afterwards the connection's
    transactions are as they were, so that no later one on it (an editor's write) is read-only."""
    from psycopg import IsolationLevel

    driver, before = None, None
    try:
        with transaction.atomic(using=connection.alias):
            # atomic() has connected and turned autocommit off: the transaction begins with the first statement.
            driver = connection.connection
            before = (driver.isolation_level, driver.read_only)
            driver.isolation_level, driver.read_only = IsolationLevel.REPEATABLE_READ, True
            yield
    finally:
        if driver is not None:
            _restore(connection, driver, before)


def _restore(connection, driver, before) -> None:
    if driver.closed or driver is not connection.connection:
        return  # gone: its successor was opened with the defaults
    if driver.info.transaction_status == driver.info.transaction_status.IDLE:
        driver.isolation_level, driver.read_only = before
    else:  # the transaction did not end (a broken connection): never reuse it read-only
        connection.close()


def _open(connection, *, timeout: int) -> None:
    """The snapshot's first statement: its statement timeout (none at 0) and, inside ``snapshot_versions()``, the
    data version it sees."""
    seen = _versions_seen.get()
    columns, params = [], []
    if timeout:
        columns.append("set_config('statement_timeout', %s, true)")
        params.append(str(timeout))
    if seen is not None:
        columns.append(f"({TOKEN_SQL})")
    if not columns:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)
        row = cursor.fetchone()
    if seen is not None:
        seen.append(row[-1])
        _snapshot_version.set(row[-1])


class SnapshotReplicaRouter(PinningReplicaRouter):
    """django-multidb-router's router, except that reads inside ``read_snapshot()`` stay on its database
    rather than going to the next replica in turn."""

    def db_for_read(self, model, **hints):
        return _snapshot_alias.get() or super().db_for_read(model, **hints)
