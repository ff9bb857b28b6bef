"""Odd input gets the API's ordinary answers: NUL bytes, line breaks in paths and repeated parameters are a
404 or a 400 in the error shape, never a 500, an HTML page or a silently chosen value."""

import datetime

import pytest

from tests.factories import ActorFactory, ExcerptFactory, PolicyFactory, SourceFactory, StanceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_actors():
    """Two actors on one policy, each with a reversal: every list has something in it."""
    policy = PolicyFactory(slug="defund-the-nypd")
    for slug in ("zohran-mamdani", "eric-adams"):
        actor = ActorFactory(slug=slug)
        source = SourceFactory(slug=f"{slug}-interview")
        StanceFactory(actor=actor, policy=policy, position=1, stated_on=datetime.date(2020, 6, 1))
        StanceFactory(
            actor=actor,
            policy=policy,
            position=-1,
            stated_on=datetime.date(2025, 8, 20),
            excerpts=[ExcerptFactory(source=source)],
        )


def assert_not_found(response):
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["status"], body["code"], body["errors"]) == (404, "not_found", {})
    return body


def assert_bad_parameter(response, name: str) -> list[str]:
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert list(body["errors"]) == [name]
    return body["errors"][name]


@pytest.mark.parametrize(
    "path",
    [
        "/api/actors/%00/",
        "/api/actors/zohran%00mamdani/",
        "/api/policies/%00/",
        "/api/sources/%00/",
        "/api/stances/%00/",
        "/api/actors/%00/timeline/",
        "/api/policies/a%00/timeline/",
    ],
)
def test_a_nul_byte_in_the_path_is_a_404_in_the_error_shape(api_client, two_actors, path):
    assert_not_found(api_client.get(path))


@pytest.mark.parametrize(
    "path",
    ["/api/%0A", "/api/nothing%0Ahere/", "/api/actors/%0A/", "/api/actors/zohran-mamdani%0A/timeline/", "/api/%0D%0A"],
)
def test_a_line_break_in_the_path_is_the_apis_json_404(api_client, two_actors, path):
    body = assert_not_found(api_client.get(path))
    assert body["message"].startswith(("No API endpoint at /api/", "No Actor matches"))


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/stances/?actor=%00", "actor"),
        ("/api/stances/?q=crisis%00", "q"),
        ("/api/stances/?publisher=%00", "publisher"),
        ("/api/stances/?source=%00", "source"),
        ("/api/stances/?ordering=%00", "ordering"),
        ("/api/stances/?cursor=%00", "cursor"),
        ("/api/positions/?as_of=2025-01-01%00", "as_of"),
        ("/api/sources/?publisher=CNN%00", "publisher"),
        ("/api/actors/?page=%00", "page"),
        ("/api/shifts/?kind=%00", "kind"),
        ("/api/actors/zohran-mamdani/timeline/?policy=%00", "policy"),
    ],
)
def test_a_nul_byte_in_a_parameter_is_a_400_naming_it(api_client, two_actors, url, name):
    assert assert_bad_parameter(api_client.get(url), name) == ["Null characters are not allowed."]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/positions/?as_of=2025-01-01&as_of=2025-02-01", "as_of"),
        ("/api/stances/?q=a&q=b", "q"),
        ("/api/stances/?ordering=position&ordering=-stated_on", "ordering"),
        ("/api/stances/?position=1&position=-1", "position"),
        ("/api/stances/?publisher=CNN&publisher=NY1", "publisher"),
        ("/api/stances/?page_size=1&page_size=2", "page_size"),
        ("/api/stances/?cursor=a&cursor=b", "cursor"),
        ("/api/actors/?page=1&page=2", "page"),
        ("/api/actors/?ordering=name&ordering=slug", "ordering"),
        ("/api/policies/?parent=defund-the-nypd&parent=defund-the-nypd", "parent"),
        ("/api/shifts/?stated_after=2020-01-01&stated_after=2021-01-01", "stated_after"),
        ("/api/shifts/?format=csv&format=json", "format"),
        ("/api/policies/defund-the-nypd/timeline/?page=1&page=1", "page"),
    ],
)
def test_a_single_valued_parameter_given_twice_is_a_400_naming_it(api_client, two_actors, url, name):
    assert assert_bad_parameter(api_client.get(url), name) == ["Given more than once: give one value."]


def test_parameters_that_take_several_values_stay_repeatable(api_client, two_actors):
    both = {"zohran-mamdani", "eric-adams"}

    stances = api_client.get("/api/stances/?actor=zohran-mamdani&actor=eric-adams&policy=defund-the-nypd")
    by_source = api_client.get("/api/stances/?source=zohran-mamdani-interview&source=eric-adams-interview")
    shifts = api_client.get("/api/shifts/?kind=reversal&kind=softening&actor=zohran-mamdani&actor=eric-adams")
    positions = api_client.get("/api/positions/?actor=zohran-mamdani&actor=eric-adams")

    assert {stance["actor"]["slug"] for stance in stances.json()["results"]} == both
    assert len(stances.json()["results"]) == 4
    assert {stance["actor"]["slug"] for stance in by_source.json()["results"]} == both
    assert len(by_source.json()["results"]) == 2
    assert sorted((shift["actor"]["slug"], shift["kind"]) for shift in shifts.json()["results"]) == [
        ("eric-adams", "reversal"),
        ("zohran-mamdani", "reversal"),
    ]
    assert {position["actor"]["slug"] for position in positions.json()["results"]} == both


def test_unknown_parameters_are_still_ignored_even_repeated(api_client, two_actors):
    response = api_client.get("/api/actors/?utm_source=a&utm_source=b")
    assert response.status_code == 200
    assert {actor["slug"] for actor in response.json()["results"]} == {"zohran-mamdani", "eric-adams"}
