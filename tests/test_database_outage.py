"""While the database is down, clients are told to come back later, the log says so once per request,
and everything works again as soon as the database does, without a restart."""

import logging
import socket

import pytest
from django.db import InterfaceError, OperationalError, connection

from tests.factories import ActorFactory
from tests.outage import REFUSED, database_down

pytestmark = pytest.mark.django_db


def request_log(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "django.request"]


def assert_told_to_retry(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "status": 503,
        "code": "database_unavailable",
        "message": "The database is unavailable: try again shortly.",
        "errors": {},
    }


@pytest.mark.parametrize("error", [OperationalError(REFUSED), InterfaceError("connection already closed")])
@pytest.mark.parametrize(
    "url", ["/api/", "/api/actors/", "/api/stances/?format=csv", "/api/shifts/", "/api/actors/someone/"]
)
def test_api_clients_get_a_503_in_the_error_shape_and_the_log_one_line(api_client, caplog, url, error):
    with database_down(error):
        response = api_client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.json() if response["Content-Type"].startswith("application/json") else None
    if body is not None:
        assert body["code"] == "database_unavailable" and body["status"] == 503
    else:  # ?format=csv: the error's fields as CSV, as for every error of a CSV request
        assert "database_unavailable" in response.content.decode()
    (logged,) = request_log(caplog)
    assert logged.levelno == logging.ERROR
    assert logged.exc_info is None  # no traceback per request
    message = logged.getMessage()
    assert message.startswith(f"Service Unavailable (database: {type(error).__name__}: ")
    assert message.endswith(url.split("?")[0])
    assert "\n" not in message


def test_the_api_answers_again_as_soon_as_the_database_does(api_client):
    ActorFactory(name="Zohran Mamdani", slug="zohran-mamdani")
    with database_down():
        assert_told_to_retry(api_client.get("/api/actors/"))

    response = api_client.get("/api/actors/")

    assert response.status_code == 200
    assert [actor["slug"] for actor in response.json()["results"]] == ["zohran-mamdani"]


def test_the_api_root_is_no_all_clear_during_an_outage_and_lists_its_links_after(api_client):
    with database_down():
        assert_told_to_retry(api_client.get("/api/"))
        # The schema describes the API, not its data: it is still served.
        assert api_client.get("/api/schema/").status_code == 200

    response = api_client.get("/api/")

    assert response.status_code == 200
    assert response.json()["health"] == "http://testserver/api/health/"


def test_a_failure_before_the_api_view_runs_is_answered_the_same(api_client, caplog, monkeypatch):
    # With ATOMIC_REQUESTS the transaction opens around DRF's view, outside its exception handling.
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    with database_down():
        response = api_client.get("/api/policies/")

    assert_told_to_retry(response)
    (logged,) = request_log(caplog)
    assert logged.exc_info is None and logged.getMessage().endswith("/api/policies/")


def test_editors_get_a_short_page_saying_to_try_again(editor_client, caplog):
    with database_down():
        response = editor_client.get("/admin/sources/source/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Temporarily unavailable" in page and "try again in a minute" in page
    assert "Server Error" not in page
    (logged,) = request_log(caplog)
    assert logged.exc_info is None


def test_other_errors_are_still_server_errors_with_their_traceback(api_client, caplog):
    """Only an unreachable database is an outage: a bug must not be disguised as one."""
    api_client.raise_request_exception = False
    with database_down(error=ZeroDivisionError("a bug")):
        response = api_client.get("/api/actors/")

    assert response.status_code == 500
    assert response.json() == {
        "status": 500,
        "code": "server_error",
        "message": "Something went wrong on our side; it has been logged.",
        "errors": {},
    }
    (logged,) = request_log(caplog)
    assert logged.exc_info is not None
    assert logged.getMessage() == "Internal Server Error: /api/actors/"


def free_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_server_refusing_connections_is_an_outage_until_it_is_back(api_client, caplog, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("points the connection at a closed PostgreSQL port")
    ActorFactory(slug="eric-adams")
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "PORT", str(free_port()))

    assert_told_to_retry(api_client.get("/api/actors/"))
    assert_told_to_retry(api_client.get("/api/actors/"))
    assert [record.exc_info for record in request_log(caplog)] == [None, None]

    monkeypatch.undo()
    response = api_client.get("/api/actors/")
    assert response.status_code == 200
    assert [actor["slug"] for actor in response.json()["results"]] == ["eric-adams"]
