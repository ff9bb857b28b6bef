"""The data version as requests read it: mirrored in the cache, so that no request reads the table for it.

The database owns the token (``dataversion.triggers``); the cache (Redis with ``DJANGO_CACHE_URL``, shared by
every app server; this process's memory otherwise) keeps a copy that requests read instead. A mirror that lags
behind the database would let a client keep stale data, so it is kept honest in three ways:

1. **Advanced on commit.** Every statement that may write, on any connection of this app, arranges for the
   cache's *generation* counter to be incremented once its transaction commits (``watch_writes``). Whatever
   wrote it — the admin, a loader, ``QuerySet.update()``, raw SQL.
2. **Mirrored per generation.** The token is kept under a key of the current generation, filled from the
   primary database on a miss. A request that read the token just before another transaction committed
   can only store it under the generation that commit then leaves behind: nobody reads that key again, so
   the race cannot leave an old token in place.
3. **Rechecked.** A mirrored token expires after ``DATA_VERSION_RECHECK_SECONDS``, so writes this app cannot
   see (another program, a ``psql`` session, another process with a cache of its own) are noticed within
   that time.
"""

import hashlib
import threading
import time
from functools import partial

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connections, router

from stancetracker.compiled import CompiledQuery

from .models import ROW_ID, DataVersion

GENERATION_KEY = "dataversion:generation"
TOKEN_KEY = "dataversion:token"
# Statements that never write public data; anything else is taken to write (a wrong guess costs only a cache miss).
READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET", "SHOW", "EXPLAIN", "PRAGMA", "BEGIN", "COMMIT")


def read_token(*, using: str | None = None) -> str | None:
    """The token in the database (``using``, or where ``DataVersion`` is read from), as the current
    transaction sees it; ``None`` if the row is missing (a database being flushed)."""
    tokens = _TOKEN(using=using or router.db_for_read(DataVersion))
    return tokens[0] if tokens else None


# Read at the start of every public request: compiled once (``stancetracker.compiled``).
_TOKEN = CompiledQuery(DataVersion, lambda: DataVersion.objects.filter(pk=ROW_ID).values_list("token", flat=True))
# The same read as plain SQL, for a statement that does more at once (``stancetracker.db``'s snapshot).
TOKEN_SQL = (
    f"SELECT {DataVersion._meta.get_field('token').column} FROM {DataVersion._meta.db_table} "
    f"WHERE {DataVersion._meta.pk.column} = {ROW_ID}"
)


def current() -> str | None:
    """The token of the latest committed data, from the cache; read once from the primary when the cache has
    none for this generation.

    ``None`` when only the database could say: inside a transaction (its uncommitted writes, a test's or
    ``benchmark --synthetic``'s, must never reach the shared cache) or while the database is unreachable.
    """
    primary = router.db_for_write(DataVersion)
    if connections[primary].in_atomic_block:
        return None
    cache = caches[settings.DATA_VERSION_CACHE]
    key = f"{TOKEN_KEY}:{_database()}:{_generation(cache)}"
    token = cache.get(key)
    if token is None:
        try:
            token = read_token(using=primary)
        except DatabaseError:
            return None
        if token is not None:
            cache.add(key, token, timeout=settings.DATA_VERSION_RECHECK_SECONDS)
    return token


def _database() -> str:
    """Names the primary database, so that app servers of another database sharing the Redis (a staging
    copy, say) never take its version for theirs."""
    primary = connections[router.db_for_write(DataVersion)].settings_dict
    where = f"{primary.get('HOST')}:{primary.get('PORT')}/{primary.get('NAME')}"
    return hashlib.sha256(where.encode()).hexdigest()[:12]


def _generation(cache) -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A new or emptied cache starts from the clock: above every generation counted before, so nothing
        # mirrored under an old one is read again.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY) or time.time_ns()
    return generation


def advance() -> None:
    """A write has committed: mirrored tokens of earlier generations are no longer read."""
    cache = caches[settings.DATA_VERSION_CACHE]
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet, or evicted: the next read starts one from the clock
        pass


class _Batch:
    """The writes of one transaction, which advance the generation once when it commits."""

    done = False


_pending = threading.local()


def changed(*, using: str = "default") -> None:
    """Say that the transaction on ``using`` wrote: the generation advances when it commits (at once outside
    a transaction). ``watch_writes`` does it for every statement; call it after writing through a path no
    cursor sees, such as PostgreSQL's COPY."""
    _wrote(connections[using])


def _wrote(connection) -> None:
    batches = _pending.__dict__.setdefault("batches", {})
    batch = batches.get(connection.alias)
    if batch is None or batch.done:  # a rolled-back transaction leaves its batch for the next one
        batch = batches[connection.alias] = _Batch()
    if not connection.in_atomic_block and not connection.get_autocommit():
        advance()  # managed by hand: the commit is not ours to see; the recheck interval covers the rest
        return
    connection.on_commit(partial(_committed, batch))


def _committed(batch: _Batch) -> None:
    if not batch.done:
        batch.done = True
        advance()


def watch_writes(execute, sql, params, many, context):
    """An execute wrapper on every connection (``dataversion.apps``): after a statement that may write,
    ``changed()``."""
    result = execute(sql, params, many, context)
    if not (isinstance(sql, str) and sql[:64].lstrip()[:10].upper().startswith(READS)):
        _wrote(context["connection"])
    return result
