"""Guessing admin passwords: repeated failures lock the account and the address out for a while, the right
password included; a successful login starts the count again; weak passwords cannot be set."""

import json
import os
import subprocess
import sys

import pytest
import redis
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


@pytest.fixture
def editor_login(editor):
    return editor.username


def log_in(client, username: str, password: str, address: str = "198.51.100.7", **headers):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def is_logged_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def assert_locked_out(response):
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins: logging in is locked for 15 minutes." in page
    assert "After 5 wrong passwords" in page
    assert "stancetracker editors" in page  # the admin's own look
    assert response["Retry-After"] == "900"


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, editor_login):
    wrong = [log_in(client, editor_login, f"guess {n}").status_code for n in range(5)]

    assert wrong == [200] * 4 + [429]
    assert_locked_out(log_in(client, editor_login, PASSWORD))
    assert not is_logged_in(client)


def test_the_account_stays_locked_from_other_addresses(client, editor_login):
    for n in range(5):
        log_in(client, editor_login, f"guess {n}", address=f"203.0.113.{n}")

    assert_locked_out(log_in(client, editor_login, PASSWORD, address="192.0.2.99"))


def test_an_address_guessing_at_many_accounts_is_locked_out_of_every_one(client, editor_login):
    for n in range(5):
        log_in(client, f"someone-{n}", "password", address="203.0.113.66")

    assert_locked_out(log_in(client, editor_login, PASSWORD, address="203.0.113.66"))
    # The account itself is not locked: its editor logs in from elsewhere.
    assert log_in(client, editor_login, PASSWORD, address="192.0.2.10").status_code == 302
    assert is_logged_in(client)


def test_inventing_forwarded_for_addresses_does_not_escape_the_address_lockout(client, editor_login):
    for n in range(5):
        log_in(client, f"someone-{n}", "password", address="203.0.113.66", HTTP_X_FORWARDED_FOR=f"10.9.8.{n}")

    assert_locked_out(log_in(client, editor_login, PASSWORD, address="203.0.113.66", HTTP_X_FORWARDED_FOR="10.0.0.1"))


def test_a_successful_login_starts_the_count_again(client, editor_login):
    for _ in range(2):
        assert [log_in(client, editor_login, "a guess").status_code for _ in range(4)] == [200] * 4
        assert log_in(client, editor_login, PASSWORD).status_code == 302
        assert is_logged_in(client)
        client.post("/admin/logout/")

    assert not AccessAttempt.objects.filter(username=editor_login).exists()


def test_failures_are_counted_in_the_shared_cache_when_there_is_one(client, editor_login, settings, shared_redis):
    """With DJANGO_CACHE_URL (Redis), every app server counts the same failures and the database is not written."""
    settings.AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
    AxesProxyHandler.get_implementation(force=True)
    try:
        for n in range(5):
            log_in(client, editor_login, f"guess {n}")
        assert_locked_out(log_in(client, editor_login, PASSWORD))
        assert not AccessAttempt.objects.exists()
        counted = redis.Redis.from_url("redis://127.0.0.1:6379/0").scan_iter(f"{shared_redis.key_prefix}:*axes-*")
        assert len(list(counted)) >= 2  # the username's count and the address's
    finally:
        settings.AXES_HANDLER = django_settings.AXES_HANDLER
        AxesProxyHandler.get_implementation(force=True)


def test_limits_come_from_the_environment_and_the_handler_from_whether_redis_is_there():
    probe = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), s.AXES_HANDLER]))"
    )

    def configured(**environ) -> list:
        env = {key: value for key, value in os.environ.items() if key != "DJANGO_CACHE_URL"}
        env.update(DJANGO_SETTINGS_MODULE="stancetracker.settings", **environ)
        output = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
        return json.loads(output.stdout)

    assert configured() == [5, 900.0, "axes.handlers.database.AxesDatabaseHandler"]
    assert configured(
        DJANGO_LOGIN_FAILURE_LIMIT="3", DJANGO_LOGIN_COOLOFF_MINUTES="60", DJANGO_CACHE_URL="redis://cache:6379/0"
    ) == [3, 3600.0, "axes.handlers.cache.AxesCacheHandler"]


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("admin12345", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("123456789012345", "This password is entirely numeric."),
    ],
)
def test_weak_passwords_are_refused(password, problem):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=UserFactory.build(username="admin"))
    assert problem in refused.value.messages


def test_a_long_passphrase_is_accepted():
    assert validate_password("plum orchard telescope 47", user=UserFactory.build(username="admin")) is None
