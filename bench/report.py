"""The benchmark's results: the table it prints, and the Markdown report ``--write`` keeps (one section per set
of targets, replaced when the same set runs again, so the floor/datasette run and the SQLite run live side by
side)."""

from __future__ import annotations

import datetime
import os
import platform
import re
from dataclasses import dataclass
from pathlib import Path

import load

NAMES = {"api": "API", "floor": "floor", "datasette": "datasette", "sqlite": "API on SQLite"}


@dataclass
class Endpoint:
    key: str
    label: str
    api: str
    datasette: str | None  # the canned query's URL; None: no fair equivalent


INTRO = """# Performance

Measured by `bench/httpbench.py` (see the README, *Benchmarks*): each section is one run, rewritten by the next
run of the same targets with `--write docs/performance.md`.
"""


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def ratio(numerator: float | None, denominator: float | None) -> str:
    if not numerator or not denominator:
        return "–"
    value = numerator / denominator
    return f"{value:.1f}×" if value >= 1 else f"{value:.2f}×"


def table(endpoints: list[Endpoint], run: load.Run, targets: list[str], markdown: bool = False) -> str:
    headers = ["endpoint"]
    for target in targets:
        headers += [f"{NAMES[target]} p50 ms", "p99 ms", "req/s (c8)"]
    comparisons = []
    if "floor" in targets:
        comparisons.append(("floor", "API/floor p50", False))
    if "datasette" in targets:
        comparisons += [("datasette", "API/datasette p50", False), ("datasette", "API/datasette req/s", True)]
    if "sqlite" in targets:
        comparisons += [("sqlite", "SQLite/PostgreSQL p50", False)]
    headers += [title for _, title, _ in comparisons]
    rows = []
    for endpoint in endpoints:
        row = [endpoint.label]
        for target in targets:
            cell = run.cells.get((endpoint.key, target))
            if cell is None:
                row += ["–", "–", "–"]
            else:
                row += [fmt(cell.percentile(0.5)), fmt(cell.percentile(0.99)), fmt(cell.per_second, 0)]
        api = run.cells.get((endpoint.key, "api"))
        for other, _title, per_second in comparisons:
            cell = run.cells.get((endpoint.key, other))
            if api is None or cell is None:
                row.append("–")
            elif per_second:
                row.append(ratio(api.per_second, cell.per_second))
            elif other == "sqlite":
                row.append(ratio(cell.percentile(0.5), api.percentile(0.5)))
            else:
                row.append(ratio(api.percentile(0.5), cell.percentile(0.5)))
        rows.append(row)
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    aligned = [[row[0].ljust(widths[0]), *map(str.rjust, row[1:], widths[1:])] for row in [headers, *rows]]
    return "\n".join("  ".join(row) for row in aligned)


@dataclass
class Facts:
    """What the report says of the run besides the table."""

    published: int
    seconds: float
    samples_taken: list[int]
    load_before: float
    memory: list[str]
    same_rows: list[tuple[str, str]]


def write_report(path: Path, endpoints, recordings, run: load.Run, targets: list[str], facts: Facts) -> None:
    published, seconds, samples_taken, memory = facts.published, facts.seconds, facts.samples_taken, facts.memory
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    heading = "## " + ", ".join(NAMES[target] for target in targets)
    lines = [
        heading,
        "",
        f"- Run of {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {seconds:.0f} s, "
        f"{published:,} published stances, {version.split(',')[0]}",
        f"- Machine: {os.cpu_count()} cores, Python {platform.python_version()}; every server and the clients on it; "
        f"load average {facts.load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (1 minute)",
        f"- Concurrency 1: {samples_taken[0]}–{samples_taken[-1]} requests per cell after warm-up; "
        "concurrency 8: bursts per cell; targets and endpoints rotated every round",
        "- API: `stancetracker.wsgi` under gunicorn, 2 sync workers, no response cache; floor: `bench/floor.py` "
        "(the API's recorded SQL, psycopg and `json.dumps`) under the same gunicorn; datasette 0.65.5 over a SQLite "
        "copy in immutable mode (`-i`), 3 SQL threads, the endpoints as canned queries (`bench/datasette_queries.py`); "
        "API on SQLite: the same gunicorn over that copy",
        "",
        table(endpoints, run, targets, markdown=True),
        "",
        "Worker RSS:",
        "",
        *[f"- {line}" for line in memory],
        "",
        *same_rows(facts),
        "### URLs",
        "",
        "| endpoint | API | datasette |" if "datasette" in targets else "| endpoint | API |",
        "|---|---|---|" if "datasette" in targets else "|---|---|",
        *[
            f"| {e.label} | `{e.api}` |"
            + (f" {f'`{e.datasette}`' if e.datasette else '–'} |" if "datasette" in targets else "")
            for e in endpoints
        ],
        "",
    ]
    if any(recording.plans for recording in recordings):
        lines += [*queries(recordings)]
    merge(path, heading, "\n".join(lines))


def same_rows(facts: Facts) -> list[str]:
    if not facts.same_rows:
        return []
    lines = ["Same rows as the API, in its order (ids, or slugs of actors, of the first page):", ""]
    return [*lines, *(f"- {label}: {verdict}" for label, verdict in facts.same_rows), ""]


def queries(recordings) -> list[str]:
    lines = [
        "",
        "### Queries",
        "",
        "Every statement the API issued for each URL when asked again (transaction control left out; the slugs a "
        "first request looks up are kept per data version), with "
        "`EXPLAIN (ANALYZE, BUFFERS)` of it. The first run of a statement in this run may read from disk: "
        "see the buffers. Where statements are prepared (PostgreSQL, `DATABASE_PREPARE_THRESHOLD`), the plan shown is "
        "the generic one PostgreSQL keeps for a prepared statement, followed by the execution time of the plan made "
        "for the statement's own values.",
    ]
    for recording in recordings:
        lines += [
            "",
            f"#### {recording.label}",
            "",
            f"`{recording.url}`: {len(recording.statements)} statements, "
            f"rows {recording.rows}, {recording.body_bytes:,} bytes",
            "",
        ]
        for statement, plan in recording.plans:
            lines += ["```sql", statement, "```", "", "```", plan, "```", ""]
    return lines


def merge(path: Path, heading: str, section: str) -> None:
    """Write ``section`` into the report at ``path`` in place of the one with the same heading, or first."""
    existing = path.read_text() if path.exists() else ""
    sections = re.split(r"(?m)^(?=## )", existing)[1:]
    kept = [part for part in sections if part.splitlines()[0] != heading]
    at = next((index for index, part in enumerate(sections) if part.splitlines()[0] == heading), 0)
    kept.insert(at, section)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(INTRO + "".join("\n" + part.strip() + "\n" for part in kept))
