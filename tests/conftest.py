"""Shared fixtures: users in each role, API clients and a shared Redis cache."""

import uuid

import pytest
import redis
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.test import APIClient

from stancetracker import ids
from tests import seed_rows
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Tests see plain HTTP and no throttling unless a test asks for them.
    settings.SECURE_SSL_REDIRECT = False
    # Creating users is the slowest part of most tests with the production password hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.API_ANON_THROTTLE_RATE = None
    # Ids looked up by slug are kept per data version (``stancetracker.ids``): each test starts with none.
    ids.forget()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def make_editor(**fields):
    """A staff user in the Editors group, as an editor would be set up."""
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor(db):
    return make_editor()


@pytest.fixture
def reviewer(db):
    """A second editor, who reviews what ``editor`` submits."""
    return make_editor()


@pytest.fixture(scope="session")
def seed_snapshot(django_db_setup, django_db_blocker):
    """Every row ``load_seed`` writes, captured once per test process (``tests.seed_rows``)."""
    with django_db_blocker.unblock():
        return seed_rows.capture()


@pytest.fixture
def seeded(db, seed_snapshot):
    """The shipped seed sources and curated records, exactly as ``load_seed`` writes them."""
    seed_rows.restore(seed_snapshot)


@pytest.fixture
def editor_client(client, editor):
    """A browser session logged into the admin as an editor."""
    client.force_login(editor)
    return client


@pytest.fixture
def reviewer_client(reviewer):
    """A second browser session, logged in as the reviewer."""
    client = Client()
    client.force_login(reviewer)
    return client


@pytest.fixture
def shared_redis(settings):
    """The default cache on the Redis at 127.0.0.1:6379, as DJANGO_CACHE_URL makes it, under a key prefix of
    this test's own; gives another client of it, as a second app server would have. Skips without Redis.

    Afterwards only the prefix's keys are deleted: the Redis database may be shared with others.
    """
    from django.core.cache.backends.redis import RedisCache

    location = "redis://127.0.0.1:6379/0"
    prefix = f"stancetracker-test-{uuid.uuid4().hex}"
    other_process = RedisCache(location, {"KEY_PREFIX": prefix})
    try:
        other_process.get("ping")
    except Exception as error:  # any connection failure means there is no Redis to test against
        pytest.skip(f"no Redis at {location}: {error}")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
        }
    }
    yield other_process
    server = redis.Redis.from_url(location)
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)
