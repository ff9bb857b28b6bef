"""``create_editor``: one command makes a staff user in the Editors group who can use the admin."""

import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def log_in(client, username: str, password: str) -> bool:
    """Through the admin's login form, as the editor would (and as the login throttle sees it)."""
    response = client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_an_editor_created_by_the_command_can_log_in_and_curate(client):
    out = io.StringIO()
    call_command("create_editor", "dana", stdout=out)
    password = out.getvalue().split("One-time password: ")[1].split()[0]
    assert log_in(client, "dana", password)
    # The password works once: the editor chooses their own first (tests/test_first_login_password.py).
    own = "my own quite unusual passphrase"
    client.post("/admin/password_change/", {"old_password": password, "new_password1": own, "new_password2": own})
    assert client.get("/admin/positions/stance/add/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403


def test_the_password_can_come_from_the_environment_and_is_checked(monkeypatch, client):
    monkeypatch.setenv("EDITOR_PASSWORD", "a long and unusual passphrase")
    out = io.StringIO()
    call_command("create_editor", "eli", stdout=out)
    assert "One-time password" not in out.getvalue()
    assert log_in(client, "eli", "a long and unusual passphrase")
    monkeypatch.setenv("EDITOR_PASSWORD", "password")
    with pytest.raises(CommandError, match="too common"):
        call_command("create_editor", "fay")


def test_an_existing_username_is_refused(django_user_model):
    django_user_model.objects.create(username="gus")
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_editor", "gus")
