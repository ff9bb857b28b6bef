"""Pages of a filtered list read by statements compiled once per shape of request (``stancetracker.compiled``).

Building and compiling the queryset of a page of stances cost Django about as much Python as everything else the
request does bar writing the rows. Yet the lists' requests come in few shapes: the same filters given, the same
order, a cursor or none. For a request whose filters are all *compiled* ones of its FilterSet (their cleaned values
are ids, whole numbers, words or days, and the filter's SQL does not depend on them), the filter backend gives
DRF's paginator a ``CompiledPage`` in place of the filtered queryset, which is not built: it records the order, the
position and the slice the paginator asks for, and reads the page through a ``CompiledQuery`` whose queryset is
built the ordinary way, by the FilterSet's own filters and the view's own queryset, once per shape. Any other
request (a text search, a topic, an empty value) is built by the ORM as before, so the two cannot disagree on what
a filter means.

Numbered pages (a timeline's) are read the same way: the paginator's ``count()`` by a compiled ``COUNT(*)``, and its
slice as above, the last page's read to the end so that a page's shape does not depend on the count.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from functools import partial

from django.db import connections, router
from django.db.models import Count, Value
from django.utils.functional import cached_property
from django_filters.constants import EMPTY_VALUES

from stancetracker.compiled import VARYING, CompiledQuery

from . import keysets

# Shapes kept: filters given x orders x cursor offsets x page sizes; few in practice, bounded anyway.
MAX_SHAPES = 1024
# The argument that carries the cursor's position (no filter is named so: filter names are query parameters).
POSITION = "cursor position"


def _varies(value) -> bool:
    """A cleaned value a compiled statement can take: an id, number, word or day, or a list of them."""
    if isinstance(value, list):
        return bool(value) and all(type(item) in VARYING for item in value)
    return type(value) in VARYING and value not in EMPTY_VALUES


@dataclass(frozen=True)
class Shape:
    """What the page's SQL depends on, apart from the values that vary."""

    view: type
    # The list before its filters (``StanceRowsMixin.compiled_base``): a queryset, or a function of the values named
    # in ``base_arguments`` that builds it.
    base: object
    filters: tuple[tuple[str, object], ...]  # (name, value) of the shaping filters, (name, None) for the varying
    base_arguments: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ()
    lookup: tuple[str, ...] | None = None  # the order a cursor's row is named in (``api.keysets``)
    start: int = 0
    stop: int | None = None
    counted: bool = False  # the list's count rather than its rows


class CompiledPage:
    """A view's filtered list as DRF's paginators read a page of it: ``order_by()``, then ``filter()`` on the
    cursor's position, then one slice, listed (``CursorPagination``); or ``count()``, then one slice
    (``PageNumberPagination``, through Django's ``Paginator``). It stands for the queryset the FilterSet would have
    built (``PublicFilterBackend``), which is built only once per shape; ``ordering`` is that queryset's order (the
    one the cursor paginator keeps, ``PublicCursorPagination.get_ordering``).

    The view gives the rest: the list before its filters (``compiled_base()``, which ``get_queryset()`` must
    give as it is), its ``filterset_class`` and ``row_fields``.
    """

    ordered = True  # as Django's Paginator asks of a list

    def __init__(self, model, shape: Shape, values: dict, *, typed: bool = True, total: int | None = None):
        self.model, self.shape, self.values, self.typed, self.total = model, shape, values, typed, total

    @classmethod
    def of(cls, view, filterset) -> CompiledPage | None:
        """The compiled page of ``view``'s list as ``filterset`` (validated) filters it, or None if the request's
        filters cannot all be compiled."""
        if not filterset.is_bound:
            return None
        base, values = view.compiled_base()
        base_arguments, shaping = tuple(values), []
        for name, value in filterset.form.cleaned_data.items():
            if name in filterset.shaping_filters and value not in EMPTY_VALUES:
                shaping.append((name, tuple(value) if isinstance(value, list) else value))
            elif name in filterset.compiled_filters and _varies(value):
                shaping.append((name, None))
                values[name] = value
            else:
                return None
        return cls(filterset.queryset.model, Shape(type(view), base, tuple(shaping), base_arguments), values)

    @property
    def ordering(self) -> tuple:
        """The order the filters leave the list in: the same for every request of its shape and lists' lengths."""
        key = (replace(self.shape, ordering=(), lookup=None, start=0, stop=None), _lengths(self.values))
        ordering = _orderings.get(key)
        if ordering is None:
            ordering = tuple(filtered(key[0], **self.values).query.order_by)
            with _lock:
                if len(_orderings) >= MAX_SHAPES:
                    _orderings.clear()
                _orderings[key] = ordering
        return ordering

    def order_by(self, *ordering: str) -> CompiledPage:
        return CompiledPage(self.model, replace(self.shape, ordering=ordering), self.values, typed=self.typed)

    def after(self, ordering: tuple[str, ...], position: list) -> CompiledPage:
        """The rows after the one whose values of the fields of ``ordering`` are ``position`` (``api.keysets``),
        typed as the ORM path types them (a bad one raises ValidationError there too). An annotation's value, or a
        whole number beyond its column's range, is left to the ORM."""
        position = keysets.typed(self.model, ordering, position)
        typed, values = self.typed, dict(self.values)
        for index, ((name, _), value) in enumerate(zip(keysets.terms(ordering), position, strict=True)):
            field = keysets.field_of(self.model, name)
            typed = typed and field is not None and type(value) in VARYING and _within_range(field, value, self.model)
            values[f"{POSITION} {index}"] = value
        return CompiledPage(self.model, replace(self.shape, lookup=tuple(ordering)), values, typed=typed)

    def count(self) -> int:
        shape = replace(self.shape, counted=True)
        counted = self._read(shape)
        self.total = counted[0] if counted else 0
        return self.total

    def __getitem__(self, bounds: slice) -> CompiledPage:
        # Django's Paginator ends the last page at the count: read to the end instead, which gives the same rows,
        # so that the last pages of lists of every length share one statement.
        stop = None if self.total is not None and bounds.stop == self.total else bounds.stop
        shape = replace(self.shape, start=bounds.start or 0, stop=stop)
        return CompiledPage(self.model, shape, self.values, typed=self.typed)

    @cached_property
    def rows(self) -> list:
        return self._read(self.shape)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def _read(self, shape: Shape) -> list:
        if not self.typed:
            return list(build(shape, **self.values))
        return _compiled(shape, self.model)(**self.values)


def _within_range(field, value, model) -> bool:
    if not isinstance(value, int):
        return True
    connection = connections[router.db_for_read(model)]
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    return (low is None or value >= low) and (high is None or value <= high)


_queries: dict[Shape, CompiledQuery] = {}
_orderings: dict[tuple, tuple] = {}
_lock = threading.Lock()


def forget() -> None:
    """Drop every compiled page (tests that count compilations start from none)."""
    _queries.clear()
    _orderings.clear()


def _lengths(values: dict) -> tuple:
    """How many items each list value has: a FilterSet may order by it (one series' owner, or several)."""
    return tuple(sorted((name, len(value)) for name, value in values.items() if isinstance(value, list)))


def _compiled(shape: Shape, model) -> CompiledQuery:
    query = _queries.get(shape)
    if query is None:
        query = CompiledQuery(model, partial(build, shape))
        with _lock:
            if len(_queries) >= MAX_SHAPES:
                _queries.clear()
            _queries[shape] = query
    return query


def build(shape: Shape, **values):
    """The page's queryset, built as the ORM path builds it: the view's list, its FilterSet's filters with these
    values (stand-ins, when compiling) and the shaping filters' own, its rows, and the paginator's order, position
    and slice; or its count, as one ``COUNT(*)`` row."""
    listed = filtered(shape, **values)
    if shape.counted:
        # Grouped by a constant, which Django leaves out of GROUP BY: SELECT COUNT(*) of the filtered rows, as
        # ``count()`` asks, but as rows a compiled query can read (no rows at all where a database groups an
        # empty list).
        grouped = listed.order_by().annotate(everything=Value(1)).values("everything")
        return grouped.annotate(counted=Count("*")).values_list("counted", flat=True)
    rows = listed.as_rows(*shape.view.row_fields)
    if shape.ordering:  # a cursor page's; a numbered page keeps the list's own
        rows = rows.order_by(*shape.ordering)
    if shape.lookup is not None:
        position = [values[f"{POSITION} {index}"] for index in range(len(shape.lookup))]
        rows = rows.filter(keysets.after(shape.lookup, position))
    return rows[shape.start : shape.stop]


def filtered(shape: Shape, **values):
    """The view's list as its FilterSet filters it, with these values: the queryset ``PublicFilterBackend`` gives
    the ORM path."""
    base = shape.base(*(values[name] for name in shape.base_arguments)) if shape.base_arguments else shape.base.all()
    filterset = shape.view.filterset_class(queryset=base)
    filterset.form.cleaned_data = {name: values[name] if value is None else value for name, value in shape.filters}
    return filterset.filter_queryset(base)
