"""Timelines: an actor's series on each policy, and every actor's series on one policy."""

import datetime

import pytest

from positions.models import Policy, Stance
from tests.factories import ActorFactory, ExcerptFactory, PolicyFactory, RoleFactory, SourceFactory, StanceFactory
from tests.golden import assert_matches_golden

pytestmark = pytest.mark.django_db


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def mamdani_on_policing():
    """Two series of one actor: a reversal on defunding, and a move from noncommittal on Tisch."""
    mamdani = ActorFactory(name="Zohran Mamdani", slug="zohran-mamdani")
    RoleFactory(actor=mamdani, title="Democratic nominee for mayor", start_on=day("2025-06-24"))
    defund = PolicyFactory(name="Defund the NYPD", slug="defund-the-nypd")
    tisch = PolicyFactory(name="Keep Tisch as commissioner", slug="keep-tisch-as-commissioner")
    tweets = SourceFactory(
        title="Tweets, June 2020",
        slug="tweets-2020",
        publisher="X",
        byline="Zohran Mamdani",
        published_on=day("2020-06-01"),
        url="https://example.org/tweets-2020",
        text="We need to defund the police. Abolish them.",
    )
    interview = SourceFactory(
        title="Mamdani on policing",
        slug="interview-2025",
        publisher="Example News",
        byline="A. Reporter",
        published_on=day("2025-11-13"),
        url="https://example.org/interview-2025",
        text="Mamdani said: I am not defunding the police. On Tisch, he would not say. "
        "Later: I have asked Jessica Tisch to stay on.",
    )
    # Month-dated, reported on the month's first day: it counts from that day (positions.chronology).
    StanceFactory(
        actor=mamdani,
        policy=defund,
        position=Stance.Position.SUPPORT,
        stated_on=day("2020-06-01"),
        date_precision=Stance.DatePrecision.MONTH,
        summary="Called for defunding the police",
        excerpts=[ExcerptFactory(source=tweets, quote="We need to defund the police.")],
    )
    StanceFactory(
        actor=mamdani,
        policy=defund,
        position=Stance.Position.OPPOSE,
        stated_on=day("2025-08-20"),
        summary="Says he is not defunding the police",
        excerpts=[ExcerptFactory(source=interview, quote="I am not defunding the police.")],
    )
    StanceFactory(
        actor=mamdani,
        policy=tisch,
        position=Stance.Position.MIXED,
        stated_on=day("2025-08-20"),
        summary="Would not say whether he would keep Tisch",
        excerpts=[ExcerptFactory(source=interview, quote="On Tisch, he would not say.")],
    )
    StanceFactory(
        actor=mamdani,
        policy=tisch,
        position=Stance.Position.SUPPORT,
        stated_on=day("2025-11-12"),
        evidence_kind=Stance.EvidenceKind.ACTION,
        summary="Asked Tisch to stay on as commissioner",
        excerpts=[ExcerptFactory(source=interview, quote="I have asked Jessica Tisch to stay on.")],
    )
    return mamdani


def brief(change: dict) -> dict:
    return {key: change[key] for key in ("kind", "from_position", "from_known_from", "size")}


def test_an_actors_timeline_on_one_policy_matches_the_golden_response(api_client, mamdani_on_policing):
    response = api_client.get("/api/actors/zohran-mamdani/timeline/", {"policy": "defund-the-nypd"})
    assert response.status_code == 200
    assert_matches_golden("actor_timeline", response.json())


def test_an_actors_timeline_runs_in_date_order_and_marks_each_change(api_client, mamdani_on_policing):
    data = api_client.get("/api/actors/zohran-mamdani/timeline/", {"policy": "defund-the-nypd"}).json()
    steps = [(e["stated_on_display"], e["position_label"], brief(e["change"])) for e in data["results"]]
    assert steps == [
        ("June 2020", "Support", {"kind": "first", "from_position": None, "from_known_from": None, "size": None}),
        ("2025-08-20", "Oppose", {"kind": "reversal", "from_position": 1, "from_known_from": "2020-06-01", "size": -2}),
    ]
    first, second = data["results"]
    assert second["change"]["from_stance"] == first["id"]


def test_without_a_policy_the_timeline_groups_the_actors_series_by_policy(api_client, mamdani_on_policing):
    data = api_client.get("/api/actors/zohran-mamdani/timeline/").json()
    assert [(e["policy"]["slug"], e["stated_on"], e["change"]["kind"]) for e in data["results"]] == [
        ("defund-the-nypd", "2020-06-01", "first"),
        ("defund-the-nypd", "2025-08-20", "reversal"),
        ("keep-tisch-as-commissioner", "2025-08-20", "first"),
        ("keep-tisch-as-commissioner", "2025-11-12", "hardening"),
    ]
    assert all(entry["excerpts"] for entry in data["results"])


def test_a_policy_timeline_gives_every_actors_series_on_it(api_client, mamdani_on_policing):
    tisch = Policy.objects.get(slug="keep-tisch-as-commissioner")
    adams = ActorFactory(name="Eric Adams", slug="eric-adams")
    StanceFactory(actor=adams, policy=tisch, position=2, stated_on=day("2024-11-25"))
    StanceFactory(actor=adams, policy=tisch, position=2, stated_on=day("2025-01-10"))

    data = api_client.get("/api/policies/keep-tisch-as-commissioner/timeline/").json()

    assert [(e["actor"]["slug"], e["position"], e["change"]["kind"]) for e in data["results"]] == [
        ("eric-adams", 2, "first"),
        ("eric-adams", 2, "unchanged"),
        ("zohran-mamdani", 0, "first"),
        ("zohran-mamdani", 1, "hardening"),
    ]
    only_adams = api_client.get("/api/policies/keep-tisch-as-commissioner/timeline/", {"actor": "eric-adams"}).json()
    assert {e["actor"]["slug"] for e in only_adams["results"]} == {"eric-adams"}


def test_the_first_entry_of_a_later_page_still_knows_the_step_before_it(api_client):
    actor = ActorFactory(slug="zohran-mamdani")
    policy = PolicyFactory(slug="defund-the-nypd")
    for position, when in [(2, "2019-01-01"), (1, "2020-01-01"), (-1, "2021-01-01")]:
        StanceFactory(actor=actor, policy=policy, position=position, stated_on=day(when))

    second_page = api_client.get("/api/actors/zohran-mamdani/timeline/", {"page": 2, "page_size": 2}).json()

    assert [(e["stated_on"], brief(e["change"])) for e in second_page["results"]] == [
        ("2021-01-01", {"kind": "reversal", "from_position": 1, "from_known_from": "2020-01-01", "size": -2})
    ]


def test_a_timeline_for_an_actor_without_published_stances_is_empty(api_client):
    ActorFactory(slug="newcomer")
    data = api_client.get("/api/actors/newcomer/timeline/").json()
    assert (data["count"], data["results"]) == (0, [])


def test_an_unknown_policy_in_a_timeline_filter_is_a_400_naming_it(api_client, mamdani_on_policing):
    response = api_client.get("/api/actors/zohran-mamdani/timeline/", {"policy": "no-such-policy"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["policy"]
    assert "no-such-policy" in response.json()["errors"]["policy"][0]


@pytest.mark.parametrize(
    ("url", "one", "owner"),
    [
        ("/api/actors/zohran-mamdani/timeline/", {"policy": "defund-the-nypd"}, "policy"),
        ("/api/policies/defund-the-nypd/timeline/", {"actor": "zohran-mamdani"}, "actor"),
    ],
)
def test_one_series_comes_in_series_order_without_sorting_on_names(api_client, mamdani_on_policing, url, one, owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mamdani, defund = mamdani_on_policing, Policy.objects.get(slug="defund-the-nypd")
    # A second series of the same pair, under a qualifier, and a stance of the same day: order by qualifier, then
    # by the series order, the id last.
    StanceFactory(actor=mamdani, policy=defund, position=-2, stated_on=day("2021-03-01"), qualifier="in schools")
    StanceFactory(actor=mamdani, policy=defund, position=-1, stated_on=day("2025-08-20"), qualifier="in schools")
    everything = api_client.get(url).json()["results"]
    expected = [entry["id"] for entry in everything if entry[owner]["slug"] == one[owner]]

    with CaptureQueriesContext(connection) as queries:
        narrowed = api_client.get(url, one).json()["results"]

    assert [entry["id"] for entry in narrowed] == expected
    assert [(entry["qualifier"], entry["change"]["kind"]) for entry in narrowed] == [
        ("", "first"),
        ("", "reversal"),
        ("in schools", "first"),
        ("in schools", "softening"),
    ]
    # Sorted by qualifier, known_from, stated_on and id: the series index's order, no name first.
    page = next(query["sql"] for query in queries if '"positions_stance"."id" AS "pk"' in query["sql"])
    assert len(page.split("ORDER BY")[1].split("LIMIT")[0].split(",")) == 4, page
