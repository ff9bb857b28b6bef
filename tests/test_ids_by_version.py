"""Slugs looked up once per data version (``stancetracker.ids``): the same request at the same version skips the
lookup, and any write (a slug renamed, a record added or deleted) makes every request look again."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from positions.models import Actor, Policy
from stancetracker.ids import ids_by
from tests.factories import ActorFactory, PolicyFactory, StanceFactory

pytestmark = pytest.mark.django_db

SLUG_LOOKUP = 'WHERE "positions_{}"."slug" IN'


def slug_lookups(client, url: str, model: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    lookups = sum(SLUG_LOOKUP.format(model) in query["sql"] for query in queries)
    return lookups, response


@pytest.fixture
def series():
    stance = StanceFactory(actor=ActorFactory(slug="mamdani"), policy=PolicyFactory(slug="ice-cooperation"))
    return stance


def test_a_slug_is_looked_up_once_per_data_version(api_client, series):
    url = "/api/actors/mamdani/timeline/?policy=ice-cooperation"
    first, response = slug_lookups(api_client, url, "policy")
    assert first == 1
    again, response_again = slug_lookups(api_client, url, "policy")
    assert again == 0
    assert response_again.json() == response.json()
    actor_lookups, _ = slug_lookups(api_client, url, "actor")
    assert actor_lookups == 0


def test_a_renamed_slug_is_looked_up_anew(api_client, series):
    url = "/api/stances/?policy=ice-cooperation"
    assert api_client.get(url).json()["results"][0]["id"] == series.pk
    Policy.objects.filter(pk=series.policy_id).update(slug="ice-detainers")  # any write changes the version

    response = api_client.get(url)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "policy": ["Select a valid choice. ice-cooperation is not one of the available choices."]
    }
    renamed = api_client.get("/api/stances/?policy=ice-detainers").json()["results"]
    assert [stance["policy"]["slug"] for stance in renamed] == ["ice-detainers"]


def test_a_slug_given_to_another_record_names_that_record(api_client, series):
    assert api_client.get("/api/actors/mamdani/timeline/").json()["count"] == 1
    Actor.objects.filter(slug="mamdani").update(slug="zohran-mamdani")
    newcomer = ActorFactory(slug="mamdani")
    StanceFactory(actor=newcomer, policy=series.policy)
    StanceFactory(actor=newcomer, policy=series.policy)

    response = api_client.get("/api/actors/mamdani/timeline/").json()
    assert response["count"] == 2
    assert {entry["actor"]["name"] for entry in response["results"]} == {newcomer.name}


def test_outside_a_request_every_lookup_reads_the_database(series):
    with CaptureQueriesContext(connection) as queries:
        assert ids_by(Policy, "slug", ["ice-cooperation", "unknown"]) == {"ice-cooperation": series.policy_id}
        assert ids_by(Policy, "slug", ["ice-cooperation"]) == {"ice-cooperation": series.policy_id}
    assert len(queries) == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_test_transaction_too(api_client):
    # The snapshot a request opens on its own (on PostgreSQL: its first statement reads the version).
    StanceFactory(actor=ActorFactory(slug="mamdani"), policy=PolicyFactory(slug="ice-cooperation"))
    url = "/api/stances/?policy=ice-cooperation"
    assert slug_lookups(api_client, url, "policy")[0] == 1
    assert slug_lookups(api_client, url, "policy")[0] == 0
    Policy.objects.filter(slug="ice-cooperation").update(slug="ice-detainers")
    lookups, response = slug_lookups(api_client, url, "policy")
    assert (lookups, response.status_code) == (1, 400)
