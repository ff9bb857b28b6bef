"""Paginators for the public API: a bad ``page`` or ``cursor`` is a 400 naming it, never a 404 or a 500."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import PageNotAnInteger
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination, _positive_int
from rest_framework.utils.urls import replace_query_param

from . import keysets
from .pages import CompiledPage


class PageSizeMixin:
    """``?page_size=`` up to ``settings.API_MAX_PAGE_SIZE``, default ``settings.API_PAGE_SIZE``."""

    page_size_query_param = "page_size"

    def get_page_size(self, request) -> int:
        self.max_page_size = settings.API_MAX_PAGE_SIZE
        requested = request.query_params.get(self.page_size_query_param)
        if requested is None:
            return settings.API_PAGE_SIZE
        try:
            return _positive_int(requested, strict=True, cutoff=self.max_page_size)
        except ValueError as error:
            raise ValidationError({self.page_size_query_param: ["A positive whole number is required."]}) from error


class PublicPageNumberPagination(PageSizeMixin, PageNumberPagination):
    """``?page=N`` (and ``?page_size=``): every list except stances."""

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            # A page past the end is a missing page (404); a page that is not a number, or not a positive one, is
            # a bad parameter.
            if isinstance(error.__context__, PageNotAnInteger) or self._below_one(request):
                raise ValidationError({self.page_query_param: [str(error.__context__)]}) from error
            raise

    def _below_one(self, request) -> bool:
        try:
            return int(request.query_params.get(self.page_query_param, "1")) < 1
        except ValueError:
            return False


class PublicCursorPagination(PageSizeMixin, CursorPagination):
    """``?cursor=…``: stable, fast pages however deep, in the order the FilterSet's ``ordering`` chose. For the
    lists that grow with the stances (stances, positions, shifts): no exact count, which would read them all.

    Keyset pages (``api.keysets``): a cursor names the row a page starts after or ends before by every field of
    the order, so following ``next`` and ``previous`` gives every row once, in order, ties included. DRF's own
    cursors (the first field and an offset) lose rows on the way back when rows share the first field's value.
    """

    ordering = ("-stated_on", "-pk")

    def get_ordering(self, request, queryset, view):
        # The ordering was validated and applied by the FilterSet: keep it rather than DRF's own.
        ordering = queryset.ordering if isinstance(queryset, CompiledPage) else tuple(queryset.query.order_by)
        return keysets.unique(ordering or self.ordering)

    def paginate_queryset(self, queryset, request, view=None):
        if "page" in request.query_params:
            # A page number would otherwise be ignored, and the first page served as if it were that page.
            raise ValidationError({"page": ["This list is paged by cursor: follow the next and previous links."]})
        self.request, self.base_url = request, request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        before, position = self.cursor if self.cursor is not None else (False, None)
        # The page before a row is the page after it in the reverse order, read backwards.
        ordering = keysets.reversed_order(self.ordering) if before else self.ordering
        queryset = queryset.order_by(*ordering)
        try:
            if position is not None and isinstance(queryset, CompiledPage):
                queryset = queryset.after(ordering, position)
            elif position is not None:
                queryset = queryset.filter(keysets.after(ordering, keysets.typed(queryset.model, ordering, position)))
            rows = list(queryset[: self.page_size + 1])
        except (DjangoValidationError, ValueError, TypeError) as error:
            # A well-formed cursor whose values are not values of the order's fields.
            raise ValidationError({self.cursor_query_param: [str(self.invalid_cursor_message)]}) from error
        more = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        if before:
            self.page.reverse()
        # Forwards: a page after the first has one before it. Backwards: the row the cursor names is after it.
        self.has_next = more if not before else True
        self.has_previous = position is not None if not before else more
        if (self.has_previous or self.has_next) and self.template is not None:
            self.display_page_controls = True
        return self.page

    def decode_cursor(self, request):
        """``(before, values)`` of the request's cursor, or None without one; a 400 naming ``cursor`` for a bad
        one."""
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor is None:
            return None
        try:
            before, values = keysets.decode(cursor)
        except ValueError as error:
            raise ValidationError({self.cursor_query_param: [str(self.invalid_cursor_message)]}) from error
        if len(values) != len(self.ordering):
            raise ValidationError({self.cursor_query_param: [str(self.invalid_cursor_message)]})
        return before, values

    def get_next_link(self):
        if not self.has_next:
            return None
        values = keysets.key(self.page[-1], self.ordering) if self.page else self.cursor[1]
        return self._link(keysets.encode(values, before=False))

    def get_previous_link(self):
        if not self.has_previous:
            return None
        values = keysets.key(self.page[0], self.ordering) if self.page else self.cursor[1]
        return self._link(keysets.encode(values, before=True))

    def _link(self, cursor: str) -> str:
        return replace_query_param(self.base_url, self.cursor_query_param, cursor)
