"""Keyset cursors: a page of a list in a fixed order starts after (or ends before) one row, named by the values of
every field of the order. The order always ends with the primary key, so the values name exactly one place in the
list: a page never skips or repeats a row, forwards or back, however many rows share the first field's value.
(Django REST framework's own cursor holds the first field's value and an offset, which goes wrong on the way back
when rows share that value.)

Pure: the conditions are ``Q`` objects, the cursors text; nothing here reads the database.
"""

import base64
import binascii
import datetime
import functools
import json
import operator
from collections.abc import Sequence

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, Field, Func, Q, Value
from django.db.models.lookups import GreaterThan, LessThan

UNIQUE = ("pk", "id")  # names of the primary key an order may end with


def terms(ordering: Sequence[str]) -> list[tuple[str, bool]]:
    """``(field, descending)`` for each term of ``ordering`` (``"-known_from"`` -> ``("known_from", True)``)."""
    return [(order.removeprefix("-"), order.startswith("-")) for order in ordering]


def unique(ordering: Sequence[str]) -> tuple[str, ...]:
    """``ordering`` ending with the primary key, which makes every row's place in it unique."""
    ordering = tuple(ordering)
    return ordering if ordering and ordering[-1].removeprefix("-") in UNIQUE else (*ordering, "pk")


def reversed_order(ordering: Sequence[str]) -> tuple[str, ...]:
    return tuple(order.removeprefix("-") if order.startswith("-") else f"-{order}" for order in ordering)


class Row(Func):
    """A row value, ``(a, b, …)``: two compare field by field, in order (SQL's row comparison)."""

    template = "(%(expressions)s)"
    output_field = Field()


def after(ordering: Sequence[str], values: Sequence):
    """The rows that come after the row whose values of the fields of ``ordering`` are ``values`` (typed as the
    fields are: ``typed()``): those beyond it on the first field, or equal on it and beyond it on the second, and so
    on. Where every field goes the same way, one row comparison, which an index in that order starts its scan at;
    else the same as a disjunction, with the first field's bound also given alone, which an index bounds its scan
    by."""
    pairs = terms(ordering)
    if len(pairs) != len(values) or not pairs:
        raise ValueError("one value for each field of the order")
    if len({descending for _, descending in pairs}) == 1:
        compare = LessThan if pairs[0][1] else GreaterThan
        return compare(Row(*(F(name) for name, _ in pairs)), Row(*(Value(value) for value in values)))
    branches = []
    for index, (name, descending) in enumerate(pairs):
        equal = {field: value for (field, _), value in zip(pairs[:index], values[:index], strict=True)}
        branches.append(Q(**equal, **{f"{name}__{'lt' if descending else 'gt'}": values[index]}))
    first, descending = pairs[0]
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": values[0]}) & functools.reduce(operator.or_, branches)


def field_of(model, name: str):
    """The model's field of this name in an order (``pk`` included), or None for an annotation."""
    try:
        return model._meta.pk if name == "pk" else model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def typed(model, ordering: Sequence[str], values: Sequence) -> list:
    """A cursor's values as the fields of ``ordering`` hold them (a day from its ISO text), an annotation's as they
    came; ``ValidationError`` for a value a field refuses or a whole number no database column holds."""
    result = []
    for (name, _), value in zip(terms(ordering), values, strict=True):
        if (field := field_of(model, name)) is not None:
            value = field.to_python(value)
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise ValidationError("a whole number beyond 64 bits")
        result.append(value)
    return result


def key(row, ordering: Sequence[str]) -> tuple:
    """A row's values of the fields of ``ordering`` (a row read with them, as ``values()`` reads it)."""
    return tuple(row[name] for name, _ in terms(ordering))


def encode(values: Sequence, *, before: bool) -> str:
    """A cursor for the page after (or, ``before``, the page before) the row with these values."""
    written = [value.isoformat() if isinstance(value, datetime.date) else value for value in values]
    text = json.dumps({"before" if before else "after": written}, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[bool, list]:
    """``(before, values)`` of a cursor ``encode()`` wrote; ValueError for anything else."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        data = json.loads(text)
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError("not a cursor") from error
    if not isinstance(data, dict) or len(data) != 1 or not ({"after", "before"} & set(data)):
        raise ValueError("not a cursor")
    ((direction, values),) = data.items()
    if not isinstance(values, list) or not values:
        raise ValueError("not a cursor")
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError("a cursor holds whole numbers and text")
    return direction == "before", values
