"""/api/shifts/: every change between consecutive published stances, with evidence at both ends."""

import datetime

import pytest

from tests.factories import ActorFactory, ExcerptFactory, PolicyFactory, SourceFactory, StanceFactory

pytestmark = pytest.mark.django_db


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def series():
    """Mamdani: support → oppose on defunding (reversal), mixed → support on Tisch (hardening);
    Adams: strong support → support on Tisch (softening) and a restatement (no shift)."""
    mamdani = ActorFactory(name="Zohran Mamdani", slug="zohran-mamdani")
    adams = ActorFactory(name="Eric Adams", slug="eric-adams")
    defund = PolicyFactory(name="Defund the NYPD", slug="defund-the-nypd")
    tisch = PolicyFactory(name="Keep Tisch as commissioner", slug="keep-tisch-as-commissioner")
    source = SourceFactory(slug="interview", publisher="Example News")
    StanceFactory(actor=mamdani, policy=defund, position=1, stated_on=day("2020-06-01"), summary="Defund")
    StanceFactory(
        actor=mamdani,
        policy=defund,
        position=-1,
        stated_on=day("2025-08-20"),
        summary="Not defunding",
        excerpts=[ExcerptFactory(source=source)],
    )
    StanceFactory(actor=mamdani, policy=tisch, position=0, stated_on=day("2025-08-20"))
    StanceFactory(actor=mamdani, policy=tisch, position=1, stated_on=day("2025-11-12"))
    StanceFactory(actor=adams, policy=tisch, position=2, stated_on=day("2024-11-25"))
    StanceFactory(actor=adams, policy=tisch, position=1, stated_on=day("2025-03-01"))
    StanceFactory(actor=adams, policy=tisch, position=1, stated_on=day("2025-04-01"))


def shifts(client, **params) -> list[tuple[str, str, str, int]]:
    response = client.get("/api/shifts/", params)
    assert response.status_code == 200, response.content
    return [(s["actor"]["slug"], s["policy"]["slug"], s["kind"], s["size"]) for s in response.json()["results"]]


def test_shifts_list_every_change_newest_first(api_client, series):
    assert shifts(api_client) == [
        ("zohran-mamdani", "keep-tisch-as-commissioner", "hardening", 1),
        ("zohran-mamdani", "defund-the-nypd", "reversal", -2),
        ("eric-adams", "keep-tisch-as-commissioner", "softening", -1),
    ]


def test_a_shift_gives_both_positions_dates_and_the_evidence_at_both_ends(api_client, series):
    (shift,) = api_client.get("/api/shifts/", {"kind": "reversal"}).json()["results"]
    assert shift["magnitude"] == 2
    before, after = shift["from_stance"], shift["to_stance"]
    assert (before["position"], before["stated_on"], before["summary"]) == (1, "2020-06-01", "Defund")
    assert (after["position"], after["stated_on"], after["summary"]) == (-1, "2025-08-20", "Not defunding")
    assert before["excerpts"][0]["source"]["slug"] != after["excerpts"][0]["source"]["slug"]
    assert after["excerpts"][0]["source"] == {
        "slug": "interview",
        "title": after["excerpts"][0]["source"]["title"],
        "publisher": "Example News",
        "published_on": "2025-08-30",
        "url": "",
    }


def test_shifts_filter_by_actor_policy_kind_and_dates(api_client, series):
    assert shifts(api_client, actor="eric-adams") == [("eric-adams", "keep-tisch-as-commissioner", "softening", -1)]
    assert [s[2] for s in shifts(api_client, policy="keep-tisch-as-commissioner")] == ["hardening", "softening"]
    assert [s[2] for s in shifts(api_client, kind=["reversal", "softening"])] == ["reversal", "softening"]
    assert [s[2] for s in shifts(api_client, stated_after="2025-08-20", stated_before="2025-10-01")] == ["reversal"]


def test_a_date_range_keeps_a_shift_whose_earlier_stance_is_outside_it(api_client, series):
    # The 2020 stance is before the range, but the move to 2025 happened inside it.
    assert shifts(api_client, stated_after="2025-06-01", policy="defund-the-nypd") == [
        ("zohran-mamdani", "defund-the-nypd", "reversal", -2)
    ]


def test_shifts_can_be_ordered_by_size_of_move(api_client, series):
    assert [s[3] for s in shifts(api_client, ordering="-magnitude")] == [-2, 1, -1]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"kind": "u-turn"}, "kind"),
        ({"actor": "nobody"}, "actor"),
        ({"stated_after": "soon"}, "stated_after"),
        ({"ordering": "actor"}, "ordering"),
    ],
)
def test_bad_shift_parameters_are_400s_naming_them(api_client, series, params, parameter):
    response = api_client.get("/api/shifts/", params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]
