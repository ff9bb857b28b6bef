"""Querysets compiled once and run again with other values (``stancetracker.compiled``) give what the ORM gives."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from positions.models import Actor, Role
from sources.models import Source
from stancetracker.compiled import CompiledQuery
from tests.factories import ActorFactory, RoleFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    city = ActorFactory(name="City of New York", slug="nyc", kind=Actor.Kind.GOVERNMENT_BODY)
    people = [ActorFactory(name=f"Person {n}", slug=f"person-{n}") for n in range(5)]
    for n, person in enumerate(people):
        RoleFactory(actor=person, organization=city, title=f"Title {n}", start_on=datetime.date(2020, 1, 1 + n))
    return people


def by_ids(ids):
    return Actor.objects.filter(pk__in=ids).order_by("name").values("pk", "slug", "name")


def test_rows_are_the_querysets_for_every_shape_and_value(actors):
    query = CompiledQuery(Actor, by_ids)
    for chosen in ([actors[0]], actors[1:3], actors[::-1], actors[2:3]):
        ids = [actor.pk for actor in chosen]
        assert query(ids=ids) == list(by_ids(ids))


def test_values_list_and_flat_rows_and_converted_dates(actors):
    roles = CompiledQuery(
        Role,
        lambda ids: Role.objects.filter(actor__in=ids).order_by("start_on").values_list("actor__slug", "start_on"),
    )
    flat = CompiledQuery(Actor, lambda slug: Actor.objects.filter(slug=slug).values_list("pk", flat=True))
    ids = [actor.pk for actor in actors[:2]]
    rows = roles(ids=ids)
    assert rows == [("person-0", datetime.date(2020, 1, 1)), ("person-1", datetime.date(2020, 1, 2))]
    assert isinstance(rows[0][1], datetime.date)  # SQLite stores text: Django's converters are applied
    assert flat(slug="person-3") == [actors[3].pk]
    assert flat(slug="nobody") == []


def test_sql_is_built_once_per_database_and_shape(actors):
    built = []

    def build(ids):
        built.append(len(ids))
        return by_ids(ids)

    query = CompiledQuery(Actor, build)
    query(ids=[actors[0].pk, actors[1].pk])
    query(ids=[actors[2].pk, actors[3].pk])
    query(ids=[actors[4].pk])
    query(ids=[actors[1].pk])
    assert built == [2, 1]


def test_each_call_is_one_statement_seen_like_any_query(actors):
    query = CompiledQuery(Actor, by_ids)
    query(ids=[actors[0].pk])
    with CaptureQueriesContext(connection) as queries:
        assert query(ids=[actors[4].pk]) == [{"pk": actors[4].pk, "slug": "person-4", "name": "Person 4"}]
    assert len(queries) == 1
    assert str(actors[4].pk) in queries[0]["sql"]


def test_an_empty_list_asks_nothing(actors):
    query = CompiledQuery(Actor, by_ids)
    with CaptureQueriesContext(connection) as queries:
        assert query(ids=[]) == []
    assert len(queries) == 0


def test_a_value_used_twice_is_put_in_both_places(actors):
    twice = CompiledQuery(
        Actor, lambda slug: Actor.objects.filter(slug=slug).exclude(name=slug).values_list("name", flat=True)
    )
    assert twice(slug="person-1") == ["Person 1"]
    assert twice(slug="person-2") == ["Person 2"]
    (statement,) = twice._statements.values()
    assert statement is not None and sorted(slot[0] for slot in statement.slots.values()) == ["slug", "slug"]


def test_strings_are_values_never_sql(actors):
    SourceFactory(slug="o-reilly", title="O'Reilly; DROP TABLE positions_actor; --")
    query = CompiledQuery(Source, lambda slug: Source.objects.filter(slug=slug).values_list("title", flat=True))
    assert query(slug="nothing") == []
    assert query(slug="o-reilly") == ["O'Reilly; DROP TABLE positions_actor; --"]
    assert query(slug="' OR 1=1 --") == []
    assert Actor.objects.count() == 6


@pytest.mark.parametrize("value", [1.5, None, True, datetime.date(2020, 1, 1), [1, None]])
def test_only_whole_numbers_strings_and_lists_of_them_are_taken(actors, value):
    query = CompiledQuery(Actor, by_ids)
    with pytest.raises(TypeError):
        query(ids=value)


def test_days_vary_like_ids(actors):
    # A day reaches PostgreSQL as a date and SQLite as ISO text: either way the request's own goes in its place.
    started = CompiledQuery(
        Role,
        lambda after, before: (
            Role.objects.filter(start_on__gte=after, start_on__lt=before)
            .order_by("start_on")
            .values_list("title", flat=True)
        ),
    )
    for after, before in [((2020, 1, 2), (2020, 1, 4)), ((2019, 1, 1), (2020, 1, 2)), ((2020, 1, 5), (2021, 1, 1))]:
        after, before = datetime.date(*after), datetime.date(*before)
        expected = list(started.build(after=after, before=before))
        assert started(after=after, before=before) == expected
        assert expected
    with pytest.raises(TypeError, match="not datetime"):
        started(after=datetime.datetime(2020, 1, 1), before=datetime.date(2021, 1, 1))


def test_small_integer_columns_take_their_values():
    # Django finds nothing, without asking, for a value beyond a column's range: a stand-in must be within it.
    from positions.models import Stance
    from tests.factories import StanceFactory

    stances = {position: StanceFactory(position=position) for position in (-2, 0, 2)}
    built = []

    def build(position):
        built.append(position)
        return Stance.objects.filter(position=position).values_list("pk", flat=True)

    held = CompiledQuery(Stance, build)
    for position, stance in stances.items():
        assert held(position=position) == [stance.pk]
    assert len(built) == 1  # compiled once, not run by the ORM for want of a statement


def test_a_build_that_finds_nothing_for_its_stand_ins_is_run_by_the_orm():
    from positions.models import Stance
    from tests.factories import StanceFactory

    stance = StanceFactory(position=1)

    def build(position):  # chooses its statement by the value: not compiled, yet right
        return Stance.objects.filter(position__in=[position] if -2 <= position <= 2 else []).values_list("pk")

    held = CompiledQuery(Stance, build)
    assert held(position=1) == [(stance.pk,)]
    assert held(position=2) == []
