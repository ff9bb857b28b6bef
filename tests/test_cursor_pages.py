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


@pytest.mark.parametrize(
    "url",
    [
        "/api/stances/",
        "/api/stances/?ordering=known_from",
        "/api/stances/?ordering=-position",
        "/api/stances/?ordering=position&position_max=0",
        "/api/positions/",
        "/api/positions/?ordering=-policy",
        "/api/shifts/?ordering=magnitude",
        "/api/shifts/?ordering=-magnitude",
    ],
)
@pytest.mark.parametrize("page_size", [1, 3, 7])
def test_following_previous_back_gives_the_same_pages(api_client, generated, url, page_size):
    """Rows share days, positions and magnitudes: each page back is the page that came before it going forwards."""
    pages, link = [], f"{url}{'&' if '?' in url else '?'}page_size={page_size}"
    while link:
        body = api_client.get(link).json()
        pages.append([key(row) for row in body["results"]])
        link, back = body["next"], body["previous"]
    assert len(pages) > 2
    backwards = []
    while back:
        body = api_client.get(back).json()
        backwards.append([key(row) for row in body["results"]])
        back = body["previous"]
    assert backwards == pages[-2::-1]
    whole = [row for page in pages for row in page]
    assert len(whole) == len(set(whole))


def test_a_forged_or_foreign_cursor_is_a_400(api_client, generated):
    import base64

    for cursor in ["YQ", "cD0yMDE4LTA0LTI3", base64.urlsafe_b64encode(b'{"after":[1.5,2]}').decode(), "e30"]:
        response = api_client.get("/api/stances/", {"cursor": cursor})
        assert response.status_code == 400, cursor
        assert response.json()["errors"] == {"cursor": ["Invalid cursor"]}
