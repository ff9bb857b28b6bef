"""Rules every query parameter of the public API follows, whichever view and FilterSet read it.

- A parameter that takes one value (``as_of``, ``q``, ``ordering``, ``page``, ``cursor``, ``format``…) given
  more than once is refused: which one counts would otherwise be an accident of parsing (the last one).
  Parameters whose FilterSet field takes several values (``?actor=a&actor=b``) stay repeatable, and
  parameters no view reads are ignored, as they always were.
- A NUL character is refused in any parameter (400) and in the path (404): PostgreSQL cannot store or
  compare text containing one, and nothing the API serves has one.
"""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.settings import api_settings

GIVEN_TWICE = "Given more than once: give one value."
NUL_MESSAGE = "Null characters are not allowed."


def takes_several_values(filter_) -> bool:
    """True for a filter whose form field reads every value of its parameter (a multiple-choice widget)."""
    return getattr(filter_.field.widget, "allow_multiple_selected", False)


def single_valued_parameters(view) -> set[str]:
    """Every parameter ``view`` reads that takes one value: its FilterSet's, its paginator's and ``format``."""
    filterset_class = getattr(view, "filterset_class", None)
    filters = filterset_class.base_filters if filterset_class else {}
    names = {name for name, filter_ in filters.items() if not takes_several_values(filter_)}
    paginator = getattr(view, "paginator", None)
    for attribute in ("page_query_param", "page_size_query_param", "cursor_query_param"):
        names.add(getattr(paginator, attribute, None))
    names.add(api_settings.URL_FORMAT_OVERRIDE)
    return names - {None}


def check_query_parameters(request, view, path_kwargs: dict) -> None:
    """Raise the 404 or 400 the rules above call for; the exception handler gives it the error shape."""
    if any("\x00" in str(value) for value in path_kwargs.values()):
        raise NotFound()
    params = request.query_params
    errors = {name: [NUL_MESSAGE] for name, values in params.lists() if any("\x00" in value for value in values)}
    repeated = {name for name, values in params.lists() if len(values) > 1}
    if not errors and repeated:
        errors = {name: [GIVEN_TWICE] for name in single_valued_parameters(view) & repeated}
    if errors:
        raise ValidationError(errors)


class QueryParameterRulesMixin:
    """Applies ``check_query_parameters`` to every request, after throttling and before the handler runs."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        check_query_parameters(request, self, kwargs)
