"""Record the SQL the API issues for each benchmarked URL, count its rows and explain it (Django set up already).

Each URL is requested once in-process through Django's test client with ``CaptureQueriesContext``. Each recorded
statement is the executed text with its parameters in place (on PostgreSQL, composed by Django as psycopg would bind
them), so it can be replayed as it is: by the floor (``floor.py``), to count the
rows it returns, and under ``EXPLAIN (ANALYZE, BUFFERS)``. On SQLite the API's ``BEGIN`` is recorded too and
replayed with the rest. On PostgreSQL the floor sends the statements as the API did, SQL and parameters apart (an
execute wrapper keeps them), in the same transaction: psycopg's ``BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY``
before them and ``COMMIT`` after. Explain leaves transaction control out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

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


def _keeper(sent: list):
    """An execute wrapper that appends each statement and its parameters to ``sent``."""

    def keep(execute, sql, params, many, context):
        sent.append((sql, None if params is None else [encode(value) for value in params]))
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
            sent: list[tuple[str, list | None]] = []
            with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(_keeper(sent)):
                response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
            statements = [query["sql"] for query in queries.captured_queries]
            recording = Recording(label, url, response.status_code, len(response.content), statements)
            recording.parameterized = sent
            recording.rows = count_rows(statements)
            if explain and connection.vendor == "postgresql":  # SQLite's plans are of another kind
                recording.plans = plans(statements)
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


def plans(statements: list[str]) -> list[tuple[str, str]]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of every statement but transaction control, in a read-only transaction."""
    explained = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for statement in statements:
            if is_transaction_control(statement):
                continue
            if statement.lstrip().upper().startswith("EXPLAIN"):
                # The API asks the planner itself (e.g. to choose how to search): shown, not explained again.
                explained.append((statement, "(the API's own EXPLAIN: its estimate decides the next statement)"))
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
            explained.append((statement, "\n".join(line for (line,) in cursor.fetchall())))
    return explained
