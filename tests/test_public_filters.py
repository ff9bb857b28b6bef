"""Filtering, searching, ordering and paging stances; every bad parameter is a 400 naming it."""

import datetime

import pytest

from positions.models import Stance
from tests.factories import ActorFactory, ExcerptFactory, PolicyFactory, SourceFactory, StanceFactory

pytestmark = pytest.mark.django_db


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def stances():
    mamdani = ActorFactory(name="Zohran Mamdani", slug="zohran-mamdani")
    adams = ActorFactory(name="Eric Adams", slug="eric-adams")
    policing = PolicyFactory(name="Policing", slug="policing")
    defund = PolicyFactory(name="Defund the NYPD", slug="defund-the-nypd", parent=policing)
    ice = PolicyFactory(name="NYPD cooperation with ICE", slug="nypd-cooperation-with-ice")
    cnn = SourceFactory(
        slug="cnn", publisher="CNN", text="He said the department should stop working with immigration agents."
    )
    city = SourceFactory(slug="city", publisher="The City", text="Police budgets were cut after the protests.")
    return {
        "defund-2020": StanceFactory(
            actor=mamdani,
            policy=defund,
            position=2,
            stated_on=day("2020-06-01"),
            summary="Wants to defund the police",
            excerpts=[ExcerptFactory(source=city, quote="Police budgets were cut")],
        ),
        "defund-2025": StanceFactory(
            actor=mamdani,
            policy=defund,
            position=-1,
            stated_on=day("2025-08-20"),
            evidence_kind=Stance.EvidenceKind.REPORTED_WORDS,
            summary="No longer calls for cuts",
            excerpts=[ExcerptFactory(source=city, quote="after the protests")],
        ),
        "ice-mamdani": StanceFactory(
            actor=mamdani,
            policy=ice,
            position=-2,
            stated_on=day("2025-06-01"),
            summary="Against cooperation",
            excerpts=[ExcerptFactory(source=cnn, quote="stop working with immigration agents")],
        ),
        "ice-adams": StanceFactory(
            actor=adams, policy=ice, position=1, stated_on=day("2025-04-08"), summary="Allowed ICE on Rikers"
        ),
    }


def found(client, **params) -> set[str]:
    response = client.get("/api/stances/", params)
    assert response.status_code == 200, response.content
    return {s["summary"] for s in response.json()["results"]}


def test_stances_filter_by_actor_and_policy_slugs_several_allowed(api_client, stances):
    assert found(api_client, actor="eric-adams") == {"Allowed ICE on Rikers"}
    assert found(api_client, policy="defund-the-nypd") == {"Wants to defund the police", "No longer calls for cuts"}
    assert len(found(api_client, actor=["eric-adams", "zohran-mamdani"])) == 4
    assert found(api_client, actor="zohran-mamdani", policy="nypd-cooperation-with-ice") == {"Against cooperation"}
    assert len(found(api_client, topic="policing")) == 2


def test_stances_filter_by_position_and_position_range(api_client, stances):
    assert found(api_client, position=-2) == {"Against cooperation"}
    assert found(api_client, position_min=1) == {"Wants to defund the police", "Allowed ICE on Rikers"}
    assert found(api_client, position_min=-1, position_max=1) == {"No longer calls for cuts", "Allowed ICE on Rikers"}


def test_stances_filter_by_date_range_inclusive(api_client, stances):
    assert found(api_client, stated_after="2025-06-01", stated_before="2025-08-20") == {
        "Against cooperation",
        "No longer calls for cuts",
    }


def test_stances_filter_by_source_publisher_and_evidence_kind(api_client, stances):
    assert found(api_client, source="cnn") == {"Against cooperation"}
    assert found(api_client, source=["cnn", "city"]) == {
        "Against cooperation",
        "Wants to defund the police",
        "No longer calls for cuts",
    }
    assert found(api_client, publisher="the city") == {"Wants to defund the police", "No longer calls for cuts"}
    assert found(api_client, evidence_kind="reported_words") == {"No longer calls for cuts"}


def test_text_search_covers_summaries_and_quotes(api_client, stances):
    assert found(api_client, q="defund") == {"Wants to defund the police"}
    assert found(api_client, q="immigration agents") == {"Against cooperation"}
    assert found(api_client, q="protests") == {"No longer calls for cuts"}
    assert found(api_client, q="zeppelin") == set()


def test_stances_can_be_ordered_and_paged_through_in_that_order(api_client, stances):
    first = api_client.get("/api/stances/", {"ordering": "position", "page_size": 3}).json()
    second = api_client.get(first["next"]).json()
    assert [s["position"] for s in first["results"] + second["results"]] == [-2, -1, 1, 2]
    assert second["next"] is None


@pytest.mark.parametrize(
    ("params", "parameter", "words"),
    [
        ({"actor": "nobody"}, "actor", "nobody"),
        ({"policy": "no-such-policy"}, "policy", "no-such-policy"),
        ({"topic": "no-such-topic"}, "topic", "no-such-topic"),
        ({"source": "no-such-source"}, "source", "no-such-source"),
        ({"position": "strong"}, "position", "strong"),
        ({"position": "3"}, "position", "3"),
        ({"position_min": "1.5"}, "position_min", "whole number"),
        ({"position_max": "abc"}, "position_max", "whole number"),
        ({"position_min": "99999999999999999999"}, "position_min", "less than or equal to 2"),
        ({"stated_after": "2025-02-30"}, "stated_after", "valid date"),
        ({"stated_before": "last week"}, "stated_before", "valid date"),
        ({"evidence_kind": "rumour"}, "evidence_kind", "rumour"),
        ({"ordering": "summary"}, "ordering", "summary"),
        ({"cursor": "not-a-cursor"}, "cursor", "Invalid cursor"),
        ({"page_size": "lots"}, "page_size", "whole number"),
    ],
)
def test_each_kind_of_bad_stance_parameter_is_a_400_naming_it(api_client, stances, params, parameter, words):
    response = api_client.get("/api/stances/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [parameter]
    assert words in body["errors"][parameter][0]


def test_a_forged_cursor_with_a_position_that_is_not_a_date_is_a_400(api_client, stances):
    import base64

    forged = base64.b64encode(b"o=0&r=0&p=not-a-date").decode()
    response = api_client.get("/api/stances/", {"cursor": forged})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cursor"]


@pytest.mark.parametrize(
    ("url", "params", "parameter"),
    [
        ("/api/actors/", {"page": "two"}, "page"),
        ("/api/actors/", {"page": "0"}, "page"),
        ("/api/actors/", {"page": "-1"}, "page"),
        ("/api/policies/defund-the-nypd/timeline/", {"page": "0"}, "page"),
        ("/api/actors/", {"kind": "alien"}, "kind"),
        ("/api/policies/", {"parent": "no-such-topic"}, "parent"),
        ("/api/sources/", {"published_after": "2025-13-01"}, "published_after"),
        ("/api/sources/", {"ordering": "text"}, "ordering"),
        ("/api/positions/", {"topic": "nothing"}, "topic"),
        ("/api/positions/", {"position": "-3"}, "position"),
        ("/api/positions/", {"as_of": "9999-12-31"}, "as_of"),
        ("/api/positions/", {"as_of": "0001-01-01"}, "as_of"),
        ("/api/policies/defund-the-nypd/timeline/", {"actor": "nobody"}, "actor"),
    ],
)
def test_bad_parameters_on_other_lists_are_400s_naming_them(api_client, stances, url, params, parameter):
    response = api_client.get(url, params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


def test_a_page_past_the_end_is_a_404(api_client, stances):
    response = api_client.get("/api/actors/", {"page": 99})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/stances/99999999999999999999999/", 404),
        ("/api/stances/?format=xml", 404),
        ("/api/actors/?page=-1", 400),
        ("/api/shifts/?page=99999999999999999999999", 400),
        ("/api/positions/?page=2", 400),
        ("/api/stances/?page_size=0", 400),
        ("/api/positions/?as_of=9999-12-31", 400),
        ("/api/stances/?q=%27%22%29%28%26%7C%21%3A*", 200),
        ("/api/stances/?stated_after=0001-01-01&stated_before=9999-12-31", 200),
    ],
)
def test_odd_requests_get_a_clear_answer_never_a_500(api_client, stances, url, status):
    response = api_client.get(url)
    assert response.status_code == status
    body = response.json()
    if status == 200:
        assert "results" in body
    else:
        assert (body["status"], set(body)) == (status, {"status", "code", "message", "errors"})


def test_slug_choices_follow_the_database_though_the_filter_form_is_built_once(api_client, stances):
    # The filter form's class is built at the first request and kept (``api.filters.PublicFilterSet``); the
    # slugs it accepts are still read from the database on every request.
    refused = api_client.get("/api/stances/", {"actor": "new-council-member"})
    assert refused.status_code == 400
    assert "new-council-member is not one of the available choices" in refused.json()["errors"]["actor"][0]
    member = ActorFactory(name="New Council Member", slug="new-council-member")
    StanceFactory(actor=member, policy=stances["defund-2020"].policy, position=1, stated_on=day("2025-11-10"))
    accepted = api_client.get("/api/stances/", {"actor": "new-council-member"})
    assert accepted.status_code == 200
    assert [row["actor"]["slug"] for row in accepted.json()["results"]] == ["new-council-member"]


def test_only_the_filters_a_request_names_are_validated_and_applied(api_client, stances):
    from api.filters import StanceFilter

    given = StanceFilter({"policy": "policing", "stated_after": "2020-01-01", "unknown": "x"}).only_given()
    assert list(given.filters) == ["policy", "stated_after"]
    assert list(given.form.fields) == ["policy", "stated_after"]
    # A request naming none applies none: the whole list, in its default order.
    unfiltered = api_client.get("/api/stances/?page_size=500").json()["results"]
    assert {row["id"] for row in unfiltered} == set(Stance.objects.published().values_list("pk", flat=True))
    # A bad value of a named filter is still a 400 naming it, beside a good one.
    response = api_client.get("/api/stances/?policy=policing&position_min=9")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["position_min"]


def test_the_browsable_apis_filter_form_still_offers_every_filter(api_client, stances):
    from api.filters import StanceFilter

    page = api_client.get("/api/stances/?policy=policing", HTTP_ACCEPT="text/html").content.decode()
    for name in StanceFilter.base_filters:
        assert f'name="{name}"' in page, name
