"""The raw floor: the API's own SQL, replayed by the thinnest WSGI app, to show what the database alone costs.

Before timing, ``httpbench.py`` runs every benchmarked URL once through the API in-process and records each
statement it issues (``capture.py``). This app serves the same URLs: it looks up the request's path and query
string in that recording (the JSON file named by ``BENCH_FLOOR_PLAN``), runs the statements in order on one
connection per worker, in one transaction as the API does, and answers with the rows as JSON — no ORM, no
serializer, no middleware. On PostgreSQL the statements go as the API sends them: SQL and parameters apart, and
prepared on the connection once run as often as the API's are. When the API's SQL changes, the next recording
changes with it.

Serve it with the same server as the API:  gunicorn --pythonpath bench floor:application
"""

import datetime
import decimal
import json
import os
import sqlite3
import uuid

with open(os.environ["BENCH_FLOOR_PLAN"], encoding="utf-8") as plan_file:
    _recorded = json.load(plan_file)
DATABASE_URL = os.environ["BENCH_FLOOR_DATABASE_URL"]
POSTGRESQL = not DATABASE_URL.startswith("sqlite:///")
# PostgreSQL: each statement as the API sent it, SQL and parameters apart, bound by the server and prepared after
# as many runs as the API's (``DATABASE_PREPARE_THRESHOLD``). SQLite: the executed text.
PLAN: dict[str, list] = _recorded["parameterized"] if POSTGRESQL else _recorded["statements"]
PREPARE_THRESHOLD = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5").strip()


def decode(value):
    """A parameter as ``capture.encode`` wrote it."""
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.datetime.fromisoformat(value["datetime"])
        return datetime.date.fromisoformat(value["date"])
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


_connection = None


def connect():
    # SQLite in autocommit: the recording holds the API's BEGIN, replayed as it is. PostgreSQL: the API's own
    # transaction, which psycopg opens itself (so it is not in the recording): BEGIN ISOLATION LEVEL REPEATABLE
    # READ READ ONLY before the first statement, COMMIT after the last.
    if not POSTGRESQL:
        return sqlite3.connect(DATABASE_URL.removeprefix("sqlite:///"), isolation_level=None)
    import psycopg

    connection = psycopg.connect(DATABASE_URL, prepare_threshold=int(PREPARE_THRESHOLD) if PREPARE_THRESHOLD else None)
    if not PREPARE_THRESHOLD:  # as the API then does: parameters bound by the client, nothing prepared
        connection.cursor_factory = psycopg.ClientCursor
    connection.isolation_level, connection.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
    return connection


def in_transaction(connection) -> bool:
    if isinstance(connection, sqlite3.Connection):
        return connection.in_transaction
    return connection.info.transaction_status != connection.info.transaction_status.IDLE


def plain(value):
    """What ``json.dumps`` cannot write on its own: dates, decimals, UUIDs, as text."""
    if isinstance(value, datetime.date | decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(type(value).__name__)


def run(statements: list) -> list[list]:
    """The rows of every statement that returns rows, in one transaction."""
    global _connection
    if _connection is None:
        _connection = connect()
    results = []
    cursor = _connection.cursor()
    try:
        for statement in statements:
            if POSTGRESQL:
                sql, params = statement
                cursor.execute(sql, None if params is None else [decode(value) for value in params])
            else:
                cursor.execute(statement)
            if cursor.description is not None:
                results.append(cursor.fetchall())
    except BaseException:
        if in_transaction(_connection):
            _connection.rollback()
        raise
    finally:
        cursor.close()
    if in_transaction(_connection):
        # PostgreSQL commits as the API does; the SQLite recording has no COMMIT (only reads): rolled back.
        if isinstance(_connection, sqlite3.Connection):
            _connection.rollback()
        else:
            _connection.commit()
    return results


def application(environ, start_response):
    url = environ["PATH_INFO"] + ("?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
    statements = PLAN.get(url)
    if statements is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not recorded\n"]
    results = run(statements)
    body = json.dumps({"rows": [len(rows) for rows in results], "results": results}, default=plain).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
