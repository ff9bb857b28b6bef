"""Shared fixtures: users in each role and API clients."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Tests see plain HTTP and no throttling unless a test asks for them.
    settings.SECURE_SSL_REDIRECT = False
    # Creating users is the slowest part of most tests with the production password hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.API_ANON_THROTTLE_RATE = None


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def editor(db):
    """A staff user in the Editors group, as an editor would be set up."""
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def seeded(db):
    """The shipped seed sources and curated records, loaded as ``load_seed`` does."""
    from django.core.management import call_command

    call_command("load_seed", verbosity=0)


@pytest.fixture
def editor_client(client, editor):
    """A browser session logged into the admin as an editor."""
    client.force_login(editor)
    return client
