"""Positions and shifts are paged by cursor: following ``next`` from the first page gives every row once, in the
list's order, whatever the ordering asked for, ties included."""

import datetime
import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated():
    call_command("generate_synthetic", stances=600, actors=12, policies=5, sources=60, seed=3, stdout=io.StringIO())


def walk(client, url: str, page_size: int) -> list:
    rows, pages = [], 0
    url = f"{url}{'&' if '?' in url else '?'}page_size={page_size}"
    while url:
        body = client.get(url).json()
        assert set(body) == {"next", "previous", "results"}, body
        rows += body["results"]
        url, pages = body["next"], pages + 1
    assert pages > 2
    return rows


def key(row: dict):
    return row.get("id") or (row["from_stance"]["id"], row["to_stance"]["id"])


@pytest.mark.parametrize(
    "url",
    [
        "/api/positions/",
        "/api/positions/?ordering=-policy",
        "/api/positions/?ordering=position",
        f"/api/positions/?as_of={datetime.date(2015, 6, 30)}&ordering=-known_from",
        "/api/shifts/",
        "/api/shifts/?ordering=magnitude",
        "/api/shifts/?ordering=-magnitude",
        "/api/shifts/?ordering=known_from",
    ],
)
def test_following_next_gives_every_row_once_in_order(api_client, generated, url):
    whole = api_client.get(f"{url}{'&' if '?' in url else '?'}page_size=1000").json()["results"]
    assert len(whole) > 20
    paged = walk(api_client, url, page_size=7)
    assert [key(row) for row in paged] == [key(row) for row in whole]


def test_a_page_number_on_a_cursor_list_is_a_400_saying_how_to_page(api_client, generated):
    response = api_client.get("/api/shifts/?page=2")
    assert response.status_code == 400
    assert response.json()["errors"] == {"page": ["This list is paged by cursor: follow the next and previous links."]}
