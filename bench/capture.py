"""Record the SQL the API issues for each benchmarked URL, count its rows and explain it (Django set up already).

Each URL is requested once in-process through Django's test client with ``CaptureQueriesContext``. Each recorded
statement is the executed text with its parameters in place (on PostgreSQL, composed by Django as psycopg would bind
them), so it can be replayed as it is: by the floor (``floor.py``), to count the
rows it returns, and under ``EXPLAIN (ANALYZE, BUFFERS)``. On SQLite the API's ``BEGIN`` is recorded too and
replayed with the rest. On PostgreSQL the floor sends the statements as the API did, SQL and parameters apart (an
execute wrapper keeps them), in the same transaction: psycopg's ``BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY``
before them and ``COMMIT`` after. Explain leaves transaction control out.

Where the API's statements are prepared (``DATABASE_PREPARE_THRESHOLD``), PostgreSQL runs a statement it has seen five
times with a generic plan, made without the parameters' values, whenever that plan looks no costlier: each statement
is then explained as prepared, with that plan, and its execution time planned for its values is given beside it, so
that a generic plan worse than the one its values would get shows.
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

TRANSACTION_CONTROL = ("SET TRANSACTION", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


@dataclass
class Recording:
    """One URL as the API served it: its statements, their row counts and, on PostgreSQL, their plans."""

    label: str
    url: str
    status: int
    body_bytes: int
    statements: list[str]
    rows: list[int] = field(default_factory=list)
    plans: list[tuple[str, str]] = field(default_factory=list)
    # Each statement as the API sent it: SQL with placeholders and its parameters (``encode``d for JSON), so the
    # floor can send them the same way (on PostgreSQL, bound and prepared by the server as the API's are).
    parameterized: list[tuple[str, list | None]] = field(default_factory=list)


def _keeper(sent: list, raw: list):
    """An execute wrapper that appends each statement and its parameters to ``sent`` (``encode``d) and to ``raw``."""

    def keep(execute, sql, params, many, context):
        sent.append((sql, None if params is None else [encode(value) for value in params]))
        raw.append((sql, params))
        return execute(sql, params, many, context)

    return keep


def encode(value):
    """A statement parameter as JSON can hold it; ``floor.decode`` gives it back."""
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    return value


def is_transaction_control(statement: str) -> bool:
    return statement.lstrip().upper().startswith(TRANSACTION_CONTROL)


def record(endpoints: list[tuple[str, str]], *, explain: bool = False) -> list[Recording]:
    client = Client()
    recordings = []
    with override_settings(API_ANON_THROTTLE_RATE=None, ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        for label, url in endpoints:
            # A request as it is served again: what a first one reads once per data version (the ids of its
            # slugs, ``stancetracker.ids``) is not read again, nor replayed by the floor.
            client.get(url)
            sent: list[tuple[str, list | None]] = []
            raw: list[tuple[str, object]] = []
            with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(_keeper(sent, raw)):
                response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
            statements = [query["sql"] for query in queries.captured_queries]
            recording = Recording(label, url, response.status_code, len(response.content), statements)
            recording.parameterized = sent
            recording.rows = count_rows(statements)
            if explain and connection.vendor == "postgresql":  # SQLite's plans are of another kind
                prepared = bool(settings.DATABASES["default"].get("OPTIONS", {}).get("prepare_threshold"))
                recording.plans = plans(statements, raw if prepared else None)
            recordings.append(recording)
    return recordings


def count_rows(statements: list[str]) -> list[int]:
    """Rows returned by each statement that returns rows, replayed in one transaction."""
    counts = []
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            if is_transaction_control(statement):
                continue
            cursor.execute(statement)
            if cursor.description is not None:
                counts.append(len(cursor.fetchall()))
    return counts


def plans(statements: list[str], prepared: list[tuple[str, object]] | None = None) -> list[tuple[str, str]]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of every statement but transaction control, in a read-only transaction; with
    ``prepared`` (each statement as sent: SQL and parameters), of its generic plan, as PostgreSQL runs it once
    prepared."""
    explained = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # The transaction control Django logs (BEGIN, COMMIT) went through no execute wrapper: ``prepared`` lacks it.
        sent = iter(prepared or [])
        for statement in statements:
            if is_transaction_control(statement):
                continue
            as_sent = next(sent, None)
            if statement.lstrip().upper().startswith("EXPLAIN"):
                # The API asks the planner itself (e.g. to choose how to search): shown, not explained again.
                explained.append((statement, "(the API's own EXPLAIN: its estimate decides the next statement)"))
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
            plan = [line for (line,) in cursor.fetchall()]
            if as_sent is not None and as_sent[1]:
                plan = _as_prepared(cursor, *as_sent, custom=plan)
            explained.append((statement, "\n".join(plan)))
    return explained


def _as_prepared(cursor, sql: str, params, *, custom: list[str]) -> list[str]:
    """The generic plan of ``sql`` run with ``params``, and the execution time of its ``custom`` plan."""
    generic = generic_plan(cursor, sql, params, options="ANALYZE, BUFFERS")
    cursor.execute("SET LOCAL plan_cache_mode = auto")
    planned_for_values = next((line for line in reversed(custom) if line.startswith("Execution Time")), "")
    return [*generic, f"Planned for its values instead: {planned_for_values.lower() or 'not timed'}"]


def generic_plan(cursor, sql: str, params, *, options: str = "") -> list[str]:
    """``EXPLAIN (options)`` of ``sql`` (Django's placeholders) prepared and run with ``params`` under its generic plan:
    the plan PostgreSQL keeps for a prepared statement, made without the parameters' values. Leaves the transaction
    with ``plan_cache_mode = force_generic_plan``."""
    numbered = iter(range(1, len(params) + 1))
    text = re.sub(r"%(s|%)", lambda match: f"${next(numbered)}" if match.group(1) == "s" else "%", sql)
    name = f"explained_{uuid.uuid4().hex}"
    cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
    cursor.execute(f"PREPARE {name} AS {text}")
    values = ", ".join(["%s"] * len(params))
    explain = f"EXPLAIN ({options}) " if options else "EXPLAIN "
    # EXPLAIN takes no parameters: the values are written into EXECUTE, as psql would.
    cursor.execute(connection.ops.compose_sql(f"{explain}EXECUTE {name}({values})", params))
    plan = [line for (line,) in cursor.fetchall()]
    cursor.execute(f"DEALLOCATE {name}")
    return plan
