"""Cursor pages of a filtered list read by a statement compiled once per shape of request (``stancetracker.compiled``).

Building and compiling the queryset of a page of stances cost Django about as much Python as everything else the
request does bar writing the rows. Yet the lists' requests come in few shapes: the same filters given, the same
order, a cursor or none. For a request whose filters are all *compiled* ones of its FilterSet (their cleaned values
are ids, whole numbers, words or days, and the filter's SQL does not depend on them), ``CompiledPage`` gives DRF's
cursor paginator a stand-in for the list: it records the order, the position and the slice the paginator asks for,
and reads the page through a ``CompiledQuery`` whose queryset is built the ordinary way, by the FilterSet's own
filters and the view's own queryset, once per shape. Any other request (a text search, a topic, an empty value)
is built by the ORM as before, so the two cannot disagree on what a filter means.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from functools import partial

from django.core.exceptions import FieldDoesNotExist
from django_filters.constants import EMPTY_VALUES

from stancetracker.compiled import VARYING, CompiledQuery

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
    base: object  # the view's queryset (a test may put another in its place)
    filters: tuple[tuple[str, object], ...]  # (name, value) of the shaping filters, (name, None) for the varying
    ordering: tuple[str, ...] = ()
    lookup: str | None = None  # the position's lookup, e.g. "known_from__lt"
    start: int = 0
    stop: int | None = None


class CompiledPage:
    """A view's filtered list as DRF's ``CursorPagination`` reads a page of it: ``order_by()``, then ``filter()``
    on the cursor's position, then one slice, listed. ``query`` is the filtered queryset's (its order is the
    one the paginator keeps, ``PublicCursorPagination.get_ordering``).

    The view's class gives the rest: its ``queryset`` (which ``get_queryset()`` must give as it is), its
    ``filterset_class`` and ``row_fields``.
    """

    def __init__(self, filtered, shape: Shape, values: dict, *, typed: bool = True):
        self.query, self.model = filtered.query, filtered.model
        self.shape, self.values, self.typed = shape, values, typed

    @classmethod
    def of(cls, view, filtered) -> CompiledPage | None:
        """The compiled page of ``view``'s list (``filtered``, as its filters left it), or None if the request's
        filters cannot all be compiled."""
        filterset = getattr(view, "applied_filterset", None)
        if filterset is None or not filterset.is_bound:
            return None
        shaping, values = [], {}
        for name, value in filterset.form.cleaned_data.items():
            if name in filterset.shaping_filters and value not in EMPTY_VALUES:
                shaping.append((name, tuple(value) if isinstance(value, list) else value))
            elif name in filterset.compiled_filters and _varies(value):
                shaping.append((name, None))
                values[name] = value
            else:
                return None
        return cls(filtered, Shape(type(view), type(view).queryset, tuple(shaping)), values)

    def order_by(self, *ordering: str) -> CompiledPage:
        return CompiledPage(self, replace(self.shape, ordering=ordering), self.values, typed=self.typed)

    def filter(self, **lookup) -> CompiledPage:
        ((name, position),) = lookup.items()
        typed = self.typed
        try:
            field = self.model._meta.get_field(name.rsplit("__", 1)[0])
        except FieldDoesNotExist:  # an annotation: the ORM types its position
            typed = False
        else:
            # The cursor's position is text: typed as the ORM would type it (a bad one raises ValidationError
            # there too).
            position = field.to_python(position)
            typed = typed and type(position) in VARYING
        values = {**self.values, POSITION: position}
        return CompiledPage(self, replace(self.shape, lookup=name), values, typed=typed)

    def __getitem__(self, bounds: slice) -> CompiledPage:
        shape = replace(self.shape, start=bounds.start or 0, stop=bounds.stop)
        return CompiledPage(self, shape, self.values, typed=self.typed)

    def __iter__(self):
        if not self.typed:
            return iter(build(self.shape, **self.values))
        return iter(_compiled(self.shape, self.model)(**self.values))


_queries: dict[Shape, CompiledQuery] = {}
_lock = threading.Lock()


def forget() -> None:
    """Drop every compiled page (tests that count compilations start from none)."""
    _queries.clear()


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
    """The page's queryset, built as the ORM path builds it: the view's queryset, its FilterSet's filters with
    these values (stand-ins, when compiling) and the shaping filters' own, its rows, and the paginator's order,
    position and slice."""
    view = shape.view
    base = shape.base.all()
    filterset = view.filterset_class(queryset=base)
    filterset.form.cleaned_data = {name: values[name] if value is None else value for name, value in shape.filters}
    rows = filterset.filter_queryset(base).as_rows(*view.row_fields).order_by(*shape.ordering)
    if shape.lookup is not None:
        rows = rows.filter(**{shape.lookup: values[POSITION]})
    return rows[shape.start : shape.stop]
