"""One error shape for every error of the public API.

Every error body is::

    {"status": 400, "code": "invalid", "message": "…", "errors": {"as_of": ["Enter a valid date."]}}

``errors`` names each bad query parameter with its problems; it is empty when the error is not about
a parameter (404, 405, 429, 503…).

When the database cannot be reached the answer is a 503 with ``Retry-After``, logged as one line
without a traceback: an outage is an operations problem, not a bug, and a traceback per request
would bury the log. The connection is retried on the next request, so the API recovers by itself.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.log import log_response
from django.views import defaults
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import api_view
from rest_framework.views import exception_handler

# Where the public API is mounted (stancetracker/urls.py): errors there are answered in its shape.
API_PREFIX = "/api/"
# What Django raises when the database is down, restarting, unreachable or dropped the connection.
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


class DatabaseUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "The database is unavailable: try again shortly."
    default_code = "database_unavailable"


class StatementTimeout(exceptions.APIException):
    status_code = 503
    default_detail = (
        "The request took too long to answer and was stopped: narrow it, e.g. with a filter or a more specific search."
    )
    default_code = "statement_timeout"


# PostgreSQL's code for a statement stopped by statement_timeout (``stancetracker.db.read_snapshot``).
QUERY_CANCELED = "57014"


def timed_out(error: Exception) -> bool:
    """True when ``error`` is a statement stopped for running longer than the public limit."""
    return getattr(error.__cause__, "sqlstate", None) == QUERY_CANCELED


def error_body(status: int, code: str, message: str, errors: dict[str, list[str]] | None = None) -> dict:
    return {"status": status, "code": code, "message": message, "errors": errors or {}}


def _as_lists(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(name): [str(item) for item in problems] if isinstance(problems, list) else [str(problems)]
            for name, problems in detail.items()
        }
    return {"non_field_errors": [str(item) for item in detail]}


def database_unavailable(request, response, error: Exception):
    """Mark ``response`` as a temporary outage and log it once, in one line."""
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
    reason = (str(error).strip().splitlines() or [""])[0][:200]
    log_response(
        "Service Unavailable (database: %s: %s): %s",
        type(error).__name__,
        reason,
        request.path,
        response=response,
        request=request,
    )
    return response


def database_unavailable_response(request, error: Exception) -> JsonResponse:
    """The API's 503 for a database error raised outside DRF's views."""
    outage = StatementTimeout() if timed_out(error) else DatabaseUnavailable()
    response = JsonResponse(error_body(outage.status_code, outage.default_code, str(outage.detail)), status=503)
    return database_unavailable(request, response, error)


def public_exception_handler(exc, context):
    """DRF's handler, with its body rewritten into the one public error shape."""
    database_error = exc if isinstance(exc, DATABASE_UNAVAILABLE_ERRORS) else None
    if database_error is not None:
        exc = StatementTimeout() if timed_out(database_error) else DatabaseUnavailable()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    about_parameters = isinstance(exc.detail, dict | list)
    response.data = error_body(
        response.status_code,
        exc.default_code if about_parameters else str(exc.detail.code),
        "Invalid query parameters: see errors." if about_parameters else str(exc.detail),
        _as_lists(exc.detail) if about_parameters else {},
    )
    if database_error is not None:
        database_unavailable(context["request"], response, database_error)
    return response


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])
def not_found(request, *args, **kwargs):
    """Anything under /api/ that no route matches: a 404 in the public error shape."""
    raise exceptions.NotFound(f"No API endpoint at {request.path}.")


def fallback(request, *args, **kwargs):
    """Anything under /api/ that no route matches. A path that lacks only its trailing slash is redirected
    there, as Django's APPEND_SLASH does for pages; anything else is ``not_found``. A plain Django view, so
    the browsable API's breadcrumbs do not list it ("Api Root / Not Found / Stance List")."""
    if not request.path.endswith("/") and request.method in ("GET", "HEAD"):
        try:
            match = resolve(f"{request.path_info}/")
        except Resolver404:
            match = None
        if match is not None and match.func is not fallback:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{request.path}/" + (f"?{query}" if query else ""))
    return not_found(request, *args, **kwargs)


def server_error(request):
    """Django's ``handler500``: under /api/ a 500 in the public error shape, elsewhere Django's own page.
    Django has logged the exception with its traceback already."""
    if not request.path.startswith(API_PREFIX):
        return defaults.server_error(request)
    body = error_body(500, "server_error", "Something went wrong on our side; it has been logged.")
    return JsonResponse(body, status=500)
