"""A one-time password (``create_editor``'s) opens the admin once: the editor chooses their own before anything
else, and from then on works as usual. Accounts without one never notice, and neither does the public site."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import OneTimePassword
from tests.factories import StanceFactory, UserFactory
from tests.outage import database_down

pytestmark = pytest.mark.django_db

CHOOSE = "Choose your own password before you go on"
OWN_PASSWORD = "my own quite unusual passphrase"


def create_editor(username: str) -> str:
    """``create_editor USERNAME``, as an administrator runs it: the one-time password it prints."""
    out = io.StringIO()
    call_command("create_editor", username, stdout=out)
    return out.getvalue().split("One-time password: ")[1].split()[0]


def log_in(client, username: str, password: str) -> None:
    """Through the admin's login form, as the editor does (django-axes counts this login)."""
    response = client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})
    assert (response.status_code, response["Location"]) == (302, "/admin/"), response.content.decode()[:300]


def choose_password(client, old: str, new: str):
    return client.post(
        "/admin/password_change/",
        {"old_password": old, "new_password1": new, "new_password2": new},
        follow=True,
    )


def assert_admin_index(response) -> None:
    page = response.content.decode()
    assert response.status_code == 200
    assert "Curate actors, policies, sources and stances" in page and "Stances" in page
    assert CHOOSE not in page


def test_an_editor_with_a_one_time_password_is_sent_to_choose_their_own_first(client):
    password = create_editor("dana")
    log_in(client, "dana", password)

    for url in ["/admin/", "/admin/positions/stance/", "/admin/positions/stance/add/", "/admin/sources/source/"]:
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/admin/password_change/"), url

    response = client.get("/admin/positions/stance/", follow=True)
    assert response.redirect_chain == [("/admin/password_change/", 302)]
    page = response.content.decode()
    assert "the one you were given was for your first login only" in page
    assert page.count(CHOOSE) == 1
    assert 'name="new_password1"' in page
    # The way out stays open.
    assert client.post("/admin/logout/").status_code == 200
    assert client.get("/admin/").url.startswith("/admin/login/")


def test_once_the_editor_has_chosen_a_password_the_admin_opens(client):
    password = create_editor("dana")
    StanceFactory(summary="Keeps the commissioner")
    log_in(client, "dana", password)

    response = choose_password(client, password, OWN_PASSWORD)

    page = response.content.decode()
    assert response.redirect_chain == [("/admin/password_change/done/", 302)]
    assert "Your password was changed." in page and CHOOSE not in page
    assert_admin_index(client.get("/admin/"))
    assert "Keeps the commissioner" in client.get("/admin/positions/stance/").content.decode()
    assert not OneTimePassword.objects.exists()
    # And the next login, with the new password, goes straight in.
    again = Client()
    log_in(again, "dana", OWN_PASSWORD)
    assert_admin_index(again.get("/admin/"))


def test_a_password_from_the_environment_is_a_one_time_password_too(client, monkeypatch):
    monkeypatch.setenv("EDITOR_PASSWORD", "a long and unusual passphrase")
    call_command("create_editor", "eli", stdout=io.StringIO())
    log_in(client, "eli", "a long and unusual passphrase")

    assert client.get("/admin/").url == "/admin/password_change/"


def test_a_wrong_old_password_keeps_the_editor_on_the_form(client):
    password = create_editor("dana")
    log_in(client, "dana", password)

    response = choose_password(client, "not the one", OWN_PASSWORD)

    assert response.redirect_chain == []
    assert "Your old password was entered incorrectly" in response.content.decode()
    assert client.get("/admin/").url == "/admin/password_change/"


def test_an_account_without_a_one_time_password_is_never_sent_there(client):
    UserFactory(username="kim", is_staff=True, is_superuser=True)
    log_in(client, "kim", "correct horse battery staple")  # tests.factories.UserFactory's password

    assert_admin_index(client.get("/admin/"))
    assert client.get("/admin/positions/stance/").status_code == 200
    assert CHOOSE not in client.get("/admin/password_change/").content.decode()


def test_a_password_changed_outside_the_admin_ends_the_one_time_password_too(client):
    create_editor("dana")
    # What ``manage.py changepassword dana`` does.
    dana = get_user_model().objects.get(username="dana")
    dana.set_password(OWN_PASSWORD)
    dana.save()

    log_in(client, "dana", OWN_PASSWORD)

    assert_admin_index(client.get("/admin/"))
    assert not OneTimePassword.objects.exists()


def test_a_password_changed_elsewhere_while_logged_in_ends_it_for_this_session(client):
    password = create_editor("dana")
    log_in(client, "dana", password)
    elsewhere = Client()
    log_in(elsewhere, "dana", password)
    choose_password(elsewhere, password, OWN_PASSWORD)

    # Changing a password ends the account's other sessions (Django's own rule): the new one goes straight in.
    assert client.get("/admin/").url.startswith("/admin/login/")
    log_in(client, "dana", OWN_PASSWORD)
    assert_admin_index(client.get("/admin/"))


def queries_for(url: str, cookies) -> int:
    """Queries for a request to ``url`` with ``cookies``, in a client that builds the middleware as now set."""
    client = Client()
    client.cookies = cookies
    client.get(url)  # the data version is read and cached from here on
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(("url", "logged_in"), [("/api/stances/", True), ("/", True), ("/admin/login/", False)])
def test_the_check_costs_the_public_site_and_anonymous_visitors_no_query(settings, url, logged_in):
    StanceFactory()
    password = create_editor("dana")
    editor = Client()
    log_in(editor, "dana", password)  # an editor who must still choose a password, on the public site
    cookies = editor.cookies if logged_in else Client().cookies

    with_check = queries_for(url, cookies)
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if not name.startswith("accounts.")]
    without_check = queries_for(url, cookies)

    assert with_check == without_check


def test_during_a_database_outage_the_editor_gets_the_outage_page_as_everyone(client):
    password = create_editor("dana")
    log_in(client, "dana", password)

    with database_down():
        response = client.get("/admin/positions/stance/")

    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()
