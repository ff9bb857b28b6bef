"""Admin pieces every app's admin shares: history pages and lists of links to other records."""

from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper


def admin_links(objects: Iterable[models.Model], *, label=str) -> str:
    """A list of links to the admin change pages of ``objects``, or a dash if there are none."""
    items = format_html_join(
        "",
        '<li><a href="{}">{}</a></li>',
        (
            (reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]), label(obj))
            for obj in objects
        ),
    )
    return format_html("<ul>{}</ul>", items) if items else "—"


def field_label(model: type[models.Model], name: str, value) -> object:
    """A stored value as an editor reads it: a choice's label rather than its code (−2 is “Strongly oppose”)."""
    field = model._meta.get_field(name)
    if field.choices and value is not None:
        return dict(field.flatchoices).get(value, value)
    return value


class LabelledChanges(HistoricalRecordContextHelper):
    """History rows that show choices by their labels, not their stored codes."""

    def prepare_delta_change_value(self, change, value):
        return field_label(self.model, change.field, super().prepare_delta_change_value(change, value))


class HistoryAdmin(SimpleHistoryAdmin):
    """Records every change with its user and time, and lists them on the History page."""

    def get_historical_record_context_helper(self, request, historical_record):
        return LabelledChanges(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        if not request.user.has_perm("auth.change_user"):
            # Editors cannot open user accounts: name who made each change without a link
            # (the template leaves out the link when this view name does not resolve).
            extra_context = {**(extra_context or {}), "admin_user_view": ""}
        return super().history_view(request, object_id, extra_context)


def is_admin_path(request: HttpRequest) -> bool:
    """Whether ``request`` is for a page of the admin. Asked by middleware on every request: the admin's path is
    reversed once per URL configuration and script prefix, not each time."""
    return request.path.startswith(_admin_index(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF))


@lru_cache(maxsize=16)
def _admin_index(prefix: str, urlconf) -> str:
    return reverse("admin:index", urlconf=urlconf)
