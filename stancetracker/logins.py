"""Who is logging in, and what a login locked out after too many failures sees (django-axes' hooks)."""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle


def client_ip(request) -> str:
    """The client's address, by the same rule as the API's rate limits: ``REMOTE_ADDR``, or with
    ``NUM_PROXIES`` trusted proxies in front, the address the outermost of them saw. A client-sent
    X-Forwarded-For therefore cannot change it (``AXES_CLIENT_IP_CALLABLE``)."""
    return BaseThrottle().get_ident(request)


def lockout_response(request, original_response=None, credentials=None):
    """A page in the admin's look saying why the login is refused and when to try again
    (``AXES_LOCKOUT_CALLABLE``), with ``Retry-After`` for anything that reads headers."""
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": round(cool_off.total_seconds() / 60),
    }
    response = render(request, "admin/lockout.html", context, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
