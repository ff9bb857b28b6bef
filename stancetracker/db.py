"""One consistent view of the data per public request, on one database, even with read replicas.

A public response is built from several queries (a page, its evidence, the series around it). Read
separately, an editor publishing in between could make them disagree: a stance listed but its excerpts
gone, a step whose neighbour vanished. ``read_snapshot()`` runs them in one read-only transaction that
sees a single state of the data: REPEATABLE READ on PostgreSQL; on SQLite, a read transaction, which is
a snapshot already. With replicas, every query of the snapshot goes to the one database it started on.

Inside ``snapshot_versions()`` (the conditional GET middleware's), each snapshot first reads the data version
it sees, so that a response is tagged with the version of exactly the data it shows, even from a replica
that lags behind the primary.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.db import connections, router, transaction
from multidb import PinningReplicaRouter

from dataversion.version import read_token

_snapshot_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar("snapshot_alias", default=None)
_versions_seen: contextvars.ContextVar[list | None] = contextvars.ContextVar("versions_seen", default=None)


@contextmanager
def snapshot_versions():
    """Gives a list that collects the data version of each snapshot the block opens."""
    seen: list[str | None] = []
    token = _versions_seen.set(seen)
    try:
        yield seen
    finally:
        _versions_seen.reset(token)


@contextmanager
def read_snapshot(model):
    """Run the block's reads of ``model`` and everything else in one snapshot of the database that
    ``model`` is read from."""
    if _snapshot_alias.get() is not None:  # already inside one
        yield
        return
    alias = router.db_for_read(model)
    connection = connections[alias]
    # Inside a transaction already (a test's), the isolation level is that transaction's to set.
    outermost = not connection.in_atomic_block
    token = _snapshot_alias.set(alias)
    try:
        with transaction.atomic(using=alias):
            if outermost and connection.vendor == "postgresql":
                # One round trip: the snapshot's isolation, and how long each of its statements may run.
                statements = ["SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"]
                if timeout := int(settings.DATABASE_PUBLIC_STATEMENT_TIMEOUT_MS):
                    statements.append(f"SET LOCAL statement_timeout = {timeout}")
                with connection.cursor() as cursor:
                    cursor.execute("; ".join(statements))
            if (seen := _versions_seen.get()) is not None:
                seen.append(read_token())
            yield
    finally:
        _snapshot_alias.reset(token)


class SnapshotReplicaRouter(PinningReplicaRouter):
    """django-multidb-router's router, except that reads inside ``read_snapshot()`` stay on its database
    rather than going to the next replica in turn."""

    def db_for_read(self, model, **hints):
        return _snapshot_alias.get() or super().db_for_read(model, **hints)
