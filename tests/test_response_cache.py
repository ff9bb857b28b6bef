"""Whole public responses kept in the cache by URL, format and data version, served without the database.

With ``DJANGO_CACHE_URL`` (Redis, the ``shared_redis`` fixture) every app server shares them; the
locmem default keeps them per process, correct all the same.
"""

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from positions.models import Actor, Stance

pytestmark = pytest.mark.django_db(transaction=True)

ACTOR = "/api/actors/zohran-mamdani/"


@pytest.fixture
def response_cache(settings):
    settings.RESPONSE_CACHE_SECONDS = 600
    cache.clear()
    yield cache
    cache.clear()


def test_a_stored_response_is_served_by_every_app_server_without_a_query(api_client, seeded, settings, shared_redis):
    settings.RESPONSE_CACHE_SECONDS = 600
    first = api_client.get("/api/stances/?format=csv")
    assert first.status_code == 200

    # The entry is in the shared Redis, where a second app server finds it.
    assert shared_redis.get(f"response:{first['ETag']}") is not None
    with CaptureQueriesContext(connection) as queries:
        again = api_client.get("/api/stances/?format=csv")
    assert list(queries) == []
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"] and again["Content-Type"] == first["Content-Type"]
    assert again["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in again


def test_a_write_on_one_app_server_makes_every_stored_response_unreachable(
    api_client, editor_client, seeded, settings, shared_redis
):
    settings.RESPONSE_CACHE_SECONDS = 600
    before = api_client.get(ACTOR)
    generation = shared_redis.get("dataversion:generation")

    Actor.objects.filter(slug="zohran-mamdani").update(name="Zohran K. Mamdani")

    assert shared_redis.get("dataversion:generation") > generation
    after = api_client.get(ACTOR)
    assert after.json()["name"] == "Zohran K. Mamdani"
    assert after["ETag"] != before["ETag"]
    with CaptureQueriesContext(connection) as queries:
        assert api_client.get(ACTOR).json()["name"] == "Zohran K. Mamdani"
    assert list(queries) == []


def test_the_per_process_cache_is_correct_too(api_client, seeded, response_cache):
    draft = Stance.objects.filter(status=Stance.Status.DRAFT, excerpts__isnull=False).distinct().first()
    url = f"/api/stances/?actor={draft.actor.slug}"
    listed = [row["id"] for row in api_client.get(url).json()["results"]]
    assert draft.pk not in listed
    with CaptureQueriesContext(connection) as queries:
        assert [row["id"] for row in api_client.get(url).json()["results"]] == listed
    assert list(queries) == []

    Stance.objects.filter(pk=draft.pk).update(status=Stance.Status.PUBLISHED)

    assert draft.pk in [row["id"] for row in api_client.get(url).json()["results"]]


def stored_responses(other_server) -> int:
    server = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    return len(list(server.scan_iter(f"{other_server.key_prefix}:*:response:*")))


def test_errors_throttled_answers_and_editors_pages_are_never_stored(
    api_client, editor_client, seeded, settings, shared_redis
):
    settings.RESPONSE_CACHE_SECONDS = 600
    assert api_client.get("/api/actors/nobody/").status_code == 404
    assert api_client.get("/api/positions/?as_of=yesterday").status_code == 400
    assert api_client.get("/api/health/").status_code == 200
    settings.API_ANON_THROTTLE_RATE = "1/minute"
    assert api_client.get("/api/policies/?page_size=1").status_code == 200
    assert api_client.get("/api/policies/").status_code == 429
    settings.API_ANON_THROTTLE_RATE = None
    assert editor_client.get(ACTOR).status_code == 200
    assert stored_responses(shared_redis) == 1  # the one 200 to an anonymous client

    with CaptureQueriesContext(connection) as queries:
        assert editor_client.get(ACTOR).status_code == 200
    assert list(queries), "an editor's request was answered from the cache"


def test_an_answer_from_the_cache_honours_if_none_match_and_head(api_client, seeded, response_cache):
    first = api_client.get("/api/policies/")
    with CaptureQueriesContext(connection) as queries:
        assert api_client.get("/api/policies/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        head = api_client.head("/api/policies/")
    assert list(queries) == []
    assert head.status_code == 200 and head["ETag"] == first["ETag"] and head.content == b""


def test_responses_larger_than_the_limit_are_served_but_not_stored(api_client, seeded, settings, response_cache):
    settings.RESPONSE_CACHE_MAX_BYTES = 100
    api_client.get("/api/policies/")
    with CaptureQueriesContext(connection) as queries:
        assert api_client.get("/api/policies/").status_code == 200
    assert list(queries)
