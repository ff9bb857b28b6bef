"""A health check for load balancers and monitoring: can this app server answer from its databases?"""

from django.db import connections
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView


def check_databases() -> dict[str, str]:
    """``{alias: "ok"}`` for every configured database; raises the database's error when one does not answer
    (the API answers that with its 503, ``api.errors``)."""
    checked = {}
    for alias in connections:
        # The cheapest round trip there is: it proves both the connection and the server work.
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checked[alias] = "ok"
    return checked


class HealthView(APIView):
    """200 ``{"status": "ok", …}`` when every configured database answers a trivial query; otherwise the
    503 of a database outage, in the error shape (``api.errors``). Never throttled (a probe must not be
    refused for probing often) and never cached (a stored "ok" would hide an outage)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="health",
        summary="Health check for load balancers and monitoring",
        responses=inline_serializer(
            "Health",
            {
                "status": serializers.ChoiceField(choices=["ok"]),
                "databases": serializers.DictField(
                    child=serializers.ChoiceField(choices=["ok"]), help_text="Each database checked, by alias."
                ),
            },
        ),
    )
    def get(self, request, *args, **kwargs):
        return Response({"status": "ok", "databases": check_databases()})

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        return response
