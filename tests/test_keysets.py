"""Keyset cursors (``api.keysets``): pure, no database."""

import datetime

import pytest
from django.db.models import Q

from api import keysets


def test_after_is_beyond_on_the_first_field_or_equal_and_beyond_on_a_later_one():
    day = datetime.date(2025, 8, 30)
    condition = keysets.after(("-known_from", "position", "pk"), [day, 1, 7])
    expected = Q(known_from__lte=day) & (
        Q(known_from__lt=day) | Q(known_from=day, position__gt=1) | Q(known_from=day, position=1, pk__gt=7)
    )
    assert condition == expected


def test_the_order_ends_with_the_primary_key_and_reverses_term_by_term():
    assert keysets.unique(("-known_from",)) == ("-known_from", "pk")
    assert keysets.unique(("position", "-id")) == ("position", "-id")
    assert keysets.reversed_order(("-known_from", "position", "pk")) == ("known_from", "-position", "-pk")


def test_a_cursor_round_trips_its_direction_and_values():
    values = [datetime.date(2025, 7, 30), "Zohran Mamdani", -2, 41]
    before, decoded = keysets.decode(keysets.encode(values, before=True))
    assert before is True
    assert decoded == ["2025-07-30", "Zohran Mamdani", -2, 41]
    assert keysets.decode(keysets.encode([3], before=False)) == (False, [3])


@pytest.mark.parametrize(
    "cursor",
    ["", "!!!", "cD0yMDE4LTA0LTI3", "e30", "eyJhZnRlciI6W119", "eyJhZnRlciI6WzEuNV19", "eyJhZnRlciI6W3RydWVdfQ"],
)
def test_anything_but_a_cursor_is_refused(cursor):
    with pytest.raises(ValueError):
        keysets.decode(cursor)


def test_after_needs_one_value_per_field():
    with pytest.raises(ValueError):
        keysets.after(("known_from", "pk"), [datetime.date(2025, 1, 1)])


def test_an_order_all_one_way_is_one_row_comparison():
    from django.db.models import F, Value
    from django.db.models.lookups import GreaterThan, LessThan

    day = datetime.date(2025, 8, 30)
    newest_first = keysets.after(("-known_from", "-pk"), [day, 7])
    assert isinstance(newest_first, LessThan)
    assert newest_first.lhs.source_expressions == [F("known_from"), F("pk")]
    assert newest_first.rhs.source_expressions == [Value(day), Value(7)]
    assert isinstance(keysets.after(("actor_name", "pk"), ["Ann", 3]), GreaterThan)
