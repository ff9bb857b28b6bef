"""Editors' admin for sources and the excerpts quoted from them.

An excerpt is added by pasting its quote: ``Excerpt.clean()`` finds it in the source
and computes the offsets, so the forms here always run model validation and show
start and end read-only.
"""

from collections.abc import Iterable

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from .models import Excerpt, Source

DUPLICATE_EXCERPT = "This passage of “{source}” is already an excerpt: use that one."


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


class HistoryAdmin(SimpleHistoryAdmin):
    """Records every change with its user and time, and lists them on the History page."""

    def history_view(self, request, object_id, extra_context=None):
        if not request.user.has_perm("auth.change_user"):
            # Editors cannot open user accounts: name who made each change without a link
            # (the template leaves out the link when this view name does not resolve).
            extra_context = {**(extra_context or {}), "admin_user_view": ""}
        return super().history_view(request, object_id, extra_context)


class ExcerptForm(forms.ModelForm):
    """Quote in, offsets out; a passage of a source is stored as one excerpt only."""

    class Meta:
        model = Excerpt
        fields = ["source", "quote", "prefix", "suffix"]
        widgets = {"quote": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def validate_unique(self) -> None:
        super().validate_unique()
        # start/end are not form fields, so Django leaves the (source, start, end)
        # constraint to the database; check it here to show a message, not an error page.
        excerpt = self.instance
        if self.has_error("quote") or excerpt.start is None or not excerpt.source_id:
            return
        duplicates = Excerpt.objects.filter(source_id=excerpt.source_id, start=excerpt.start, end=excerpt.end)
        if duplicates.exclude(pk=excerpt.pk).exists():
            self.add_error("quote", DUPLICATE_EXCERPT.format(source=excerpt.source))


class ExcerptInlineFormSet(forms.BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Every row quotes the source being edited: reuse it rather than fetch it per row.
        form.instance.source = self.instance
        return form

    def clean(self) -> None:
        # Django would refuse these too, but name the stance-excerpt links ("excerpt") rather
        # than the stances; say which stances rely on the quote, before that message is raised.
        refusals = [
            ValidationError(f"“{form.instance.quote}” cannot be deleted: the stance “{stance}” relies on it.")
            for form in self.forms
            if form.instance.pk and self._should_delete_form(form)
            for stance in form.instance.stances.select_related("actor", "policy")
        ]
        if refusals:
            raise ValidationError(refusals)
        super().clean()
        # Two rows pasting the same passage in one submission are not seen by validate_unique().
        seen = set()
        for form in self.forms:
            excerpt = form.instance
            if not form.has_changed() or self._should_delete_form(form) or excerpt.start is None:
                continue
            if (excerpt.start, excerpt.end) in seen:
                form.add_error("quote", DUPLICATE_EXCERPT.format(source=self.instance))
            seen.add((excerpt.start, excerpt.end))


class ExcerptInline(admin.TabularInline):
    model = Excerpt
    form = ExcerptForm
    formset = ExcerptInlineFormSet
    fields = ["quote", "prefix", "suffix", "start", "end", "anchored"]
    readonly_fields = ["start", "end", "anchored"]
    extra = 1
    show_change_link = True

    @admin.display(boolean=True, description="anchored")
    def anchored(self, excerpt: Excerpt) -> bool | None:
        return excerpt.is_anchored if excerpt.pk else None


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "needs_attention"

    def lookups(self, request, model_admin):
        return [("yes", "Missing title, publisher, byline or date"), ("no", "Complete")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=Source.objects.needing_attention().values("pk"))
        if self.value() == "no":
            return queryset.exclude(pk__in=Source.objects.needing_attention().values("pk"))
        return queryset


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    ordering = ["-published_on", "slug"]  # explicit: the count annotation groups rows, which drops Meta.ordering
    list_display = ["display_title", "slug", "publisher", "published_on", "excerpt_count", "missing"]
    list_filter = [NeedsAttentionFilter, "publisher"]
    search_fields = ["title", "slug", "publisher", "byline", "original_filename"]
    date_hierarchy = "published_on"
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "publisher", "byline", "published_on", "url"]}),
        ("Stored text", {"fields": ["text", "sha256", "original_filename", "ingested_at"]}),
    ]
    inlines = [ExcerptInline]

    def get_queryset(self, request):
        # The full text is only shown on the change page, which loads it on access.
        return super().get_queryset(request).without_text().annotate(excerpt_count=Count("excerpts"))

    def get_readonly_fields(self, request, obj=None):
        readonly = ["sha256", "original_filename", "ingested_at"]
        # Excerpt offsets point into the text, so it is fixed once stored.
        return ["text", *readonly] if obj else readonly

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields

    def get_inline_instances(self, request, obj=None):
        # A quote can only be found in a text that is already stored.
        return super().get_inline_instances(request, obj) if obj else []

    @admin.display(description="title", ordering="title")
    def display_title(self, source: Source) -> str:
        return str(source)

    @admin.display(description="excerpts", ordering="excerpt_count")
    def excerpt_count(self, source: Source) -> int:
        return source.excerpt_count

    @admin.display(description="missing")
    def missing(self, source: Source) -> str:
        return ", ".join(source.missing_fields) or "—"


@admin.register(Excerpt)
class ExcerptAdmin(HistoryAdmin):
    form = ExcerptForm
    ordering = ["source", "start"]  # explicit: the count annotation groups rows, which drops Meta.ordering
    list_display = ["__str__", "source", "start", "end", "anchored", "stance_count"]
    list_filter = ["source"]
    list_select_related = ["source"]
    search_fields = ["quote", "source__title", "source__slug"]
    autocomplete_fields = ["source"]
    fieldsets = [
        (None, {"fields": ["source", "quote"]}),
        (
            "Disambiguation",
            {
                "fields": ["prefix", "suffix"],
                "description": "Only needed when the quote occurs more than once in the source. "
                "After saving, they hold the text just around the quote.",
            },
        ),
        ("Position in the source", {"fields": ["start", "end", "anchored", "used_by"]}),
    ]
    readonly_fields = ["start", "end", "anchored", "used_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(stance_count=Count("evidence"))

    @admin.display(boolean=True, description="anchored")
    def anchored(self, excerpt: Excerpt) -> bool | None:
        return excerpt.is_anchored if excerpt.pk else None

    @admin.display(description="stances", ordering="stance_count")
    def stance_count(self, excerpt: Excerpt) -> int:
        return excerpt.stance_count

    @admin.display(description="used by stances")
    def used_by(self, excerpt: Excerpt) -> str:
        if not excerpt.pk:
            return "—"
        return admin_links(excerpt.stances.select_related("actor", "policy"))

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            # What protects an excerpt is its link to a stance, which Django lists under the
            # link's name ("excerpt"); name the stances instead, which editors know.
            stances = {stance for excerpt in objs for stance in excerpt.stances.select_related("actor", "policy")}
            protected = [
                format_html('Stance: <a href="{}">{}</a>', reverse("admin:positions_stance_change", args=[s.pk]), s)
                for s in sorted(stances, key=str)
            ]
        return deleted, model_count, perms_needed, protected

    def get_search_results(self, request, queryset, search_term):
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            # Choosing evidence on a stance lists excerpts with their source's slug, not its text.
            queryset = queryset.select_related("source").defer("source__text")
        return super().get_search_results(request, queryset, search_term)
