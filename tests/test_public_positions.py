"""Where everyone stood on a given day: /api/positions/?as_of=YYYY-MM-DD."""

import datetime

import pytest
from django.utils import timezone

from positions.models import Stance
from tests.factories import ActorFactory, ExcerptFactory, PolicyFactory, SourceFactory, StanceFactory

pytestmark = pytest.mark.django_db


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def positions(client, **params) -> list[tuple[str, str, int]]:
    response = client.get("/api/positions/", params)
    assert response.status_code == 200, response.content
    return [(p["actor"]["slug"], p["policy"]["slug"], p["position"]) for p in response.json()["results"]]


@pytest.fixture
def tisch_series():
    mamdani = ActorFactory(name="Zohran Mamdani", slug="zohran-mamdani")
    tisch = PolicyFactory(name="Keep Tisch as commissioner", slug="keep-tisch-as-commissioner")
    StanceFactory(actor=mamdani, policy=tisch, position=Stance.Position.MIXED, stated_on=day("2025-08-20"))
    StanceFactory(actor=mamdani, policy=tisch, position=Stance.Position.SUPPORT, stated_on=day("2025-11-12"))
    return mamdani, tisch


def test_positions_give_the_latest_stance_on_or_before_the_day(api_client, tisch_series):
    assert positions(api_client, as_of="2025-08-19") == []
    assert positions(api_client, as_of="2025-08-20") == [("zohran-mamdani", "keep-tisch-as-commissioner", 0)]
    assert positions(api_client, as_of="2025-09-01") == [("zohran-mamdani", "keep-tisch-as-commissioner", 0)]
    assert positions(api_client, as_of="2025-12-01") == [("zohran-mamdani", "keep-tisch-as-commissioner", 1)]


def test_positions_without_a_day_are_as_of_today(api_client, tisch_series):
    mamdani, tisch = tisch_series
    StanceFactory(actor=mamdani, policy=tisch, position=-1, stated_on=timezone.localdate() + datetime.timedelta(days=2))
    assert positions(api_client) == [("zohran-mamdani", "keep-tisch-as-commissioner", 1)]


@pytest.mark.parametrize(
    ("precision", "stored", "first_day_known"),
    [
        # "In August 2025" counts once August is over: on the 31st, not on the 1st.
        (Stance.DatePrecision.MONTH, "2025-08-01", "2025-08-31"),
        (Stance.DatePrecision.MONTH, "2024-02-01", "2024-02-29"),
        # "In 2020" counts from 31 December 2020.
        (Stance.DatePrecision.YEAR, "2020-01-01", "2020-12-31"),
        (Stance.DatePrecision.DAY, "2025-08-01", "2025-08-01"),
    ],
)
def test_month_and_year_dates_count_from_the_last_day_of_their_period(api_client, precision, stored, first_day_known):
    undated = ExcerptFactory(source=SourceFactory(published_on=None))
    StanceFactory(
        actor=ActorFactory(slug="a"),
        policy=PolicyFactory(slug="p"),
        stated_on=day(stored),
        date_precision=precision,
        excerpts=[undated],
    )
    day_before = (day(first_day_known) - datetime.timedelta(days=1)).isoformat()
    assert positions(api_client, as_of=day_before) == []
    assert positions(api_client, as_of=first_day_known) == [("a", "p", 1)]


def test_positions_filter_by_actor_policy_and_topic(api_client):
    policing = PolicyFactory(name="Policing", slug="policing")
    defund = PolicyFactory(name="Defund", slug="defund", parent=policing)
    dcs = PolicyFactory(name="Community safety", slug="dcs", parent=policing)
    housing = PolicyFactory(name="Housing", slug="housing")
    alice, bob = ActorFactory(name="Alice", slug="alice"), ActorFactory(name="Bob", slug="bob")
    for actor in (alice, bob):
        for policy in (defund, dcs, housing):
            StanceFactory(actor=actor, policy=policy, stated_on=day("2025-01-01"))

    assert positions(api_client, actor="bob") == [("bob", "dcs", 1), ("bob", "defund", 1), ("bob", "housing", 1)]
    assert positions(api_client, policy=["housing", "dcs"]) == [
        ("alice", "dcs", 1),
        ("alice", "housing", 1),
        ("bob", "dcs", 1),
        ("bob", "housing", 1),
    ]
    assert positions(api_client, topic="policing", actor="alice") == [("alice", "dcs", 1), ("alice", "defund", 1)]


def test_a_position_filter_selects_by_the_latest_position_not_by_any_earlier_one(api_client, tisch_series):
    assert positions(api_client, as_of="2025-12-01", position=0) == []
    assert positions(api_client, as_of="2025-12-01", position=1) == [
        ("zohran-mamdani", "keep-tisch-as-commissioner", 1)
    ]
    assert positions(api_client, as_of="2025-09-01", position=0) == [
        ("zohran-mamdani", "keep-tisch-as-commissioner", 0)
    ]


def test_positions_can_be_ordered(api_client):
    for name, position in [("Alice", 2), ("Bob", -1), ("Carol", 0)]:
        StanceFactory(actor=ActorFactory(name=name), position=position, stated_on=day("2025-01-01"))
    data = api_client.get("/api/positions/", {"ordering": "-position"}).json()
    assert [p["actor"]["name"] for p in data["results"]] == ["Alice", "Carol", "Bob"]


@pytest.mark.parametrize("bad", ["2025-13-01", "yesterday", "2025-02-30", "01/09/2025"])
def test_an_as_of_that_is_not_a_date_is_a_400_naming_it(api_client, bad):
    response = api_client.get("/api/positions/", {"as_of": bad})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {"as_of": ["Enter a valid date as YYYY-MM-DD, e.g. 2025-09-01."]}


@pytest.mark.parametrize(
    ("precision", "stored", "published", "first_day_known"),
    [
        # "In August 2025", reported on 30 August: known on the 30th, a day before the month is out.
        (Stance.DatePrecision.MONTH, "2025-08-01", "2025-08-30", "2025-08-30"),
        # "In 2020", in an article of March 2020.
        (Stance.DatePrecision.YEAR, "2020-01-01", "2020-03-15", "2020-03-15"),
        # A report after the period ends changes nothing: the period's end comes first.
        (Stance.DatePrecision.MONTH, "2025-06-01", "2025-11-07", "2025-06-30"),
    ],
)
def test_a_stance_counts_from_its_first_report_when_that_comes_before_its_period_ends(
    api_client, precision, stored, published, first_day_known
):
    late, early = (SourceFactory(published_on=day(published) + datetime.timedelta(days=40)),
                   SourceFactory(published_on=day(published)))  # fmt: skip
    stance = StanceFactory(
        actor=ActorFactory(slug="a"),
        policy=PolicyFactory(slug="p"),
        stated_on=day(stored),
        date_precision=precision,
        excerpts=[ExcerptFactory(source=late), ExcerptFactory(source=early)],
    )
    day_before = (day(first_day_known) - datetime.timedelta(days=1)).isoformat()
    assert positions(api_client, as_of=day_before) == []
    assert positions(api_client, as_of=first_day_known) == [("a", "p", 1)]
    assert api_client.get(f"/api/stances/{stance.pk}/").json()["known_from"] == first_day_known


def test_the_position_of_each_scope_is_its_own(api_client):
    mamdani, guard = ActorFactory(slug="hochul"), PolicyFactory(slug="guard")
    StanceFactory(actor=mamdani, policy=guard, position=-1, qualifier="federal deployment", stated_on=day("2025-08-01"))
    StanceFactory(actor=mamdani, policy=guard, position=1, qualifier="the Governor's own", stated_on=day("2025-09-01"))
    found = api_client.get("/api/positions/", {"as_of": "2025-12-01"}).json()["results"]
    assert [(item["qualifier"], item["position"]) for item in found] == [
        ("federal deployment", -1),
        ("the Governor's own", 1),
    ]
    assert api_client.get("/api/shifts/").json()["results"] == []


@pytest.mark.parametrize(
    ("as_of", "message"),
    [("2999-01-01", "Must not be after today"), ("1899-12-31", "greater than or equal to 1900-01-01")],
)
def test_as_of_outside_the_sane_range_is_a_400_naming_it(api_client, as_of, message):
    response = api_client.get("/api/positions/", {"as_of": as_of})
    assert response.status_code == 400
    assert message in response.json()["errors"]["as_of"][0]
