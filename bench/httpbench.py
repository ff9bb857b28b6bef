"""HTTP benchmark: the API under gunicorn against the raw floor and datasette, in one interleaved run.

    DATABASE_URL=postgres://… .venv/bin/python bench/httpbench.py                  API, floor, datasette
    DATABASE_URL=postgres://… .venv/bin/python bench/httpbench.py --quick          a small run (about a minute)
    DATABASE_URL=postgres://… .venv/bin/python bench/httpbench.py --sqlite         the API on PostgreSQL and on SQLite
    DATABASE_URL=postgres://… .venv/bin/python bench/httpbench.py --write docs/performance.md

Everything runs on 127.0.0.1 and is stopped at the end. Against the database in DATABASE_URL (only read):

1. every benchmarked URL is requested once in-process, recording the SQL the API issues (``capture.py``);
2. the servers start, each on a free port: the API (``stancetracker.wsgi``) under gunicorn with 2 sync
   workers; the floor (``floor.py``, replaying the recorded SQL with psycopg and ``json.dumps``) under the same
   gunicorn; datasette over a cached SQLite copy of the data (``sqlite_copy.py``) in immutable mode, the
   endpoints as canned queries (``datasette_queries.py``); with ``--sqlite``, the API again over that copy;
3. the floor's row counts are checked against the API's SQL, URL by URL;
4. one interleaved run (``load.py``): warm-up, then p50/p99 at concurrency 1, then requests per second at
   concurrency 8, targets and endpoints rotated every round;
5. it prints one table with the ratios API/floor and API/datasette (or SQLite/PostgreSQL), and the RSS of
   every worker (peak and after the run, from /proc); ``--write`` puts the run in a Markdown file with
   ``EXPLAIN (ANALYZE, BUFFERS)`` of every statement (PostgreSQL).

It exits non-zero when any request fails or the floor's rows differ from the API's SQL.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import importlib.util
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import datasette_queries
import load
import sqlite_copy
from report import NAMES, Endpoint, Facts, table, write_report

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
AS_OF = "2025-09-01"
LABELS = {
    "timeline": "actor timeline, one policy",
    "positions_day": "positions as of a day, one policy",
    "positions": "positions, unfiltered first page",
    "shifts_actor": "shifts, one actor",
    "shifts": "shifts, unfiltered first page",
    "stances_policy": "stances filtered by policy, first page",
    "stance": "stance detail",
    "search": "?q=police",
    "actors": "actors list",
    "csv": "stances as CSV, first page",
    "deep": "stances, deep cursor page",
}


def free_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


def choose_endpoints(database: str) -> list[Endpoint]:
    """The issue's endpoints, over the busiest actor and policy (the worst case of a filtered page), a stance in
    the middle of the ids, and a cursor page half-way down the stances."""
    from django.db.models import Count
    from django.utils import timezone

    from api import keysets
    from positions.models import Actor, Policy, Stance

    published = Stance.objects.published()
    total = published.count()
    if not total:
        sys.exit("No published stances: generate data first (see the README, Benchmarks).")
    busiest = published.values("actor").annotate(n=Count("pk")).order_by("-n", "actor").first()["actor"]
    actor = Actor.objects.get(pk=busiest)
    policy = Policy.objects.get(
        pk=published.values("policy").annotate(n=Count("pk")).order_by("-n", "policy").first()["policy"]
    )
    actor_policy = Policy.objects.get(
        pk=published.filter(actor=actor).values("policy").annotate(n=Count("pk")).order_by("-n", "policy")[0]["policy"]
    )
    stance = published.order_by("pk")[total // 2]
    middle = published.order_by("-known_from", "-pk")[total // 2]
    # The cursor for the page after the last stance of ``middle``'s day (the list is ordered by -known_from, -pk):
    # the stances of earlier days, as datasette's query reads them.
    last_of_day = published.filter(known_from=middle.known_from).order_by("pk").first()
    cursor = keysets.encode([middle.known_from, last_of_day.pk], before=False)
    day = min(AS_OF, datetime.date.today().isoformat())
    a, ap, p = actor.slug, actor_policy.slug, policy.slug
    api = {
        "timeline": f"/api/actors/{a}/timeline/?policy={ap}",
        "positions_day": f"/api/positions/?as_of={day}&policy={p}",
        "positions": "/api/positions/",
        "shifts_actor": f"/api/shifts/?actor={a}",
        "shifts": "/api/shifts/",
        "stances_policy": f"/api/stances/?policy={p}",
        "stance": f"/api/stances/{stance.pk}/",
        "search": "/api/stances/?q=police",
        "actors": "/api/actors/",
        "csv": "/api/stances/?format=csv",
        "deep": f"/api/stances/?cursor={quote(cursor)}",
    }
    query = functools.partial(datasette_queries.url, database)
    datasette = {  # no fair equivalent of the unfiltered positions and shifts
        "timeline": query("timeline", actor=a, policy=ap),
        "positions_day": query("positions_as_of", day=day, policy=p),
        "shifts_actor": query("shifts_of_actor", actor=a),
        "stances_policy": query("stances_of_policy", policy=p),
        "stance": query("stance", id=stance.pk),
        "search": query("search", q="police"),
        "actors": query("actors", day=timezone.localdate().isoformat()),  # "latest" is as of today in the API
        "csv": query("stances", "csv"),
        "deep": query("stances_before", day=middle.known_from.isoformat()),
    }
    return [Endpoint(key, label, api[key], datasette.get(key)) for key, label in LABELS.items()]


def server_env(database_url: str, secret: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secret,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_API_ANON_THROTTLE_RATE": "",  # every client is 127.0.0.1: throttling would measure itself
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    # The response cache and replicas are other measurements: this one is the API on its database.
    for name in ("DJANGO_CACHE_URL", "DATABASE_REPLICA_URLS"):
        env.pop(name, None)
    return env


def gunicorn(app: str, port: int, workers: int, env: dict, log, *extra: str) -> subprocess.Popen:
    binary = shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or "gunicorn"
    command = [binary, app, "-b", f"127.0.0.1:{port}", "-w", str(workers), "--worker-class", "sync"]
    command += ["--timeout", "300", "--log-level", "warning", *extra]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)


def datasette(path: Path, port: int, metadata: Path, log) -> subprocess.Popen:
    binary = shutil.which("datasette", path=str(Path(PYTHON).parent)) or "datasette"
    command = [binary, "serve", "-i", str(path), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--metadata", str(metadata), "--setting", "sql_time_limit_ms", "120000"]
    command += ["--setting", "max_returned_rows", "1000", "--setting", "num_sql_threads", "3"]
    return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log)


def wait_until_serving(base: str, path: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{base} exited before serving: see --server-log")
        try:
            with urllib.request.urlopen(base + path, timeout=120) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    sys.exit(f"{base} did not answer {path} in time")


def processes(process: subprocess.Popen) -> list[int]:
    """A gunicorn master's workers (or the process itself when it has no children, as datasette)."""
    children = []
    for task in Path(f"/proc/{process.pid}/task").glob("*/children"):
        children += [int(pid) for pid in task.read_text().split()]
    return children or [process.pid]


def rss_mb(pid: int) -> tuple[float, float]:
    """(RSS now, peak RSS) of a process, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def check_floor(base: str, recordings) -> list[str]:
    """Each floor URL once: its rows per statement against those of the API's SQL."""
    problems, lines = [], []
    for recording in recordings:
        with urllib.request.urlopen(base + recording.url, timeout=300) as response:
            floor_rows = json.loads(response.read())["rows"]
        same = floor_rows == recording.rows
        lines.append(
            f"  {recording.label:42} {len(recording.statements)} statements, rows {recording.rows} "
            + ("= floor" if same else f"!= floor {floor_rows}")
        )
        if not same:
            problems.append(recording.label)
    print("floor replays the API's SQL (rows per statement):\n" + "\n".join(lines))
    return problems


def identities(body: bytes) -> list:
    """What a response lists, in order: stance ids (the later stance of a shift), or slugs of actors; from the
    API's JSON (a page or one object), datasette's array of rows, or either's CSV (its first column)."""
    try:
        data = json.loads(body)
    except ValueError:
        return [line.split(",", 1)[0] for line in body.decode().splitlines()[1:] if line]
    items = data.get("results", [data]) if isinstance(data, dict) else data

    def identity(item):
        if "slug" in item:
            return item["slug"]
        return item["to_stance"]["id"] if "to_stance" in item else item["id"]

    return [str(identity(item)) for item in items]


def check_same_rows(
    bases: dict[str, str], plan: dict[str, dict[str, str | None]], endpoints, others
) -> list[tuple[str, str]]:
    """Whether each other target lists the API's rows in the API's order (by id, or slug for actors)."""
    lines = []
    for endpoint in endpoints:
        with urllib.request.urlopen(bases["api"] + endpoint.api, timeout=300) as response:
            expected = identities(response.read())
        verdicts = []
        for target in others:
            if not plan[endpoint.key].get(target):
                continue
            with urllib.request.urlopen(bases[target] + plan[endpoint.key][target], timeout=300) as response:
                got = identities(response.read())
            if got == expected:
                verdicts.append(f"{NAMES[target]} same {len(got)}")
            elif sorted(got) == sorted(expected):
                verdicts.append(f"{NAMES[target]} same {len(got)} in another order")
            else:
                common = len(set(got) & set(expected))
                verdicts.append(f"{NAMES[target]} DIFFERS ({len(got)} rows, API {len(expected)}, {common} in common)")
        lines.append((endpoint.label, "; ".join(verdicts) or "–"))
    print("same rows as the API, in the same order:")
    for label, verdict in lines:
        print(f"  {label:42} {verdict}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small run: few samples, short bursts")
    parser.add_argument("--sqlite", action="store_true", help="compare the API on PostgreSQL and on a SQLite copy")
    parser.add_argument(
        "--targets", help="comma-separated, of api, floor, datasette, sqlite (default api,floor,datasette)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server (default 2)")
    parser.add_argument("--concurrency", type=int, default=8, help="clients for the throughput phase (default 8)")
    parser.add_argument("--samples", type=int, help="requests per cell at concurrency 1 (default 100, quick 10)")
    parser.add_argument("--budget", type=float, help="seconds at most for concurrency 1 (default 150, quick 20)")
    parser.add_argument("--rounds", type=int, help="bursts per cell at concurrency N (default 3, quick 1)")
    parser.add_argument("--burst", type=float, help="seconds per burst (default 1, quick 0.3)")
    parser.add_argument("--cache-dir", type=Path, default=BENCH / "cache", help="where the SQLite copy is kept")
    parser.add_argument("--write", type=Path, help="write the run, with EXPLAIN of every statement, to this file")
    parser.add_argument("--server-log", type=Path, help="keep the servers' logs here")
    options = parser.parse_args()
    quick = options.quick
    samples = options.samples or (10 if quick else 100)
    budget = options.budget or (20 if quick else 150)
    rounds = options.rounds or (1 if quick else 3)
    burst = options.burst or (0.3 if quick else 1.0)
    targets = (options.targets or ("api,sqlite" if options.sqlite else "api,floor,datasette")).split(",")
    if unknown := set(targets) - set(NAMES):
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    if "datasette" in targets and importlib.util.find_spec("datasette") is None:
        print("datasette is not installed (pip install -r requirements-bench.txt): left out")
        targets.remove("datasette")

    database_url = os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'db.sqlite3'}")
    env = server_env(database_url, secrets.token_urlsafe(50))
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "DJANGO_DEBUG", "DJANGO_SECRET_KEY")})
    os.environ.pop("DJANGO_CACHE_URL", None)
    os.environ.pop("DATABASE_REPLICA_URLS", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stancetracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from positions.models import Stance

    copy_needed = {"datasette", "sqlite"} & set(targets)
    copy_path = options.cache_dir / f"{database_url.rsplit('/', 1)[-1].split('?')[0].removesuffix('.sqlite3')}.sqlite3"
    endpoints = choose_endpoints(copy_path.stem)
    published = Stance.objects.published().count()
    print(f"{connection.vendor}: {published:,} published stances; recording the API's SQL …", flush=True)
    import capture

    recordings = capture.record(
        [(e.label, e.api) for e in endpoints], explain=bool(options.write) and "floor" in targets
    )
    connection.close()

    workdir = Path(tempfile.mkdtemp(prefix="httpbench-"))
    servers: dict[str, subprocess.Popen] = {}
    log = open(options.server_log, "w") if options.server_log else subprocess.DEVNULL  # noqa: SIM115
    try:
        if copy_needed:
            copy_path = sqlite_copy.ensure_copy(database_url, options.cache_dir)
        plan_file = workdir / "floor.json"
        plan_file.write_text(
            json.dumps(
                {
                    "statements": {r.url: r.statements for r in recordings},
                    "parameterized": {r.url: r.parameterized for r in recordings},
                }
            )
        )
        bases = {target: f"http://127.0.0.1:{free_port()}" for target in targets}
        floor_env = {**env, "BENCH_FLOOR_PLAN": str(plan_file), "BENCH_FLOOR_DATABASE_URL": database_url}
        sqlite_env = server_env(f"sqlite:///{copy_path}", env["DJANGO_SECRET_KEY"])
        metadata = workdir / "metadata.json"
        metadata.write_text(json.dumps(datasette_queries.metadata(copy_path.stem)))
        for target in targets:
            port = int(bases[target].rsplit(":", 1)[1])
            if target == "datasette":
                servers[target] = datasette(copy_path, port, metadata, log)
            elif target == "floor":
                pythonpath = ("--pythonpath", str(BENCH))
                servers[target] = gunicorn("floor:application", port, options.workers, floor_env, log, *pythonpath)
            else:
                app_env = sqlite_env if target == "sqlite" else env
                servers[target] = gunicorn("stancetracker.wsgi", port, options.workers, app_env, log)
        probes = {"api": "/api/health/", "sqlite": "/api/health/", "floor": endpoints[0].api}
        for target, process in servers.items():
            wait_until_serving(bases[target], probes.get(target, "/-/versions.json"), process)
        print("serving: " + ", ".join(f"{NAMES[t]} {bases[t]}" for t in targets), flush=True)
        rss_before = {pid: rss_mb(pid)[0] for process in servers.values() for pid in processes(process)}

        mismatched = check_floor(bases["floor"], recordings) if "floor" in targets else []
        plan = {e.key: {"api": e.api, "floor": e.api, "sqlite": e.api, "datasette": e.datasette} for e in endpoints}
        same_rows = []
        if "api" in targets and {"datasette", "sqlite"} & set(targets):
            same_rows = check_same_rows(bases, plan, endpoints, [t for t in ("datasette", "sqlite") if t in targets])
        run = load.Run({t: bases[t] for t in targets}, plan)
        started, load_before = time.monotonic(), os.getloadavg()[0]
        print(f"concurrency 1: up to {samples} requests per cell, at most {budget:.0f} s …", flush=True)
        run.latency(warmup_rounds=1 if quick else 3, samples=samples, budget_seconds=budget)
        print(f"concurrency {options.concurrency}: {rounds} × {burst} s per cell …", flush=True)
        run.throughput(concurrency=options.concurrency, rounds=rounds, slice_seconds=burst)
        seconds = time.monotonic() - started
        # A worker that was replaced during the run (it should not be) shows no start figure.
        rss = {t: [(rss_before.get(pid, 0.0), rss_mb(pid)) for pid in processes(p)] for t, p in servers.items()}

        result = table(endpoints, run, targets)
        memory = [
            f"{NAMES[t]}: "
            + ", ".join(
                f"{before:.0f} MB at start, peak {peak:.0f} MB, {now:.0f} MB after the run"
                for before, (now, peak) in values
            )
            for t, values in rss.items()
        ]
        samples_taken = sorted(len(c.latencies_ms) for c in run.cells.values())
        print(
            f"\n{published:,} published stances on {connection.vendor}; run of {seconds:.0f} s; "
            f"{samples_taken[0]}–{samples_taken[-1]} requests per cell at concurrency 1\n"
        )
        print(result)
        print("\nworker RSS (per worker):\n  " + "\n  ".join(memory))
        errors = [problem for cell in run.cells.values() for problem in cell.errors]
        for problem in errors[:10]:
            print("ERROR " + problem)
        if mismatched:
            print("ERROR the floor's rows differ from the API's SQL on: " + ", ".join(mismatched))
        if options.write:
            facts = Facts(published, seconds, samples_taken, load_before, memory, same_rows)
            write_report(options.write, endpoints, recordings, run, targets, facts)
            print(f"written to {options.write}")
        return 1 if errors or mismatched else 0
    finally:
        for process in servers.values():
            process.terminate()
        for process in servers.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
