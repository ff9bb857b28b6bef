"""Paginators for the public API: a bad ``page`` or ``cursor`` is a 400 naming it, never a 404 or a 500."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import PageNotAnInteger
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination, _positive_int

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
            # A page past the end is a missing page (404); a page that is not a number is a bad parameter.
            if isinstance(error.__context__, PageNotAnInteger):
                raise ValidationError({self.page_query_param: [str(error.__context__)]}) from error
            raise


class PublicCursorPagination(PageSizeMixin, CursorPagination):
    """``?cursor=…``: stable, fast pages however deep, in the order the FilterSet's ``ordering`` chose. For the
    lists that grow with the stances (stances, positions, shifts): no exact count, which would read them all."""

    ordering = ("-stated_on", "-pk")

    def get_ordering(self, request, queryset, view):
        # The ordering was validated and applied by the FilterSet: keep it rather than DRF's own.
        ordering = queryset.ordering if isinstance(queryset, CompiledPage) else tuple(queryset.query.order_by)
        return ordering or self.ordering

    def paginate_queryset(self, queryset, request, view=None):
        if "page" in request.query_params:
            # A page number would otherwise be ignored, and the first page served as if it were that page.
            raise ValidationError({"page": ["This list is paged by cursor: follow the next and previous links."]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            raise ValidationError({self.cursor_query_param: [str(error.detail)]}) from error
        except (DjangoValidationError, ValueError, TypeError) as error:
            # A well-formed cursor whose position is not a value of the ordering field.
            raise ValidationError({self.cursor_query_param: [str(self.invalid_cursor_message)]}) from error
