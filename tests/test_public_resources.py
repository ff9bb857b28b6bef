"""Public resources: actors, policies, sources and stances, looked up by slug (stances by id)."""

import datetime

import pytest

from positions.models import Stance
from tests.factories import (
    ActorFactory,
    ExcerptFactory,
    PolicyFactory,
    RoleFactory,
    SourceFactory,
    StanceFactory,
)

pytestmark = pytest.mark.django_db


def get_json(client, url: str, **params) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_an_actor_shows_roles_and_the_latest_published_position_on_each_policy(api_client):
    city = ActorFactory(name="City of New York", slug="nyc", kind="government_body")
    mamdani = ActorFactory(name="Zohran Mamdani", slug="zohran-mamdani", parent=None)
    RoleFactory(actor=mamdani, title="Mayor-elect", organization=city, start_on=datetime.date(2025, 11, 5))
    defund = PolicyFactory(name="Defund the NYPD", slug="defund-the-nypd")
    tisch = PolicyFactory(name="Keep Tisch as commissioner", slug="keep-tisch")
    StanceFactory(actor=mamdani, policy=defund, position=1, stated_on=datetime.date(2020, 6, 1))
    StanceFactory(actor=mamdani, policy=defund, position=-1, stated_on=datetime.date(2025, 8, 1), summary="Now opposes")
    StanceFactory(actor=mamdani, policy=tisch, position=1, stated_on=datetime.date(2025, 11, 12))

    data = get_json(api_client, "/api/actors/zohran-mamdani/")

    assert data["name"] == "Zohran Mamdani"
    assert data["roles"] == [
        {
            "title": "Mayor-elect",
            "organization": {"slug": "nyc", "name": "City of New York"},
            "start_on": "2025-11-05",
            "end_on": None,
        }
    ]
    assert data["published_stance_count"] == 3
    assert [(p["policy"]["slug"], p["position"], p["stated_on"], p["summary"]) for p in data["latest_positions"]] == [
        ("defund-the-nypd", -1, "2025-08-01", "Now opposes"),
        ("keep-tisch", 1, "2025-11-12", "Zohran Mamdani on Keep Tisch as commissioner"),
    ]


def test_actors_are_listed_by_name_with_a_page_count(api_client):
    for name in ["Carol", "alice", "Bob"]:
        ActorFactory(name=name)
    data = get_json(api_client, "/api/actors/")
    assert data["count"] == 3
    assert [actor["name"] for actor in data["results"]] == ["Bob", "Carol", "alice"]
    assert set(data) == {"count", "next", "previous", "results"}


def test_a_policy_shows_its_topic_and_children(api_client):
    policing = PolicyFactory(name="Policing", slug="policing")
    PolicyFactory(name="Defund the NYPD", slug="defund-the-nypd", parent=policing)
    PolicyFactory(name="Department of Community Safety", slug="department-of-community-safety", parent=policing)

    topic = get_json(api_client, "/api/policies/policing/")
    child = get_json(api_client, "/api/policies/defund-the-nypd/")

    assert topic["parent"] is None
    assert topic["children"] == [
        {"slug": "defund-the-nypd", "name": "Defund the NYPD"},
        {"slug": "department-of-community-safety", "name": "Department of Community Safety"},
    ]
    assert child["parent"] == {"slug": "policing", "name": "Policing"}
    assert child["children"] == []
    assert child["published_stance_count"] == 0


def test_a_stance_shows_its_position_date_precision_and_every_excerpt_with_its_source(api_client):
    source = SourceFactory(
        title="Mamdani on policing",
        slug="cnn-mamdani",
        publisher="CNN",
        published_on=datetime.date(2025, 8, 30),
        url="https://example.org/cnn-mamdani",
    )
    excerpt = ExcerptFactory(source=source, quote="we will fund crisis teams")
    mamdani = ActorFactory(slug="zohran-mamdani", name="Zohran Mamdani")
    city = ActorFactory(slug="city-of-new-york", name="City of New York")
    # Roles held at some point in August 2025 are the capacity of a stance dated to that month.
    RoleFactory(actor=mamdani, title="Assembly member", start_on=datetime.date(2021, 1, 1))
    RoleFactory(actor=mamdani, title="Nominee", organization=city, start_on=datetime.date(2025, 8, 20))
    RoleFactory(
        actor=mamdani, title="Candidate", start_on=datetime.date(2020, 1, 1), end_on=datetime.date(2020, 12, 31)
    )
    stance = StanceFactory(
        actor=mamdani,
        policy=PolicyFactory(slug="department-of-community-safety", name="Department of Community Safety"),
        position=Stance.Position.STRONGLY_SUPPORT,
        stated_on=datetime.date(2025, 8, 1),
        date_precision=Stance.DatePrecision.MONTH,
        evidence_kind=Stance.EvidenceKind.REPORTED_WORDS,
        summary="Will fund crisis teams",
        excerpts=[excerpt],
    )

    data = get_json(api_client, f"/api/stances/{stance.pk}/")

    assert data == {
        "id": stance.pk,
        "actor": {"slug": "zohran-mamdani", "name": "Zohran Mamdani"},
        "policy": {"slug": "department-of-community-safety", "name": "Department of Community Safety"},
        "position": 2,
        "position_label": "Strongly support",
        "stated_on": "2025-08-01",
        "stated_by": "2025-08-31",
        "date_precision": "month",
        "stated_on_display": "August 2025",
        # CNN reported it on 30 August: it counts from then, before the month is out.
        "known_from": "2025-08-30",
        "evidence_kind": "reported_words",
        "evidence_kind_label": "A report of the actor's words",
        "qualifier": "",
        "summary": "Will fund crisis teams",
        "capacity": [
            {"title": "Assembly member", "organization": None, "start_on": "2021-01-01", "end_on": None},
            {
                "title": "Nominee",
                "organization": {"slug": "city-of-new-york", "name": "City of New York"},
                "start_on": "2025-08-20",
                "end_on": None,
            },
        ],
        "excerpts": [
            {
                "quote": "we will fund crisis teams",
                "start": excerpt.start,
                "end": excerpt.end,
                "source": {
                    "slug": "cnn-mamdani",
                    "title": "Mamdani on policing",
                    "publisher": "CNN",
                    "published_on": "2025-08-30",
                    "url": "https://example.org/cnn-mamdani",
                },
            }
        ],
    }
    assert source.text[excerpt.start : excerpt.end] == "we will fund crisis teams"


def test_stances_are_listed_newest_first_with_cursor_pages(api_client):
    for day in range(1, 6):
        StanceFactory(stated_on=datetime.date(2025, 1, day))

    first = get_json(api_client, "/api/stances/", page_size=2)
    second = api_client.get(first["next"]).json()
    third = api_client.get(second["next"]).json()

    assert set(first) == {"next", "previous", "results"}
    dates = [s["stated_on"] for page in (first, second, third) for s in page["results"]]
    assert dates == ["2025-01-05", "2025-01-04", "2025-01-03", "2025-01-02", "2025-01-01"]
    assert "cursor=" in first["next"]
    assert third["next"] is None


def test_a_source_lists_its_excerpts_and_gives_its_full_text_only_on_detail(api_client):
    source = SourceFactory(slug="cnn-mamdani", title="Mamdani on policing")
    excerpt = ExcerptFactory(source=source)
    stance = StanceFactory(excerpts=[excerpt])

    listed = get_json(api_client, "/api/sources/")["results"]
    detail = get_json(api_client, "/api/sources/cnn-mamdani/")

    assert [s["slug"] for s in listed] == ["cnn-mamdani"]
    assert "text" not in listed[0]
    assert listed[0]["excerpts"] == [
        {"quote": "we will fund crisis teams", "start": excerpt.start, "end": excerpt.end, "stances": [stance.pk]}
    ]
    assert detail["text"] == source.text
    assert detail["sha256"] == source.sha256
    assert detail["excerpts"] == listed[0]["excerpts"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/actors/nobody/",
        "/api/policies/nothing/",
        "/api/sources/missing/",
        "/api/stances/0/",
        "/api/stances/999999999999999999/",
        "/api/stances/9223372036854775808/",
        "/api/stances/%EF%BC%91/",
        "/api/stances/not-a-number/",
        "/api/corrections/0/",
        "/api/actors/nobody/timeline/",
        "/api/policies/nothing/timeline/",
        "/api/no-such-endpoint/",
    ],
)
def test_an_unknown_object_is_a_404_in_the_public_error_shape(api_client, url):
    response = api_client.get(url)
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"status", "code", "message", "errors"}
    assert body["status"] == 404
    assert body["code"] == "not_found"
    assert body["message"]
    assert body["errors"] == {}


def test_the_api_root_lists_the_resources(api_client):
    data = get_json(api_client, "/api/")
    assert set(data) == {
        "actors",
        "policies",
        "sources",
        "stances",
        "corrections",
        "positions",
        "shifts",
        "corrections-feed",
        "schema",
        "docs",
        "health",
    }
    assert data["actors"].endswith("/api/actors/")
    assert data["docs"].endswith("/api/docs/")
    for url in data.values():
        assert api_client.get(url).status_code == 200, url


def test_the_browsable_api_renders_for_a_browser(api_client):
    StanceFactory()
    response = api_client.get("/api/stances/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"Stance" in response.content


def test_policies_filter_by_their_topic(api_client):
    policing = PolicyFactory(name="Policing", slug="policing")
    PolicyFactory(name="Defund the NYPD", slug="defund-the-nypd", parent=policing)
    PolicyFactory(name="Housing", slug="housing")
    data = get_json(api_client, "/api/policies/", parent="policing")
    assert [policy["slug"] for policy in data["results"]] == ["defund-the-nypd"]
