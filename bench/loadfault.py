"""Load and fault: many clients read the API while editors publish and, optionally, PostgreSQL restarts.

    .venv/bin/python bench/loadfault.py                         8 clients, 20 s, SQLite
    .venv/bin/python bench/loadfault.py --clients 16 --seconds 30 --restart-postgres

Everything runs on this machine and talks to 127.0.0.1 only: a fresh database (a temporary SQLite file,
or with --restart-postgres a throwaway PostgreSQL cluster this script creates with initdb and removes
afterwards, never the machine's own server), migrated and seeded; the app under gunicorn on a free port;
N client threads reading a mix of endpoints for T seconds; an editor thread publishing and unpublishing
a stance all along; and with --restart-postgres, the cluster stopped for a few seconds mid-run.

It prints the answers by status, latency percentiles, what the clients saw while the database was down
(503s in the error shape with Retry-After, never 500s) and how long the API took to answer again once it
was back. It exits non-zero on any 500, any connection error while the database was up, or no recovery.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MAX_CLIENTS, MAX_SECONDS = 64, 300
# (weight, path): what readers ask for most, with {actor} and {policy} filled in from the seed.
MIX = [
    (4, "/api/stances/"),
    (2, "/api/stances/?format=csv"),
    (3, "/api/positions/"),
    (2, "/api/positions/?as_of=2025-09-01"),
    (2, "/api/shifts/"),
    (2, "/api/actors/"),
    (2, "/api/actors/{actor}/"),
    (2, "/api/actors/{actor}/timeline/"),
    (2, "/api/policies/{policy}/timeline/"),
    (1, "/api/sources/"),
    (1, "/api/health/"),
]


@dataclass
class Answer:
    started: float
    ended: float
    path: str
    status: str  # "200", "503", … or "error: ConnectionRefusedError"
    problem: str = ""  # what was wrong with a 503 that should have been in the error shape


@dataclass
class Outage:
    down: float | None = None
    up: float | None = None


@dataclass
class Editor:
    toggles: int = 0
    failures: Counter = field(default_factory=Counter)


def free_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


def pg_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not versions or not (versions[-1] / "initdb").exists():
        sys.exit("--restart-postgres needs PostgreSQL's server binaries under /usr/lib/postgresql/*/bin")
    return versions[-1]


class ThrowawayPostgres:
    """A PostgreSQL cluster of this run's own, in a temporary directory, on a free loopback port."""

    def __init__(self):
        self.bin = pg_bin()
        # Its own directory, which the postgres user must be able to enter (the run's is private to root).
        self.dir = Path(tempfile.mkdtemp(prefix="loadfault-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()

    def run(self, *command: str) -> None:
        # initdb and postgres refuse to run as root: as root, run them as the postgres user.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run([*prefix, *command], capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")

    def create(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")
        self.start()
        self.run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "loadfault")
        return f"postgres://postgres@127.0.0.1:{self.port}/loadfault"

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.dir}"
        options += " -c fsync=off"  # a cluster thrown away in a minute needs no durability
        log = str(self.dir / "log")
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", log, "-w", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def start_server(env: dict, port: int, workers: int, threads: int, log) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent))
    if gunicorn:
        command = [gunicorn, "stancetracker.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers)]
        command += ["--threads", str(threads), "--timeout", "30", "--log-level", "warning"]
    else:  # the development server, when gunicorn (requirements-dev.txt) is not installed
        command = [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, text=True)


def get(base: str, path: str, timeout: float = 10) -> tuple[str, str]:
    """The status of GET ``path`` and, for a 503, what is wrong with it (empty when it is as promised)."""
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as response:
            response.read()
            return str(response.status), ""
    except urllib.error.HTTPError as error:
        body = error.read()
        problem = ""
        if error.code == 503:
            problem = outage_problem(error.headers, body)
        return str(error.code), problem
    except OSError as error:
        return f"error: {type(error.__cause__ or error).__name__}", ""


def outage_problem(headers, body: bytes) -> str:
    """What is wrong with a 503, if anything: it must say database_unavailable (as JSON, or as CSV to a
    ?format=csv request) and when to retry."""
    if not headers.get("Retry-After"):
        return "503 without Retry-After"
    if headers.get_content_type() == "text/csv":
        return "" if b"database_unavailable" in body else f"unexpected CSV 503: {body[:120]!r}"
    try:
        return "" if json.loads(body).get("code") == "database_unavailable" else f"unexpected 503: {body[:120]!r}"
    except ValueError:
        return f"503 not in the error shape: {body[:120]!r}"


def wait_until_serving(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("the server exited: see its log (--server-log)")
        if get(base, "/api/health/", timeout=2)[0] == "200":
            return
        time.sleep(0.2)
    sys.exit("the server did not answer /api/health/ in time")


def reader(base: str, paths: list[str], weights: list[int], until: float, answers: list, seed: int) -> None:
    chooser = random.Random(seed)
    while (started := time.monotonic()) < until:
        path = chooser.choices(paths, weights)[0]
        status, problem = get(base, path)
        answers.append(Answer(started, time.monotonic(), path, status, problem))


def editor(until: float, editor_state: Editor, interval: float) -> None:
    """Publishes and unpublishes one stance, as an editor in the admin would, until ``until``."""
    from django.contrib.auth import get_user_model
    from django.db import close_old_connections

    from positions.models import Stance
    from positions.publishing import publish_stances, unpublish_stances

    user = None
    while time.monotonic() < until:
        try:
            user = user or get_user_model().objects.get_or_create(username="loadfault-editor")[0]
            stance = Stance.objects.published().order_by("pk").first() or Stance.objects.order_by("pk").first()
            unpublish_stances(stances=[stance], user=user)
            publish_stances(stances=[Stance.objects.get(pk=stance.pk)], user=user)
            editor_state.toggles += 1
        except Exception as error:  # an outage must not stop the editor: count it and go on
            editor_state.failures[type(error).__name__] += 1
            close_old_connections()
        time.sleep(interval)
    close_old_connections()


def restart(postgres: ThrowawayPostgres, at: float, down_seconds: float, outage: Outage) -> None:
    time.sleep(max(0.0, at - time.monotonic()))
    outage.down = time.monotonic()
    postgres.stop("fast")
    time.sleep(down_seconds)
    postgres.start()
    outage.up = time.monotonic()


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def report(answers: list[Answer], seconds: float, outage: Outage | None, editor_state: Editor) -> int:
    failures = 0
    latencies = [(a.ended - a.started) * 1000 for a in answers]
    print(f"\n{len(answers):,} requests in {seconds:.0f} s ({len(answers) / seconds:.0f}/s)")
    statuses = sorted(Counter(a.status for a in answers).items())
    print("answers by status: " + ", ".join(f"{status}: {count:,}" for status, count in statuses))
    print(
        f"latency ms: p50 {percentile(latencies, 0.5):.1f}, p95 {percentile(latencies, 0.95):.1f}, "
        f"p99 {percentile(latencies, 0.99):.1f}, max {max(latencies):.1f}"
    )
    ok = [(a.ended - a.started) * 1000 for a in answers if a.status == "200"]
    if ok:
        print(f"latency ms of 200s: p50 {percentile(ok, 0.5):.1f}, p95 {percentile(ok, 0.95):.1f}")
    print(f"editor: {editor_state.toggles} unpublish+publish rounds, failures {dict(editor_state.failures) or 0}")
    server_errors = [a for a in answers if a.status.startswith("5") and a.status != "503"]
    bad_503 = [a for a in answers if a.problem]
    if server_errors or bad_503:
        failures += 1
        print(f"FAIL: {len(server_errors)} server errors other than 503, {len(bad_503)} malformed 503s")
        for answer in (server_errors + bad_503)[:5]:
            print(f"  {answer.status} {answer.path} {answer.problem}")
    if outage is None:
        if any(a.status != "200" for a in answers):
            failures += 1
            print("FAIL: non-200 answers with the database up")
        return failures
    during = [a for a in answers if outage.down <= a.started <= outage.up]
    seen = Counter(a.status for a in during)
    print(
        f"database down {outage.up - outage.down:.1f} s: {len(during)} requests then, "
        + ", ".join(f"{s}: {n}" for s, n in sorted(seen.items()))
    )
    before = [a for a in answers if a.ended < outage.down]
    errors_before = [a for a in before if a.status != "200"]
    after_up = sorted((a for a in answers if a.started >= outage.up), key=lambda a: a.started)
    first_ok = next((a for a in after_up if a.status == "200" and a.path != "/api/health/"), None)
    if first_ok is None:
        failures += 1
        print("FAIL: the API did not answer 200 again after the database came back")
    else:
        unavailable_after = [a.ended for a in after_up if a.status not in ("200", "500")]
        print(
            f"recovery: first 200 {first_ok.ended - outage.up:.2f} s after the database was back; last 503 or "
            f"connection error {max(unavailable_after, default=outage.up) - outage.up:.2f} s after"
        )
    if errors_before:
        failures += 1
        print(f"FAIL: {len(errors_before)} non-200 answers before the outage")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help=f"reader threads (at most {MAX_CLIENTS})")
    parser.add_argument("--seconds", type=float, default=20, help=f"how long they read (at most {MAX_SECONDS})")
    parser.add_argument(
        "--restart-postgres", action="store_true", help="run on a throwaway PostgreSQL cluster, stopped mid-run"
    )
    parser.add_argument("--down-seconds", type=float, default=3, help="how long PostgreSQL stays down")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--publish-every", type=float, default=0.25, help="seconds between the editor's rounds")
    parser.add_argument("--server-log", type=Path, help="keep the server's log (errors, one line per outage) here")
    options = parser.parse_args()
    if not 1 <= options.clients <= MAX_CLIENTS or not 1 <= options.seconds <= MAX_SECONDS:
        parser.error(f"--clients must be 1..{MAX_CLIENTS} and --seconds 1..{MAX_SECONDS}")

    workdir = Path(tempfile.mkdtemp(prefix="loadfault-"))
    postgres = ThrowawayPostgres() if options.restart_postgres else None
    server = None
    try:
        print("setting up: database, migrations, seed …", flush=True)
        database_url = postgres.create() if postgres else f"sqlite:///{workdir / 'loadfault.sqlite3'}"
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_API_ANON_THROTTLE_RATE": "",  # every client is 127.0.0.1: throttling would measure itself
            "DJANGO_LOG_LEVEL": "WARNING" if options.server_log else "CRITICAL",
        }
        env.pop("DJANGO_CACHE_URL", None)
        env.pop("DATABASE_REPLICA_URLS", None)
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "load_seed", "--verbosity", "0")
        os.environ.update({key: env[key] for key in ("DATABASE_URL", "DJANGO_DEBUG", "DJANGO_SECRET_KEY")})
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stancetracker.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from positions.models import Actor, Policy

        actor = Actor.objects.filter(stances__isnull=False).order_by("slug").first().slug
        policy = Policy.objects.filter(stances__isnull=False).order_by("slug").first().slug
        paths = [path.format(actor=actor, policy=policy) for _, path in MIX]
        weights = [weight for weight, _ in MIX]

        log = open(options.server_log, "w") if options.server_log else subprocess.DEVNULL  # noqa: SIM115
        server = start_server(env, port, options.workers, options.threads, log)
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base, server)
        print(
            f"serving on {base}; {options.clients} clients for {options.seconds:.0f} s"
            + (f", PostgreSQL down for {options.down_seconds:.0f} s from a third of the way" if postgres else ""),
            flush=True,
        )

        answers: list[Answer] = []
        outage = Outage() if postgres else None
        editor_state = Editor()
        start = time.monotonic()
        until = start + options.seconds
        threads = [
            threading.Thread(target=reader, args=(base, paths, weights, until, answers, n), daemon=True)
            for n in range(options.clients)
        ]
        threads.append(threading.Thread(target=editor, args=(until, editor_state, options.publish_every), daemon=True))
        if postgres:
            at = start + options.seconds / 3
            threads.append(threading.Thread(target=restart, args=(postgres, at, options.down_seconds, outage)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=options.seconds + options.down_seconds + 60)
        return 1 if report(answers, time.monotonic() - start, outage, editor_state) else 0
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if postgres is not None:
            postgres.remove()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
