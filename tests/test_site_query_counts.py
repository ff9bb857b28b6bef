"""The readers' pages read a fixed number of queries, however many actors and stances there are."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ActorFactory, ExcerptFactory, PolicyFactory, RoleFactory, SourceFactory, StanceFactory
from tests.test_public_query_counts import DATA_VERSION_TABLE, TRANSACTION_CONTROL

pytestmark = pytest.mark.django_db

SERIES = "actors/target/policies/policy-0"
# Each page with its queries: the object looked up, then one per list or prefetch it prints (stances, their
# excerpts with sources, the actor's roles twice: its own and each stance's capacity; a policy's children and its
# shifts; and where shifts or steps are shown, the stance before each, read for the page); an actor's policies and
# a policy's positions are paged, each with its count (and the actor's page of policies); the home page's four
# counts and four lists; a search's three lists (on SQLite, and how many records its words match, up to a point,
# which decides how to read them: ``positions.search_sqlite``).
PAGES = [
    ("/", 9),
    ("/search/?q=said", 3 if connection.vendor == "postgresql" else 4),
    ("/actors/target/", 8),
    ("/policies/policy-0/?as_of=2025-06-01", 8),
    ("/sources/known-source/", 3),
    ("/shifts/", 3),
    ("/shifts/feed/", 2),
    ("/corrections/", 1),
    (f"/embed/{SERIES}/", 5),
    (f"/{SERIES}/chart.svg", 5),
    (f"/{SERIES}/chart.png", 5),
]


@pytest.fixture
def world():
    source = SourceFactory(slug="known-source")
    return {
        "policies": [PolicyFactory(slug=f"policy-{n}") for n in range(2)],
        "excerpts": [ExcerptFactory(source=source), ExcerptFactory(source=source, quote="would not work")],
    }


def grow(world, actors: int, stances_each: int) -> None:
    """More actors, each with a role and, on each policy, a series of stances alternating sides (every one a
    reversal), each citing the known source's two excerpts."""
    for _ in range(actors):
        exists = ActorFactory._meta.model.objects.filter(slug="target").exists()
        actor = ActorFactory() if exists else ActorFactory(slug="target")
        RoleFactory(actor=actor, organization=ActorFactory())
        for policy in world["policies"]:
            for step in range(stances_each):
                StanceFactory(
                    actor=actor,
                    policy=policy,
                    position=2 if step % 2 else -1,
                    stated_on=datetime.date(2000, 1, 1) + datetime.timedelta(days=30 * step),
                    summary="Said it again.",
                    excerpts=world["excerpts"],
                )


def queries(client, url: str) -> int:
    """The queries that read data: a page's read snapshot (a savepoint in tests, SET TRANSACTION on PostgreSQL) and
    the data version it is tagged with are counted apart, as for the API."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    reads = [
        query["sql"]
        for query in captured
        if not query["sql"].upper().startswith(TRANSACTION_CONTROL) and DATA_VERSION_TABLE not in query["sql"]
    ]
    assert len(captured) - len(reads) <= 3, "one snapshot per page"
    return len(reads)


def test_pages_make_as_many_queries_for_one_short_series_as_for_many_long_ones(client, world):
    grow(world, actors=1, stances_each=2)
    small = {url: queries(client, url) for url, _ in PAGES}
    grow(world, actors=3, stances_each=20)
    large = {url: queries(client, url) for url, _ in PAGES}

    assert large == small
    assert small == dict(PAGES)


@pytest.mark.parametrize(("url", "budget"), PAGES)
def test_each_page_stays_within_its_query_budget_for_an_actor_with_many_stances(client, world, url, budget):
    grow(world, actors=1, stances_each=60)

    assert queries(client, url) <= budget
