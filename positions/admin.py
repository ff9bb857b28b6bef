"""Editors' admin for actors, policies and stances.

Every model admin keeps history (who changed what, when) through simple_history;
stances are published and unpublished in bulk from the list or one at a time from
their page.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from sources import admin as sources_admin
from sources.models import Excerpt, Source
from stancetracker.admin import HistoryAdmin, admin_links

from .models import Actor, Policy, Role, Stance, StanceEvidence
from .publishing import StatusChange, publish_stances, unpublish_stances

EXCERPT_REQUIRED = "A published stance needs at least one excerpt: add one below, or save the stance as a draft."
ACTION_LOCATIONS = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]


def stance_label(stance: Stance) -> str:
    return f"{stance} — {stance.get_status_display().lower()}"


class RoleInline(admin.TabularInline):
    model = Role
    fk_name = "actor"
    fields = ["title", "organization", "start_on", "end_on"]
    autocomplete_fields = ["organization"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "organization")


class HoldsStancesAdmin(HistoryAdmin):
    """Actors and policies: how many stances each has in the list, links to them on its page."""

    ordering = ["name"]  # explicit: the count annotation groups rows, which drops Meta.ordering
    stance_order: list[str] = ["stated_on", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(stance_count=Count("stances"))

    @admin.display(description="stances", ordering="stance_count")
    def stance_count(self, obj: Actor | Policy) -> int:
        return obj.stance_count

    @admin.display(description="stances")
    def stance_list(self, obj: Actor | Policy) -> str:
        if not obj.pk:
            return "—"
        stances = obj.stances.select_related("actor", "policy").order_by(*self.stance_order)
        return admin_links(stances, label=stance_label)


@admin.register(Actor)
class ActorAdmin(HoldsStancesAdmin):
    list_display = ["name", "kind", "parent", "wikidata_id", "stance_count"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "description", "wikidata_id"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "kind", "description", "parent", "wikidata_id", "stance_list"]
    readonly_fields = ["stance_list"]
    inlines = [RoleInline]
    stance_order = ["policy__name", "stated_on", "pk"]


@admin.register(Policy)
class PolicyAdmin(HoldsStancesAdmin):
    list_display = ["name", "parent", "stance_count"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "description", "parent", "children_list", "stance_list"]
    readonly_fields = ["children_list", "stance_list"]
    stance_order = ["actor__name", "stated_on", "pk"]

    @admin.display(description="narrower policies")
    def children_list(self, policy: Policy) -> str:
        return admin_links(policy.children.all()) if policy.pk else "—"


class StanceEvidenceFormSet(forms.BaseInlineFormSet):
    """The excerpts inline, submitted together with the stance form.

    A stance published in the same save that adds its first excerpt has no excerpt saved yet, so the
    model's own rule (``Stance.clean()``) cannot see it: this formset applies the rule to the excerpts
    as submitted instead, and tells the stance so.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.evidence_checked_by_form = True

    def clean(self) -> None:
        super().clean()
        # The stance form has been validated first, so the instance carries the submitted status.
        if self.instance.status != Stance.Status.PUBLISHED:
            return
        kept = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", {}).get("excerpt") and not self._should_delete_form(form)
        ]
        if not kept:
            raise ValidationError(EXCERPT_REQUIRED)


class StanceEvidenceInline(admin.TabularInline):
    model = StanceEvidence
    formset = StanceEvidenceFormSet
    autocomplete_fields = ["excerpt"]
    extra = 1

    # Each row and each chosen excerpt is shown with its source's slug; the text is not needed.
    def get_queryset(self, request):
        return super().get_queryset(request).select_related("excerpt__source").defer("excerpt__source__text")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "excerpt":
            kwargs["queryset"] = Excerpt.objects.select_related("source").defer("source__text")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Stance)
class StanceAdmin(HistoryAdmin):
    # explicit: the count annotation groups rows, which drops Meta.ordering
    ordering = ["actor__name", "policy__name", "stated_on", "pk"]
    list_display = [
        "summary",
        "actor",
        "policy",
        "position",
        "stated",
        "evidence_kind",
        "status",
        "excerpt_count",
    ]
    list_display_links = ["summary"]
    list_filter = [
        "status",
        "position",
        "evidence_kind",
        "date_precision",
        ("policy", admin.RelatedOnlyFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["actor", "policy"]
    search_fields = ["summary", "qualifier", "actor__name", "policy__name", "excerpts__quote"]
    date_hierarchy = "stated_on"
    autocomplete_fields = ["actor", "policy"]
    fieldsets = [
        (None, {"fields": ["actor", "policy", "position", "qualifier", "summary"]}),
        (
            "When and how it is known",
            {
                "fields": ["stated_on", "date_precision", "stated_by", "known_from", "evidence_kind"],
                "description": "Date a stance by when it was taken, as exactly as the source allows: a day, a "
                "month, a year, or a range between two days. It counts from the end of that period, or from the "
                "publication date of its earliest dated source if that is earlier (shown as “known from”).",
            },
        ),
        ("Publication", {"fields": ["status", "retraction_reason", "retracted_at", "editor_notes"]}),
        ("Record", {"fields": ["created_by", "created_at", "updated_by", "updated_at"]}),
    ]
    readonly_fields = ["known_from", "retracted_at", "created_by", "created_at", "updated_by", "updated_at"]
    inlines = [StanceEvidenceInline]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(excerpt_count=Count("evidence", distinct=True))

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Readers may have seen anything that was published: it is retracted in public, never deleted.
        protected = [
            *protected,
            *(
                format_html(
                    'Stance: <a href="{}">{}</a> was published: retract it with a public reason instead.',
                    reverse("admin:positions_stance_change", args=[stance.pk]),
                    stance,
                )
                for stance in objs
                if stance.status != Stance.Status.DRAFT
            ),
        ]
        return deleted, model_count, perms_needed, protected

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="stated", ordering="stated_on")
    def stated(self, stance: Stance) -> str:
        return stance.stated_on_display

    @admin.display(description="excerpts", ordering="excerpt_count")
    def excerpt_count(self, stance: Stance) -> int:
        return stance.excerpt_count

    @admin.action(
        description="Publish this stance",
        description_plural="Publish selected stances",
        permissions=["change"],
        location=ACTION_LOCATIONS,
    )
    def publish(self, request, queryset):
        result = publish_stances(stances=queryset.select_related("actor", "policy"), user=request.user)
        self._report(request, result, done="published", unchanged="the selected stances were already published")

    @admin.action(
        description="Unpublish this stance",
        description_plural="Unpublish selected stances",
        permissions=["change"],
        location=ACTION_LOCATIONS,
    )
    def unpublish(self, request, queryset):
        result = unpublish_stances(stances=queryset.select_related("actor", "policy"), user=request.user)
        self._report(request, result, done="unpublished", unchanged="the selected stances were already drafts")

    def _report(self, request, result: StatusChange, *, done: str, unchanged: str) -> None:
        count = len(result.changed)
        if count:
            self.message_user(
                request, f"{done.capitalize()} {count} stance{'' if count == 1 else 's'}.", messages.SUCCESS
            )
        for stance, reason in result.refused:
            self.message_user(request, f"Not {done}: “{stance}”. {reason}", messages.WARNING)
        if not result.changed and not result.refused:
            self.message_user(request, f"Nothing changed: {unchanged}.")


# --- What relies on excerpts: the sources app does not know stances, so its admins are extended here.


def stances_relying_on(excerpt: Excerpt):
    return excerpt.stances.select_related("actor", "policy").order_by("actor__name", "policy__name", "pk")


class CitedExcerptFormSet(sources_admin.ExcerptInlineFormSet):
    def clean(self) -> None:
        # Django would refuse these too, but name the stance-excerpt links ("excerpt") rather
        # than the stances; say which stances rely on the quote, before that message is raised.
        refusals = [
            ValidationError(f"“{form.instance.quote}” cannot be deleted: the stance “{stance}” relies on it.")
            for form in self.forms
            if form.instance.pk and self._should_delete_form(form)
            for stance in stances_relying_on(form.instance)
        ]
        if refusals:
            raise ValidationError(refusals)
        super().clean()


class CitedExcerptInline(sources_admin.ExcerptInline):
    formset = CitedExcerptFormSet


admin.site.unregister(Source)


@admin.register(Source)
class SourceAdmin(sources_admin.SourceAdmin):
    inlines = [CitedExcerptInline]


admin.site.unregister(Excerpt)


@admin.register(Excerpt)
class ExcerptAdmin(sources_admin.ExcerptAdmin):
    """Excerpts, with the stances that cite each one."""

    ordering = ["source", "start"]  # explicit: the count annotation groups rows, which drops Meta.ordering
    list_display = [*sources_admin.ExcerptAdmin.list_display, "stance_count"]
    fieldsets = [
        *sources_admin.ExcerptAdmin.fieldsets,
        ("Cited by", {"fields": ["used_by"]}),
    ]
    readonly_fields = [*sources_admin.ExcerptAdmin.readonly_fields, "used_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(stance_count=Count("evidence"))

    @admin.display(description="stances", ordering="stance_count")
    def stance_count(self, excerpt: Excerpt) -> int:
        return excerpt.stance_count

    @admin.display(description="used by stances")
    def used_by(self, excerpt: Excerpt) -> str:
        return admin_links(stances_relying_on(excerpt)) if excerpt.pk else "—"

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            # What protects an excerpt is its link to a stance, which Django lists under the
            # link's name ("excerpt"); name the stances instead, which editors know.
            stances = {stance for excerpt in objs for stance in stances_relying_on(excerpt)}
            protected = [
                format_html('Stance: <a href="{}">{}</a>', reverse("admin:positions_stance_change", args=[s.pk]), s)
                for s in sorted(stances, key=str)
            ]
        return deleted, model_count, perms_needed, protected
