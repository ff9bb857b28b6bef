"""Queries per request do not grow with page size or timeline length."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dataversion.models import DataVersion
from tests.factories import ActorFactory, ExcerptFactory, PolicyFactory, RoleFactory, SourceFactory, StanceFactory

POSTGRESQL = connection.vendor == "postgresql"

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    topic = PolicyFactory(slug="policing")
    return {
        "policies": [PolicyFactory(slug=f"policy-{n}", parent=topic) for n in range(2)],
        "actors": [],
        "known_source": SourceFactory(slug="known-source"),
    }


def grow(world, count: int) -> None:
    """``count`` more actors (the first is ``target``), each with a role and, on each of two policies under
    one topic, a series of three stances with two excerpts each: every actor adds a page row, six stances,
    twelve excerpts from six sources, and four shifts."""
    for _ in range(count):
        actor = ActorFactory(slug="target") if not world["actors"] else ActorFactory()
        world["actors"].append(actor)
        RoleFactory(actor=actor, organization=ActorFactory())
        for policy in world["policies"]:
            for step, position in enumerate([2, 0, -1]):
                is_first_stance = actor.slug == "target" and policy == world["policies"][0] and step == 0
                source = world["known_source"] if is_first_stance else SourceFactory()
                StanceFactory(
                    actor=actor,
                    policy=policy,
                    position=position,
                    stated_on=datetime.date(2020 + step, 1, 1),
                    excerpts=[ExcerptFactory(source=source), ExcerptFactory(source=source, quote="would not work")],
                )


# Each list and timeline endpoint with the queries it makes: the object looked up, one per slug filter
# (validation), the page count (numbered pages only: lists that grow with the stances are paged by cursor), the
# page, one per prefetch or page-wide read (excerpts, the actor's roles, actors' latest positions, sources'
# excerpts); for a topic, one per level of the policy tree; for a text search on PostgreSQL, two estimates of how
# common its words are; for a timeline, the steps before the entries of the page that are not on it (none here: each
# page holds its series whole). A shift's two ends are read in
# one query. The same for a small and a large data set.
ENDPOINTS = [
    ("/api/actors/", 4),
    ("/api/actors/target/", 3),
    ("/api/policies/", 3),
    ("/api/sources/", 3),
    ("/api/stances/", 3),
    ("/api/stances/?actor=target&policy=policy-0&q=crisis&source=known-source", 8 if POSTGRESQL else 7),
    ("/api/stances/?format=csv", 3),
    ("/api/actors/target/timeline/", 5),
    ("/api/actors/target/timeline/?policy=policy-1", 6),
    ("/api/policies/policy-0/timeline/", 5),
    ("/api/positions/", 3),
    ("/api/positions/?as_of=2021-06-01&topic=policing&format=csv", 7),
    ("/api/shifts/", 4),
    ("/api/shifts/?kind=softening&policy=policy-0&format=csv", 5),
]


# Opening the request's read snapshot (a savepoint inside the test's transaction, SET TRANSACTION on
# PostgreSQL, reading the data version it sees: one row by key) reads no data: only the queries that do are
# counted.
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "SET TRANSACTION")
DATA_VERSION_TABLE = DataVersion._meta.db_table


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url + ("&" if "?" in url else "?") + "page_size=500")
    assert response.status_code == 200, response.content
    if "format=csv" in url:
        assert len(response.content.decode().splitlines()) > 1
    elif "results" in response.json():
        assert response.json()["results"]
    reads = [
        query["sql"]
        for query in queries
        if not query["sql"].upper().startswith(TRANSACTION_CONTROL) and DATA_VERSION_TABLE not in query["sql"]
    ]
    assert len(queries) - len(reads) <= 4, "one snapshot per request"
    return len(reads)


@pytest.mark.parametrize(("url", "most"), ENDPOINTS)
def test_queries_do_not_grow_with_the_amount_of_data(api_client, world, url, most):
    grow(world, 2)
    small = count_queries(api_client, url)
    grow(world, 10)
    large = count_queries(api_client, url)
    assert large == small
    assert large <= most


@pytest.mark.parametrize("url", ["/api/actors/target/timeline/?page=2", "/api/policies/policy-0/timeline/?page=3"])
def test_a_later_timeline_page_reads_the_steps_before_it_in_one_query(api_client, world, url):
    def queries(url):
        api_client.get(url + "&page_size=2")  # the ids of the slugs are then known at this data version
        with CaptureQueriesContext(connection) as captured:
            response = api_client.get(url + "&page_size=2")
        assert response.status_code == 200
        return len(captured), [entry["change"]["from_stance"] for entry in response.json()["results"]]

    grow(world, 2)
    later, steps = queries(url)
    assert steps[0] is not None  # the step before the page's first entry is on an earlier page
    grow(world, 10)
    assert queries(url)[0] == later
    # The first page holds the step before each of its entries (the first of a series has none): no query for them.
    first, steps = queries(url.split("?")[0] + "?page=1")
    assert (first, steps[0]) == (later - 1, None)


@pytest.mark.parametrize("url", ["/api/actors/target/timeline/", "/api/policies/policy-0/timeline/"])
def test_a_numbered_page_counts_the_stances_alone_not_their_rows(api_client, world, url):
    # The page's rows join actors and policies for their names; its count must not, or it reads every joined row
    # (200 ms for a busy policy's timeline at a million stances).
    grow(world, 2)
    with CaptureQueriesContext(connection) as captured:
        response = api_client.get(url)
    assert response.status_code == 200
    assert response.json()["count"] == 6  # the target actor: two policies of three; a policy: two actors of three
    [count] = [query["sql"] for query in captured if "COUNT(" in query["sql"].upper()]
    assert " JOIN " not in count.upper(), count
