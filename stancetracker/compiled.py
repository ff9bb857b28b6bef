"""Querysets of a fixed shape, compiled to SQL once and run again with other values.

Turning a queryset into SQL costs Django about a millisecond for a ``values()`` read that joins a few tables:
more than running it, for the small reads a public response is made of (a page's excerpts, its actors' roles,
one stance by its id, the data version). A ``CompiledQuery`` builds its queryset once per database and shape,
from stand-in values, keeps the SQL and where the stand-ins went in its parameters, and afterwards only puts the
request's values there, runs the statement through the connection's cursor (so execute wrappers, query capture
and the snapshot's database apply as to any query) and applies the fields' converters as Django would. The rows
are what the queryset itself would have given: dicts for ``values()``, tuples for ``values_list()``, values for
``flat=True``.

Only whole numbers, strings and days may vary (ids, slugs and dates): a stand-in is found among the compiled
parameters by its value (a day as the database adapts it: itself, or its ISO text on SQLite), wherever it occurs
(a keyset condition compares one value in several terms), and the request's value is put there in the same form.
A list parameter (``pk__in=ids``) is compiled once per length. A queryset whose stand-ins cannot all be found is
never kept: it is built and run by the ORM on every call, so a shape this module cannot handle is slow, never
wrong. A build must give the same SQL for any values of the same
shape: it may not choose its statement by a value (nor read the database to choose it).
"""

from __future__ import annotations

import datetime
import itertools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models.query import FlatValuesListIterable, ValuesIterable, ValuesListIterable
from django.utils.functional import cached_property

# Stand-ins, each distinct. Whole numbers within every integer column's range (Django finds nothing, without asking,
# for a value out of a column's range), far from the small constants a statement holds (a status, a limit): they
# only need to differ from any other parameter of the statement.
_INT_BASE = 31_000
_STR_PREFIX = "\ue000compiled-stand-in-"
_DAY_BASE = datetime.date(1, 1, 1)  # stand-in days count from the first day of year 1
# Shapes kept per query (list lengths); a request can only ask for pages of bounded size.
MAX_SHAPES = 512


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple
    # position in params -> (argument, index in a list argument, its form there: ``ISO`` for a day as text, the
    # driver's type for a whole number it types, e.g. psycopg's ``Int2`` for a small integer column; None as given)
    slots: dict[int, tuple[str, int | None, object]]
    names: tuple[str, ...]
    converters: tuple  # ((column, (converter, ...), expression), ...)
    shape: type  # the queryset's iterable class


class _Uncompilable(Exception):
    """The queryset's SQL does not hold each stand-in exactly once."""


class CompiledQuery:
    """``build(**arguments)`` (a ``values()`` or ``values_list()`` queryset of ``model``, a model or its
    ``"app_label.Model"``, whose router decides the database), compiled once per database and shape; call the
    ``CompiledQuery`` with the arguments to get its rows as a list."""

    def __init__(self, model, build: Callable[..., object]):
        self._model = model
        self.build = build
        self._statements: dict[tuple, _Statement | None] = {}
        self._lock = threading.Lock()

    @cached_property
    def model(self):
        return apps.get_model(self._model) if isinstance(self._model, str) else self._model

    def __call__(self, *, using: str | None = None, **arguments) -> list:
        alias = using or router.db_for_read(self.model)
        key = (alias, *sorted((name, _shape(value)) for name, value in arguments.items()))
        try:
            statement = self._statements[key]
        except KeyError:
            statement = self._compile(alias, key, arguments)
        if statement is None:  # not kept: the ORM's own way
            return list(self.build(**arguments).using(alias))
        return _run(statement, connections[alias], arguments)

    def _compile(self, alias: str, key: tuple, arguments: dict) -> _Statement | None:
        stand_ins = _stand_ins(arguments)
        queryset = self.build(**stand_ins).using(alias)
        try:
            statement = _statement(queryset, alias, stand_ins)
        except _Uncompilable:
            statement = None
        with self._lock:
            if len(self._statements) >= MAX_SHAPES:
                self._statements.clear()
            self._statements[key] = statement
        return statement


def _shape(value) -> int | str:
    if isinstance(value, (list, tuple)):
        for item in value:
            _check(item)
        return len(value)
    _check(value)
    return type(value).__name__


VARYING = (int, str, datetime.date)
ISO = "ISO"  # a day put in a statement as its ISO text (SQLite's)


def _check(value) -> None:
    if type(value) not in VARYING:
        raise TypeError(
            f"CompiledQuery takes whole numbers, strings, days and lists of them, not {type(value).__name__}"
        )


def _stand_ins(arguments: dict) -> dict:
    counter = itertools.count()

    def stand_in(value):
        number = next(counter)
        if isinstance(value, str):
            return f"{_STR_PREFIX}{number}"
        if isinstance(value, datetime.date):
            return _DAY_BASE + datetime.timedelta(days=number)
        return _INT_BASE + number

    return {
        name: [stand_in(item) for item in value] if isinstance(value, (list, tuple)) else stand_in(value)
        for name, value in arguments.items()
    }


def _statement(queryset, alias: str, stand_ins: dict) -> _Statement:
    shape = queryset._iterable_class
    if shape not in (ValuesIterable, ValuesListIterable, FlatValuesListIterable):
        raise _Uncompilable("only values() and values_list() querysets are compiled")
    query = queryset.query
    compiler = query.get_compiler(using=alias)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        if any(value == [] for value in stand_ins.values()):  # ``pk__in=[]``: no statement, no rows, whatever else
            return _Statement("", (), {}, (), (), shape)
        raise _Uncompilable("nothing to find for these stand-ins: it may depend on the values") from None
    if compiler.has_extra_select or query.extra_select:
        raise _Uncompilable("extra() columns are not compiled")
    wanted: dict[object, tuple[str, int | None, object]] = {}
    for name, value in stand_ins.items():
        for index, item in enumerate(value) if isinstance(value, list) else [(None, value)]:
            wanted[item] = (name, index, None)
            if isinstance(item, datetime.date):
                wanted[item.isoformat()] = (name, index, ISO)
    slots: dict[int, tuple[str, int | None, object]] = {}
    for position, param in enumerate(params):
        if isinstance(param, VARYING) and not isinstance(param, bool) and param in wanted:
            name, index, form = wanted[param]
            if isinstance(param, int) and type(param) is not int:
                form = type(param)
            slots[position] = (name, index, form)
    expected = {(name, index) for name, index, _ in wanted.values()}
    if {slot[:2] for slot in slots.values()} != expected:
        raise _Uncompilable("a stand-in did not reach the parameters as it was")
    fields = [column for column, _, _ in compiler.select[: compiler.col_count]]
    converters = tuple(
        (column, tuple(functions), expression)
        for column, (functions, expression) in compiler.get_converters(fields).items()
    )
    names = tuple([*query.extra_select, *query.values_select, *query.annotation_select])
    if len(names) != compiler.col_count:
        raise _Uncompilable("the rows' names are not the statement's columns one for one")
    if shape is not ValuesIterable and queryset._fields:
        # values_list() gives its columns in the order they were named, which may not be the query's.
        fields = (*queryset._fields, *(name for name in query.annotation_select if name not in queryset._fields))
        if fields != names:
            raise _Uncompilable("values_list() columns in another order than the query's")
    return _Statement(sql, tuple(params), slots, names, converters, shape)


def _run(statement: _Statement, connection, arguments: dict) -> list:
    if not statement.sql:
        return []
    params = list(statement.params)
    for position, (name, index, form) in statement.slots.items():
        value = arguments[name] if index is None else arguments[name][index]
        params[position] = value if form is None else value.isoformat() if form is ISO else form(value)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        rows: Sequence = cursor.fetchall()
    if statement.converters:
        rows = [_converted(row, statement.converters, connection) for row in rows]
    if statement.shape is ValuesIterable:
        names = statement.names
        return [dict(zip(names, row, strict=True)) for row in rows]
    if statement.shape is FlatValuesListIterable:
        return [row[0] for row in rows]
    return [tuple(row) for row in rows]


def _converted(row, converters, connection) -> list:
    row = list(row)
    for column, functions, expression in converters:
        value = row[column]
        for function in functions:
            value = function(value, expression, connection)
        row[column] = value
    return row
