"""Past one machine: a real PostgreSQL streaming replica serves the public API while the admin writes to the
primary.

A throwaway primary (``initdb``, ``wal_level=replica``) and a hot standby cloned from it with
``pg_basebackup -R`` run on free loopback ports in a temporary directory, as the ``postgres`` user when the
tests run as root. The app runs in a gunicorn of its own with ``DATABASE_URL`` on the primary and
``DATABASE_REPLICA_URLS`` on the replica, as a deployment would. An editor publishes a draft in the admin;
once the replica has replayed it, the public API shows it, and still does after the primary is stopped:
the read came from the replica.
"""

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="streaming replication needs PostgreSQL (DATABASE_URL=postgres://…)"
)

BINARIES = ("initdb", "pg_ctl", "pg_basebackup", "psql")
DEADLINE_SECONDS = 25
PYTHON = Path(sys.executable)


def server_binaries() -> Path | None:
    for directory in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if all((directory / name).exists() for name in BINARIES):
            return directory
    return None


def free_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


class Clusters:
    """A primary and its hot standby, each on a free loopback port, under one temporary directory."""

    def __init__(self, binaries: Path):
        self.bin = binaries
        # Its own directory, which the postgres user can enter (pytest's are private to the user running it).
        self.dir = Path(tempfile.mkdtemp(prefix="stancetracker-replica-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.ports = {"primary": free_port(), "replica": free_port()}

    def run(self, program: str, *arguments: str) -> str:
        # initdb and postgres refuse to run as root.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run(
            [*prefix, str(self.bin / program), *arguments], capture_output=True, text=True, timeout=30
        )
        assert done.returncode == 0, f"{program} failed:\n{done.stdout}{done.stderr}"
        return done.stdout

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.ports[name]}/stancetracker"

    def start(self, name: str, *options: str) -> None:
        settings_ = ["listen_addresses=127.0.0.1", f"port={self.ports[name]}", f"unix_socket_directories={self.dir}"]
        settings_ += ["fsync=off", *options]  # thrown away in seconds: no durability needed
        flags = " ".join(f"-c {setting}" for setting in settings_)
        self.run("pg_ctl", "-D", str(self.dir / name), "-l", str(self.dir / f"{name}.log"), "-w", "-o", flags, "start")

    def stop(self, name: str, mode: str = "fast") -> None:
        if (self.dir / name / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.dir / name), "-m", mode, "-w", "stop")

    def sql(self, name: str, query: str) -> str:
        return self.run(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.ports[name]),
            "-U",
            "postgres",
            "-d",
            "stancetracker",
            "-tA",
            "-c",
            query,
        ).strip()

    def create(self) -> None:
        self.run("initdb", "-D", str(self.dir / "primary"), "-U", "postgres", "--auth=trust", "--no-sync")
        self.start("primary", "wal_level=replica", "max_wal_senders=4")
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.ports["primary"]), "-U", "postgres", "stancetracker")
        # -R writes standby.signal and primary_conninfo: the copy starts as a hot standby following the primary.
        self.run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.ports["primary"]),
            "-U",
            "postgres",
            "-D",
            str(self.dir / "replica"),
            "-R",
            "-X",
            "stream",
            "--no-sync",
            "--checkpoint=fast",
        )
        self.start("replica", "hot_standby=on")

    def remove(self) -> None:
        for name in ("replica", "primary"):
            try:
                self.stop(name, "immediate")
            except AssertionError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def clusters():
    binaries = server_binaries()
    if binaries is None:
        pytest.skip(f"PostgreSQL's server binaries ({', '.join(BINARIES)}) are not under /usr/lib/postgresql/*/bin")
    found = Clusters(binaries)
    try:
        found.create()
        yield found
    finally:
        found.remove()


@pytest.fixture
def app(clusters):
    """The app under gunicorn on the pair: migrated on the primary, with a published stance and a draft,
    reading from the replica."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": clusters.url("primary"),
        "DATABASE_REPLICA_URLS": clusters.url("replica"),
        "DJANGO_SUPERUSER_PASSWORD": "replica-test-password",
    }
    for name in ("DJANGO_SETTINGS_MODULE", "DJANGO_CACHE_URL", "DATABASE_TEST_NAME"):
        env.pop(name, None)
    # One process for the three commands: Django starts once.
    setup = (
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from tests.factories import StanceFactory\n"
        "StanceFactory(status='published', summary='Already public')\n"
        "StanceFactory(status='draft', summary='Waiting for an editor')\n"
        "call_command('createsuperuser', interactive=False, username='chief', email='chief@example.org')\n"
    )
    subprocess.run(
        [str(PYTHON), "manage.py", "shell", "--no-imports", "-c", setup],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
    )
    port = free_port()
    gunicorn = PYTHON.parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "stancetracker.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--log-level", "warning"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: fetch(base + "/api/health/")[0] == 200, "the app to answer")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def fetch(url: str, opener=None, data: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data, doseq=True).encode() if data else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def wait_for(condition, what: str, seconds: float = 15) -> None:
    until = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < until, f"gave up waiting for {what}"
        time.sleep(0.1)


def log_in(base: str):
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, page = fetch(base + "/admin/login/", browser)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"csrfmiddlewaretoken": token, "username": "chief", "password": "replica-test-password", "next": "/admin/"}
    status, page = fetch(base + "/admin/login/", browser, form, {"Referer": base + "/admin/login/"})
    assert status == 200 and "Log out" in page, page[:500]
    return browser, jar


def test_a_change_published_in_the_admin_reaches_the_public_api_through_the_replica(clusters, app):
    started = time.monotonic()
    assert clusters.sql("replica", "SELECT pg_is_in_recovery()") == "t"
    draft = clusters.sql(
        "primary",
        "SELECT s.id || ' ' || a.slug FROM positions_stance s JOIN positions_actor a ON a.id = s.actor_id "
        "WHERE s.status = 'draft' AND EXISTS (SELECT 1 FROM positions_stanceevidence e WHERE e.stance_id = s.id) "
        "ORDER BY s.id LIMIT 1",
    )
    stance_id, actor = draft.split()
    public = f"{app}/api/stances/?actor={actor}"
    status, before = fetch(public)
    assert status == 200 and f'"id":{stance_id},' not in before

    browser, jar = log_in(app)
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    status, page = fetch(
        f"{app}/admin/positions/stance/",
        browser,
        {"csrfmiddlewaretoken": token, "action": "publish", "_selected_action": [stance_id]},
        {"Referer": f"{app}/admin/positions/stance/"},
    )
    # A superuser may publish without review (editors submit, and a second editor approves).
    assert status == 200 and "Published: 1 stance." in page
    # The write went to the primary (the replica refuses writes: a misrouted one would have failed) ...
    assert clusters.sql("primary", f"SELECT status FROM positions_stance WHERE id = {stance_id}") == "published"

    # ... and streams to the replica, which the public API reads.
    wait_for(
        lambda: clusters.sql("replica", f"SELECT status FROM positions_stance WHERE id = {stance_id}") == "published",
        "the replica to replay the change",
    )
    status, after = fetch(public)
    assert status == 200 and f'"id":{stance_id},' in after

    # With the primary stopped, the API still answers, and with the change: it reads from the replica.
    clusters.stop("primary")
    status, without_primary = fetch(public + "&page_size=10")
    assert status == 200, without_primary
    assert f'"id":{stance_id},' in without_primary
    assert time.monotonic() - started < DEADLINE_SECONDS
