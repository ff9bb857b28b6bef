"""The HTTP benchmark (``bench/httpbench.py``) runs end to end on a tiny dataset: real servers on loopback,
every endpoint and target in its table, and a floor that returns the rows of the API's own SQL."""

import importlib.util
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LABELS = [
    "actor timeline, one policy",
    "positions as of a day, one policy",
    "positions, unfiltered first page",
    "shifts, one actor",
    "shifts, unfiltered first page",
    "stances filtered by policy, first page",
    "stance detail",
    "?q=police",
    "actors list",
    "stances as CSV, first page",
    "stances, deep cursor page",
]
# The table: no fair datasette equivalent of the unfiltered positions and shifts.
WITHOUT_DATASETTE = {"positions, unfiltered first page", "shifts, unfiltered first page"}
HAS_DATASETTE = importlib.util.find_spec("datasette") is not None


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def tiny_database(tmp_path_factory) -> dict:
    """A SQLite file of a few hundred generated stances that servers in other processes can open."""
    path = tmp_path_factory.mktemp("bench") / "tiny.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "DJANGO_DEBUG": "1"}
    for name in ("DJANGO_CACHE_URL", "DATABASE_REPLICA_URLS"):
        env.pop(name, None)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "generate_synthetic", "--stances", "300", "--actors", "20", "--policies", "10", "--sources", "30")
    return env


@pytest.fixture(scope="module")
def benchmark_run(tiny_database, tmp_path_factory) -> tuple[str, str]:
    """One quick run over the tiny database: its output and the report it wrote."""
    work = tmp_path_factory.mktemp("run")
    command = [
        sys.executable,
        "bench/httpbench.py",
        "--quick",
        "--samples",
        "3",
        "--budget",
        "5",
        "--burst",
        "0.1",
        "--concurrency",
        "2",
    ]
    command += ["--cache-dir", str(work / "cache"), "--write", str(work / "performance.md")]
    done = subprocess.run(command, cwd=ROOT, env=tiny_database, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout, (work / "performance.md").read_text()


def table_rows(output: str) -> dict[str, list[str]]:
    """The result table's rows by endpoint label: the cells after the label."""
    rows = {}
    for line in output.splitlines():
        for label in LABELS:
            if line.startswith(label + "  "):
                rows[label] = line[len(label) :].split()
    return rows


def test_the_table_has_every_endpoint_for_the_api_the_floor_and_datasette(benchmark_run):
    out, report = benchmark_run
    header = next(line for line in out.splitlines() if line.startswith("endpoint"))
    assert "API p50 ms" in header and "floor p50 ms" in header and "API/floor p50" in header
    assert ("datasette p50 ms" in header and "API/datasette req/s" in header) == HAS_DATASETTE
    rows = table_rows(out)
    assert set(rows) == set(LABELS)
    for label, cells in rows.items():
        api_p50, api_p99, api_per_second, floor_p50 = cells[0], cells[1], cells[2], cells[3]
        assert 0 < float(api_p50) <= float(api_p99), label
        assert float(api_per_second) > 0 and float(floor_p50) > 0, label
        assert cells[-3 if HAS_DATASETTE else -1].endswith("×"), label  # API/floor
        if HAS_DATASETTE:
            datasette_p50 = cells[6]
            assert (datasette_p50 == "–") == (label in WITHOUT_DATASETTE), label
    if HAS_DATASETTE:
        # datasette's canned queries list the API's rows in the API's order, endpoint by endpoint; all but search,
        # which is a substring match in the API on SQLite (full text, as datasette's, on PostgreSQL).
        checked = [line for line in out.splitlines() if "datasette same" in line or "datasette DIFFERS" in line]
        assert len(checked) == len(LABELS) - len(WITHOUT_DATASETTE)
        compared = [line for line in checked if "?q=police" not in line]
        assert all(re.search(r"datasette same \d+(;|$)", line) for line in compared), compared
    assert re.search(r"API: \d+ MB at start, peak \d+ MB, \d+ MB after the run", out)
    assert re.search(r"floor: \d+ MB at start, peak \d+ MB", out)
    assert all(f"| {label} |" in report for label in LABELS)


def test_the_floor_returns_the_rows_of_the_apis_own_sql(benchmark_run, tiny_database):
    checks = [line for line in benchmark_run[0].splitlines() if re.match(r"  \S.* \d+ statements, rows ", line)]
    assert [line.split(" statements")[0].rsplit(" ", 1)[0].strip() for line in checks] == LABELS
    for line in checks:
        assert line.endswith("= floor"), line
        counts = [int(n) for n in re.search(r"rows \[([\d, ]+)\]", line).group(1).split(", ")]
        assert counts[0] >= 1, line  # every endpoint reads something
    # The recorded SQL is the API's: the stances page reads a page of published stances plus one (the cursor's
    # look-ahead), which the database itself confirms.
    path = tiny_database["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as database:
        (published,) = database.execute("SELECT count(*) FROM positions_stance WHERE status = 'published'").fetchone()
    csv_line = next(line for line in checks if "stances as CSV" in line)
    # One of its statements is the page: a row more than the page size, to know whether there is a next.
    assert min(published, 51) in [int(n) for n in re.search(r"rows \[([\d, ]+)\]", csv_line).group(1).split(", ")]
