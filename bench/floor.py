"""The raw floor: the API's own SQL, replayed by the thinnest WSGI app, to show what the database alone costs.

Before timing, ``httpbench.py`` runs every benchmarked URL once through the API in-process and records each
statement it issues (``capture.py``). This app serves the same URLs: it looks up the request's path and query
string in that recording (the JSON file named by ``BENCH_FLOOR_PLAN``), runs the statements in order on one
connection per worker, in one transaction as the API does, and answers with the rows as JSON — no ORM, no
serializer, no middleware. When the API's SQL changes, the next recording changes with it.

Serve it with the same server as the API:  gunicorn --pythonpath bench floor:application
"""

import datetime
import decimal
import json
import os
import sqlite3
import uuid

with open(os.environ["BENCH_FLOOR_PLAN"], encoding="utf-8") as plan_file:
    PLAN: dict[str, list[str]] = json.load(plan_file)["statements"]
DATABASE_URL = os.environ["BENCH_FLOOR_DATABASE_URL"]

_connection = None


def connect():
    # Autocommit: the recording holds the API's own transaction control (BEGIN, SET TRANSACTION on
    # PostgreSQL, COMMIT), replayed as it is.
    if DATABASE_URL.startswith("sqlite:///"):
        return sqlite3.connect(DATABASE_URL.removeprefix("sqlite:///"), isolation_level=None)
    import psycopg

    return psycopg.connect(DATABASE_URL, autocommit=True)


def in_transaction(connection) -> bool:
    if isinstance(connection, sqlite3.Connection):
        return connection.in_transaction
    return connection.info.transaction_status != connection.info.transaction_status.IDLE


def plain(value):
    """What ``json.dumps`` cannot write on its own: dates, decimals, UUIDs, as text."""
    if isinstance(value, datetime.date | decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(type(value).__name__)


def run(statements: list[str]) -> list[list]:
    """The rows of every statement that returns rows, in one transaction."""
    global _connection
    if _connection is None:
        _connection = connect()
    results = []
    cursor = _connection.cursor()
    try:
        for statement in statements:
            cursor.execute(statement)
            if cursor.description is not None:
                results.append(cursor.fetchall())
    finally:
        cursor.close()
        if in_transaction(_connection):  # a statement failed before the recorded COMMIT
            _connection.rollback()
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
