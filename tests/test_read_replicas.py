"""With DATABASE_REPLICA_URLS set, public reads go to a replica and writes stay on the primary.

Settings are read once per process, so each case runs ``manage.py shell`` in a child process
with the environment a deployment would have; the replica is a second connection to the same
SQLite file, as a streaming replica is a second server with the same data.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROUTING = r"""
import json
from django.db import router
from multidb.pinning import unpin_this_thread
from positions.models import Stance

# manage.py pins its own thread to the primary; a request thread starts unpinned.
unpin_this_thread()
print("REPORT" + json.dumps({
    "replicas": list(settings.REPLICA_DATABASES),
    "read": router.db_for_read(Stance),
    "write": router.db_for_write(Stance),
}))
"""

REQUESTS = r"""
import json
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from positions.models import Stance

report = {}
client = Client()
primary, replica = CaptureQueriesContext(connections["default"]), CaptureQueriesContext(connections["replica1"])
with primary, replica:
    response = client.get("/api/stances/")
report["api_status"] = response.status_code
# The current data version is read from the primary (once, then from the cache): a replica may lag behind.
report["api_queries"] = {
    "primary": len([query for query in primary if "dataversion" not in query["sql"]]),
    "replica": len(replica),
}
report["version_reads_on_primary"] = len(primary) - report["api_queries"]["primary"]
login = client.post("/admin/login/", {"username": "nobody", "password": "wrong"})
report["pinned_after_post"] = "multidb_pin_writes" in login.cookies
primary, replica = CaptureQueriesContext(connections["default"]), CaptureQueriesContext(connections["replica1"])
with primary, replica:
    client.get("/api/stances/")
report["pinned_queries"] = {"primary": len(primary), "replica": len(replica)}
print("REPORT" + json.dumps(report))
"""


def run_probe(tmp_path: Path, probe: str, **environ: str) -> dict:
    database = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{database}",
        **environ,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=settings.BASE_DIR)
    result = subprocess.run(
        [*manage, "shell", "--no-imports", "-c", "from django.conf import settings\n" + probe],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("REPORT"))
    return json.loads(line.removeprefix("REPORT"))


def test_reads_are_routed_to_the_replica_and_writes_to_the_primary(tmp_path):
    report = run_probe(tmp_path, ROUTING, DATABASE_REPLICA_URLS=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert report == {"replicas": ["replica1"], "read": "replica1", "write": "default"}


def test_public_reads_use_the_replica_until_a_client_writes(tmp_path):
    report = run_probe(tmp_path, REQUESTS, DATABASE_REPLICA_URLS=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert report["api_status"] == 200
    assert report["api_queries"]["replica"] >= 1 and report["api_queries"]["primary"] == 0
    assert report["version_reads_on_primary"] <= 1
    # A POST (here a failed login) pins the client to the primary, so it reads its own writes.
    assert report["pinned_after_post"] is True
    assert report["pinned_queries"]["primary"] >= 1 and report["pinned_queries"]["replica"] == 0


def test_without_replicas_everything_uses_the_one_database(tmp_path):
    assert run_probe(tmp_path, ROUTING) == {"replicas": [], "read": "default", "write": "default"}
