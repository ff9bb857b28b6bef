"""Conditional GETs by data version: a 304 touches no table, and every kind of write changes the ETag.

These tests commit (``transactional_db``), as production does: the cache's copy of the data version is kept
only for committed data.
"""

import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dataversion.triggers import untriggered_tables, watched_tables
from dataversion.version import changed
from positions.models import Actor, Stance
from tests.admin_forms import admin_url
from tests.factories import StanceFactory

pytestmark = pytest.mark.django_db(transaction=True)

ACTOR = "/api/actors/zohran-mamdani/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def get(client, url: str, etag: str | None = None, **headers):
    if etag:
        headers["HTTP_IF_NONE_MATCH"] = etag
    return client.get(url, **headers)


def test_a_304_for_the_current_etag_reads_no_table(api_client, seeded):
    first = get(api_client, ACTOR)
    assert first.status_code == 200 and first.json()["name"] == "Zohran Mamdani"
    etag = first["ETag"]
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert "Accept" in first["Vary"]

    with CaptureQueriesContext(connection) as queries:
        again = get(api_client, ACTOR, etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag and "Accept" in again["Vary"]
    assert list(queries) == []


def test_the_etag_does_not_come_from_the_body_and_differs_by_url_and_format(api_client, seeded, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example"]
    stances = get(api_client, "/api/stances/")
    assert get(api_client, "/api/stances/")["ETag"] == stances["ETag"]
    others = {
        get(api_client, "/api/stances/?format=csv")["ETag"],
        get(api_client, "/api/stances/?page_size=5")["ETag"],
        get(api_client, "/api/stances/", HTTP_ACCEPT="text/csv")["ETag"],
        get(api_client, "/api/stances/", HTTP_HOST="mirror.example")["ETag"],
    }
    assert stances["ETag"] not in others and len(others) == 4


def test_the_etag_changes_with_the_day_as_latest_positions_do(api_client, seeded, monkeypatch):
    import datetime

    from django.utils import timezone

    today = get(api_client, "/api/positions/")["ETag"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr("stancetracker.conditional.timezone.localdate", lambda: tomorrow)
    assert get(api_client, "/api/positions/", today).status_code == 200


def test_publishing_through_the_admin_changes_the_etag(api_client, editor_client, reviewer_client, seeded):
    draft = Stance.objects.filter(status=Stance.Status.DRAFT, excerpts__isnull=False).distinct().first()
    url = f"/api/stances/?actor={draft.actor.slug}&policy={draft.policy.slug}"
    before = get(api_client, url)
    assert draft.pk not in [row["id"] for row in before.json()["results"]]

    # An editor submits it; a second editor approves it, which publishes it.
    for client, action in ((editor_client, "submit_for_review"), (reviewer_client, "approve")):
        posted = client.post(admin_url(Stance, "changelist"), {"action": action, "_selected_action": [draft.pk]})
        assert posted.status_code == 302, action
    draft.refresh_from_db()
    assert draft.status == Stance.Status.PUBLISHED

    after = get(api_client, url, before["ETag"])
    assert after.status_code == 200
    assert draft.pk in [row["id"] for row in after.json()["results"]]
    assert after["ETag"] != before["ETag"]


def test_loading_the_seed_changes_the_etag(api_client):
    empty = get(api_client, "/api/actors/")
    assert empty.json()["count"] == 0

    call_command("load_seed", verbosity=0)

    loaded = get(api_client, "/api/actors/", empty["ETag"])
    assert loaded.status_code == 200 and loaded.json()["count"] == 17


def test_generating_synthetic_data_changes_the_etag(api_client):
    empty = get(api_client, "/api/stances/")
    call_command("generate_synthetic", stances=200, actors=10, policies=5, sources=20, seed=1, verbosity=0)
    generated = get(api_client, "/api/stances/", empty["ETag"])
    assert generated.status_code == 200 and generated.json()["results"]


def test_a_queryset_update_and_raw_sql_change_the_etag(api_client, seeded):
    before = get(api_client, ACTOR)
    Actor.objects.filter(slug="zohran-mamdani").update(name="Z. Mamdani")
    updated = get(api_client, ACTOR, before["ETag"])
    assert updated.status_code == 200 and updated.json()["name"] == "Z. Mamdani"

    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Actor._meta.db_table} SET name = %s WHERE slug = %s", ["Mamdani", "zohran-mamdani"])
    raw = get(api_client, ACTOR, updated["ETag"])
    assert raw.status_code == 200 and raw.json()["name"] == "Mamdani"


def unseen_rename(name: str) -> None:
    """A write on the driver's own connection, below every cursor of the app, as COPY or a psql session
    would be: only the database triggers see it."""
    sql = f"UPDATE {Actor._meta.db_table} SET name = '{name}' WHERE slug = 'zohran-mamdani'"
    connection.ensure_connection()
    connection.connection.cursor().execute(sql)


def test_a_write_the_app_does_not_see_is_noticed_within_the_recheck_interval(api_client, seeded, settings):
    settings.DATA_VERSION_RECHECK_SECONDS = 1
    before = get(api_client, ACTOR)
    unseen_rename("Unseen Mamdani")

    # A full response reads its own snapshot: the new data, under a new ETag, at once.
    fresh = get(api_client, ACTOR)
    assert fresh.json()["name"] == "Unseen Mamdani" and fresh["ETag"] != before["ETag"]
    time.sleep(1.2)
    assert get(api_client, ACTOR, before["ETag"]).status_code == 200


def test_a_loader_that_writes_unseen_says_so_and_the_etag_changes_at_once(api_client, seeded):
    before = get(api_client, ACTOR)
    unseen_rename("Copied Mamdani")
    changed(using=connection.alias)
    after = get(api_client, ACTOR, before["ETag"])
    assert after.status_code == 200 and after.json()["name"] == "Copied Mamdani"


def test_a_response_read_at_an_older_version_than_the_current_one_is_tagged_with_its_own(
    api_client, seeded, monkeypatch
):
    """As from a replica that lags: the primary is at a newer version than the snapshot that was read."""
    from stancetracker import conditional

    honest = get(api_client, ACTOR)["ETag"]
    monkeypatch.setattr(conditional, "current", lambda: "a-newer-version-on-the-primary")
    lagging = get(api_client, ACTOR)
    assert lagging["ETag"] == honest
    monkeypatch.undo()
    assert get(api_client, ACTOR, honest).status_code == 304


def test_a_transaction_that_rolls_back_leaves_the_etag_as_it_was(api_client, seeded):
    from django.db import transaction

    before = get(api_client, ACTOR)
    with pytest.raises(RuntimeError), transaction.atomic():
        Actor.objects.filter(slug="zohran-mamdani").update(name="Never Mamdani")
        raise RuntimeError
    assert get(api_client, ACTOR, before["ETag"]).status_code == 304


def test_health_checks_errors_and_editors_get_no_version_etag(api_client, editor_client, seeded):
    assert "ETag" not in get(api_client, "/api/health/")
    assert "ETag" not in get(api_client, "/api/actors/nobody/")
    assert "ETag" not in editor_client.get(ACTOR)


def test_every_watched_table_has_its_trigger():
    tables = watched_tables()
    assert {Actor._meta.db_table, Stance._meta.db_table, "sources_excerpt", "positions_stanceevidence"} <= set(tables)
    assert untriggered_tables() == []


def test_a_stance_created_by_the_orm_changes_the_etag(api_client, seeded):
    before = get(api_client, "/api/stances/")
    StanceFactory(summary="A new published stance")
    after = get(api_client, "/api/stances/", before["ETag"])
    assert after.status_code == 200
    assert "A new published stance" in [row["summary"] for row in after.json()["results"]]


def test_a_version_read_just_before_a_commit_is_never_mirrored_as_current(seeded):
    """A request reads the generation and then the table; a writer commits in between and advances the
    generation; the request then mirrors what it read. Only the generation it read holds that old version."""
    from dataversion.version import GENERATION_KEY, _database, current, read_token

    current()  # the cache now has a generation
    read_generation = cache.get(GENERATION_KEY)
    old = read_token()
    Actor.objects.filter(slug="zohran-mamdani").update(name="Zohran K. Mamdani")  # commits, advances
    cache.set(f"dataversion:token:{_database()}:{read_generation}", old)  # the late write of the racing request

    assert current() == read_token() != old


def test_a_new_release_changes_every_etag(api_client, seeded, settings):
    from stancetracker.conditional import release

    before = get(api_client, ACTOR)["ETag"]
    settings.RELEASE = "next-release"
    release.cache_clear()
    try:
        assert get(api_client, ACTOR, before).status_code == 200
    finally:
        release.cache_clear()


def test_if_none_match_any_on_a_missing_object_is_still_a_404(api_client, seeded):
    get(api_client, ACTOR)
    assert get(api_client, "/api/actors/nobody/", "*").status_code == 404
    assert get(api_client, ACTOR, "*").status_code == 304


@pytest.mark.parametrize(
    "page",
    [
        "/",
        "/actors/zohran-mamdani/",
        "/policies/defund-the-nypd/?as_of=2025-08-29",
        "/shifts/",
        "/actors/zohran-mamdani/policies/defund-the-nypd/chart.svg",
    ],
)
def test_readers_pages_are_tagged_by_data_version_and_revalidate_without_a_query(client, seeded, page):
    first = client.get(page)
    assert first.status_code == 200 and first["ETag"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(page, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (again.status_code, again.content, list(queries)) == (304, b"", [])

    Actor.objects.filter(slug="zohran-mamdani").update(name="Z. Mamdani")  # a write: every page may show it
    assert client.get(page, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
