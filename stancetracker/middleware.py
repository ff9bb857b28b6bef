"""Site-wide middleware: what every page does when the database is down."""

from django.http import HttpResponse
from django.template.loader import render_to_string

from api.errors import API_PREFIX, DATABASE_UNAVAILABLE_ERRORS, database_unavailable, database_unavailable_response


class DatabaseOutageMiddleware:
    """A database outage is a 503 with ``Retry-After`` and one log line, not a 500 with a traceback.

    DRF's views answer it themselves (``api.errors``); this catches what is raised outside them, and
    the admin's pages, which get a short HTML page that needs no database to render.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_UNAVAILABLE_ERRORS):
            return None
        if request.path.startswith(API_PREFIX):
            return database_unavailable_response(request, exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        return database_unavailable(request, response, exception)
