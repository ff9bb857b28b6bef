"""A SQLite copy of the benchmark database: the API's own schema (``manage.py migrate``), its rows, and full-text
indexes for datasette.

One file serves both comparisons that need SQLite: the API itself over SQLite (``--sqlite``) and datasette.
Rows are streamed from PostgreSQL with a server-side cursor and written with ``executemany`` in one transaction
per table, journal and sync off (the file is rebuilt from scratch if anything fails). The file is cached beside
a fingerprint of the source (applied migrations, and per table its row count and largest id, and the latest
stance edit): it is reused while that fingerprint is unchanged.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Created by ``migrate`` on both sides (content types, permissions, the migration log) or of no use to a reader.
SKIPPED_PREFIXES = ("django_", "auth_", "axes_", "sqlite_")
BATCH = 20_000
# Full-text indexes datasette's search needs: (fts table, content table, column). Porter stemming, as the
# API's English configuration on PostgreSQL.
FTS = [("positions_stance_fts", "positions_stance", "summary"), ("sources_excerpt_fts", "sources_excerpt", "quote")]


def utc_text(value: datetime.datetime) -> str:
    """A datetime as Django stores it in SQLite: UTC, without an offset."""
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value.isoformat(" ")


sqlite3.register_adapter(datetime.datetime, utc_text)
sqlite3.register_adapter(datetime.date, datetime.date.isoformat)
sqlite3.register_adapter(decimal.Decimal, str)
# JSON columns (jsonb on PostgreSQL) are text in SQLite, as Django writes them.
sqlite3.register_adapter(list, json.dumps)
sqlite3.register_adapter(dict, json.dumps)


def copied_tables(target: sqlite3.Connection) -> list[str]:
    from positions import search_sqlite  # the app's own search tables are made from the rows, not copied

    names = target.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    return [
        name
        for (name,) in names
        if not name.startswith(SKIPPED_PREFIXES) and not name.endswith("_fts") and not search_sqlite.is_own_table(name)
    ]


def fingerprint(database_url: str) -> str:
    """What identifies the source's data: applied migrations, and per project table its rows and largest id."""
    import psycopg

    with psycopg.connect(database_url) as source:
        parts = [repr(source.execute("SELECT app, name FROM django_migrations ORDER BY app, name").fetchall())]
        tables = source.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"
        ).fetchall()
        for (table,) in tables:
            if table.startswith(SKIPPED_PREFIXES):
                continue
            columns = {row[0] for row in source.execute(f'SELECT * FROM "{table}" LIMIT 0').description}
            largest = "max(id)" if "id" in columns else "NULL"
            parts.append(f"{table}:{source.execute(f'SELECT count(*), {largest} FROM "{table}"').fetchone()}")
        parts.append(repr(source.execute("SELECT max(updated_at) FROM positions_stance").fetchone()))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def ensure_copy(database_url: str, cache_dir: Path, log=print) -> Path:
    """The cached SQLite copy of ``database_url`` (PostgreSQL or SQLite), rebuilt when its data changed."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    if database_url.startswith("sqlite:///"):
        source_path = Path(database_url.removeprefix("sqlite:///"))
        name = source_path.stem
        stamp = f"{source_path.stat().st_size}:{source_path.stat().st_mtime_ns}"
    else:
        name = database_url.rsplit("/", 1)[-1].split("?")[0]
        stamp = fingerprint(database_url)
    path, meta = cache_dir / f"{name}.sqlite3", cache_dir / f"{name}.json"
    if path.exists() and meta.exists() and json.loads(meta.read_text()).get("fingerprint") == stamp:
        log(f"SQLite copy {path} is up to date (same data): reused")
        return path
    started = time.monotonic()
    path.unlink(missing_ok=True)
    meta.unlink(missing_ok=True)
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(source_path) as source, sqlite3.connect(path) as target:
            source.backup(target)
    else:
        migrate(path)
        copy_rows(database_url, path, log)
    add_search(path)
    meta.write_text(json.dumps({"fingerprint": stamp, "source": name}))
    log(f"SQLite copy {path} built in {time.monotonic() - started:.0f} s")
    return path


def migrate(path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "DJANGO_DEBUG": "1"}
    env.pop("DATABASE_REPLICA_URLS", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env, check=True
    )


def copy_rows(database_url: str, path: Path, log) -> None:
    import psycopg

    target = sqlite3.connect(path, isolation_level=None)
    # The rows were checked by PostgreSQL already; SQLite's copies of the checks call Django's functions.
    target.execute("PRAGMA foreign_keys = OFF")
    target.execute("PRAGMA ignore_check_constraints = ON")
    target.execute("PRAGMA journal_mode = OFF")
    target.execute("PRAGMA synchronous = OFF")
    target.execute("PRAGMA cache_size = -500000")  # 500 MB while loading
    from positions import search_sqlite

    # The app's search documents are written once after the load, not by a trigger per row (``add_search``).
    for statement in search_sqlite.DROP_TRIGGERS:
        target.execute(statement)
    with psycopg.connect(database_url) as source:
        for table in copied_tables(target):
            columns = [row[1] for row in target.execute(f'PRAGMA table_info("{table}")')]
            quoted = ", ".join(f'"{column}"' for column in columns)
            # OR REPLACE: rows a migration made (the data version's) are the source's now.
            insert = f'INSERT OR REPLACE INTO "{table}" ({quoted}) VALUES ({", ".join("?" * len(columns))})'
            started, copied = time.monotonic(), 0
            # Indexes are built once after the load, not row by row in random order (minutes at a million rows);
            # those of inline UNIQUE constraints have no SQL of their own and stay.
            indexes = target.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                (table,),
            ).fetchall()
            target.execute("BEGIN")
            for name, _ in indexes:
                target.execute(f'DROP INDEX "{name}"')
            with source.cursor(name=f"copy_{table}") as rows:
                rows.itersize = BATCH
                rows.execute(f'SELECT {quoted} FROM "{table}" ORDER BY 1')
                while batch := rows.fetchmany(BATCH):
                    target.executemany(insert, batch)
                    copied += len(batch)
            for _, sql in indexes:
                target.execute(sql)
            target.execute("COMMIT")
            if copied:
                log(f"  {table}: {copied:,} rows in {time.monotonic() - started:.1f} s")
    target.execute("ANALYZE")
    target.execute("PRAGMA journal_mode = DELETE")
    target.close()


def add_search(path: Path) -> None:
    from positions import search_sqlite

    target = sqlite3.connect(path, isolation_level=None)
    target.execute("PRAGMA journal_mode = OFF")
    target.execute("BEGIN")
    for statement in (*search_sqlite.REBUILD, *search_sqlite.CREATE_TRIGGERS):  # the app's own, for the API
        target.execute(statement)
    for fts, table, column in FTS:
        target.execute(f"DROP TABLE IF EXISTS {fts}")
        target.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', content_rowid='id', tokenize='porter')"
        )
        target.execute(f"INSERT INTO {fts} (rowid, {column}) SELECT id, {column} FROM {table}")
    target.execute("COMMIT")
    target.execute("PRAGMA journal_mode = DELETE")
    target.close()
