"""A staff user who still has a one-time password chooses their own before any other admin page opens.

The check costs the public site and API nothing: only admin URLs are looked at. There, a session asks the
database only if its login found a one-time password (``note_one_time_password``). Every session of such a user
began with a login: a one-time password is only ever given by setting a new password, which ends the user's
other sessions.
"""

from django.contrib import messages
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse

from stancetracker.admin import is_admin_path

from .passwords import has_one_time_password

SESSION_KEY = "accounts_one_time_password"
MESSAGE = "Choose your own password before you go on: the one you were given was for your first login only."
# Admin pages that stay open meanwhile besides the password change form: its done page, the way out, and the
# admin's JavaScript catalogue.
STILL_OPEN = ["admin:password_change_done", "admin:logout", "admin:jsi18n"]


def note_one_time_password(request: HttpRequest | None, user) -> None:
    """At login: remember in the session whether ``user`` must choose a password."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if has_one_time_password(user):
        session[SESSION_KEY] = True
    else:
        session.pop(SESSION_KEY, None)


class OneTimePasswordMiddleware:
    """Sends a staff user with a one-time password from every admin page to the admin's password change form,
    which says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if not is_admin_path(request):
            return self.get_response(request)  # the public site and API: not a query more
        if request.path in {reverse(name) for name in STILL_OPEN}:
            return self.get_response(request)
        try:
            must_choose = self.must_choose_password(request)
        except (OperationalError, InterfaceError):
            # The database is down: the page will meet the same outage and answer it (a 503, not a 500).
            return self.get_response(request)
        if not must_choose:
            return self.get_response(request)
        if request.path != reverse("admin:password_change"):
            return redirect("admin:password_change")
        if request.method == "GET":
            messages.warning(request, MESSAGE)
        return self.get_response(request)

    def must_choose_password(self, request: HttpRequest) -> bool:
        if not request.session.get(SESSION_KEY):
            return False
        user = request.user
        if not (user.is_active and user.is_staff):
            return False  # the admin will not let them in: nothing to send them to
        if has_one_time_password(user):
            return True
        del request.session[SESSION_KEY]  # changed in any way: this session need not ask again
        return False
