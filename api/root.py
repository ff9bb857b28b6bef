"""The API's root: DRF's index of links, answered only while the database answers."""

from rest_framework import routers

from .health import check_databases


class APIRootView(routers.APIRootView):
    """``/api/`` lists the endpoints and reads no data, yet it is where clients and probes look first: a 200
    there while the database is down would say all is well. So it checks the databases as ``/api/health/``
    does, and during an outage answers the same 503 in the error shape, with ``Retry-After``, as every
    endpoint that reads data. (The schema and the docs describe the API, not its data: they still answer.)
    """

    def get(self, request, *args, **kwargs):
        check_databases()
        return super().get(request, *args, **kwargs)
