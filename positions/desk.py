"""Pieces of the editors' desk in the admin: the review filter, the text an action asks for, and how records
of who did what are shown (names without links: editors cannot open user accounts)."""

from django import forms
from django.contrib import admin
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from .models import Stance
from .review import Change

SUMMARY_CHARS = 70


class TextForm(forms.Form):
    """The one text an action needs: a reviewer's comment, a public reason."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 80}))

    def __init__(self, *args, label: str, help_text: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label
        self.fields["text"].help_text = help_text


class ReviewFilter(admin.SimpleListFilter):
    """The queues of the desk: what waits for me to review, what was sent back to me, and the pending revisions
    of published stances."""

    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("awaiting", "Awaiting your review"),
            ("sent_back", "Sent back to you"),
            ("revisions", "Revisions of published stances"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "awaiting":
            return queryset.filter(pk__in=Stance.objects.awaiting_review_by(request.user).values("pk"))
        if self.value() == "sent_back":
            return queryset.filter(pk__in=Stance.objects.sent_back_to(request.user).values("pk"))
        if self.value() == "revisions":
            return queryset.filter(revises__isnull=False)
        return queryset


def truncated(text: str, limit: int = SUMMARY_CHARS) -> str:
    """A long summary cut to one line of the list, the whole of it on hover."""
    if len(text) <= limit:
        return format_html("<span>{}</span>", text)
    return format_html('<span title="{}">{}…</span>', text, text[: limit - 1].rstrip())


def clamped(name: str) -> str:
    """A name in a narrow column of a list: the stylesheet shows its first lines, and the whole of it on hover."""
    return format_html('<span class="clamped" title="{}">{}</span>', name, name)


def by_whom(user, when) -> str:
    if when is None:
        return "—"
    moment = date_format(localtime(when), "DATETIME_FORMAT")
    return f"{user.get_username()}, {moment}" if user is not None else moment


def changes_table(changes: list[Change] | None) -> str:
    if changes is None:
        return "Never published: everything is new."
    if not changes:
        return "Nothing: it reads as readers last saw it."
    rows = format_html_join(
        "",
        "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
        ((change.field, change.published, change.current) for change in changes),
    )
    return format_html(
        '<table class="review-changes"><thead><tr><th>field</th><th>published</th><th>now</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        rows,
    )
