"""One error shape for every 4xx of the public API.

Every error body is::

    {"status": 400, "code": "invalid", "message": "…", "errors": {"as_of": ["Enter a valid date."]}}

``errors`` names each bad query parameter with its problems; it is empty when the error is not about
a parameter (404, 405, 429…).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import api_view
from rest_framework.views import exception_handler


def _as_lists(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(name): [str(item) for item in problems] if isinstance(problems, list) else [str(problems)]
            for name, problems in detail.items()
        }
    return {"non_field_errors": [str(item) for item in detail]}


def public_exception_handler(exc, context):
    """DRF's handler, with its body rewritten into the one public error shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    about_parameters = isinstance(exc.detail, dict | list)
    response.data = {
        "status": response.status_code,
        "code": exc.default_code if about_parameters else str(exc.detail.code),
        "message": "Invalid query parameters: see errors." if about_parameters else str(exc.detail),
        "errors": _as_lists(exc.detail) if about_parameters else {},
    }
    return response


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])
def not_found(request, *args, **kwargs):
    """Anything under /api/ that no route matches: a 404 in the public error shape."""
    raise exceptions.NotFound(f"No API endpoint at {request.path}.")
