"""Editors' admin for actors, policies and stances.

Every model admin keeps history (who changed what, when) through simple_history. A stance is
submitted for review, approved by a second editor (published) or sent back with a comment, and
retracted with a public reason, in bulk from the list or one at a time from its page
(``positions.publishing``); its status is never typed in.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from sources import admin as sources_admin
from sources.models import Excerpt, Source
from stancetracker.admin import HistoryAdmin, admin_links

from . import desk, publishing, review, revisions
from .constants import STATUSES_NEEDING_EVIDENCE
from .models import Actor, Policy, Role, Stance, StanceEvidence

EXCERPT_REQUIRED = "A published stance needs at least one excerpt: add one below, or save the stance as a draft."
STATUS_BY_ACTION = (
    "Change the status with the actions above the form: submit for review, approve, send back, or retract."
)
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
        if self.instance.status not in STATUSES_NEEDING_EVIDENCE:
            return
        if not self.excerpt_ids():
            raise ValidationError(EXCERPT_REQUIRED)

    def excerpt_ids(self) -> list[int]:
        """The excerpts the stance has once this formset is saved: its rows with one, not marked for deletion."""
        return [
            form.cleaned_data["excerpt"].pk
            for form in self.forms
            if getattr(form, "cleaned_data", {}).get("excerpt") and not self._should_delete_form(form)
        ]


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


class StanceForm(forms.ModelForm):
    """The stance form, with a reason for the change (kept in its history) and the status limited to what a
    form may do: keep it, or retract a published stance. Review and publication go through the actions."""

    change_reason = forms.CharField(
        max_length=100,
        required=False,
        label="Reason for this change",
        help_text="Shown in the stance's history, e.g. “Date corrected from the byline”. 100 characters at most.",
    )

    # Set by the admin for editors whose changes to a published stance become a revision (not superusers).
    makes_revisions = False

    class Meta:
        model = Stance
        fields = ["status"]  # the admin builds the form from its fieldsets; these are the fields changed here

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" not in self.fields:
            return
        # The status as stored, not the instance's: a version restored from the history carries its old status.
        saved = Stance.objects.filter(pk=self.instance.pk).values_list("status", flat=True).first()
        current = saved or Stance.Status.DRAFT
        allowed = {current, Stance.Status.RETRACTED} if current == Stance.Status.PUBLISHED else {current}
        status = self.fields["status"]
        status.choices = [(value, label) for value, label in Stance.Status.choices if value in allowed]
        status.error_messages["invalid_choice"] = STATUS_BY_ACTION

    def clean(self):
        cleaned = super().clean()
        revising = self.makes_revisions and self.instance.pk and cleaned.get("status") == Stance.Status.PUBLISHED
        if revising and (pending := revisions.pending_revision(self.instance)) is not None:
            url = reverse("admin:positions_stance_change", args=[pending.pk])
            raise ValidationError(format_html('{} <a href="{}">Open the revision</a>.', revisions.ALREADY_PENDING, url))
        return cleaned


def review_action(description: str, plural: str, **kwargs):
    return admin.action(
        description=description,
        description_plural=plural,
        permissions=kwargs.pop("permissions", ["change"]),
        location=ACTION_LOCATIONS,
        **kwargs,
    )


@admin.register(Stance)
class StanceAdmin(HistoryAdmin):
    form = StanceForm
    # explicit: the count annotation groups rows, which drops Meta.ordering
    ordering = ["actor__name", "policy__name", "stated_on", "pk"]
    # What an editor scans fits at 1400 px beside the filters: the summary (cut short), actor and policy (narrow
    # columns, each sortable by name), then position, date, status (which tells the review state) and evidence.
    list_display = ["short_summary", "actor_name", "policy_name", "position", "stated", "status", "excerpt_count"]
    list_display_links = ["short_summary"]
    list_filter = [
        "status",
        desk.ReviewFilter,
        "position",
        "evidence_kind",
        "date_precision",
        ("policy", admin.RelatedOnlyFieldListFilter),
        ("actor", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["actor", "policy"]
    list_per_page = 50
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
        (
            "Publication",
            {
                "fields": ["status", "retraction_reason", "retracted_at", "editor_notes"],
                "description": "A draft is submitted for review and published when a second editor approves it "
                "(the actions above the form). A published stance leaves the public record only by retraction, "
                "with a public reason.",
            },
        ),
        (
            "Review",
            {"fields": ["revision", "submission", "review_outcome", "review_comment", "changes_since_published"]},
        ),
        ("Record", {"fields": ["created", "updated", "change_reason"]}),
    ]
    readonly_fields = [
        "known_from",
        "retracted_at",
        "revision",
        "submission",
        "review_outcome",
        "review_comment",
        "changes_since_published",
        "created",
        "updated",
    ]
    inlines = [StanceEvidenceInline]
    actions = ["submit_for_review", "approve", "send_back", "retract", "publish"]

    class Media:
        css = {"all": ["positions/desk.css"]}
        js = ["positions/unsaved_edits.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(excerpt_count=Count("evidence", distinct=True))

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # “New stance from this quote” on an excerpt opens this form with the excerpt as its first evidence.
        excerpt = request.GET.get("excerpt", "")
        new = request.method == "GET" and obj.pk is None
        if new and isinstance(inline, StanceEvidenceInline) and excerpt.isdigit():
            kwargs["initial"] = [{"excerpt": int(excerpt)}]
        return kwargs

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
                if stance.status in (Stance.Status.PUBLISHED, Stance.Status.RETRACTED)
            ),
        ]
        return deleted, model_count, perms_needed, protected

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if request.user.is_superuser:
            return form  # the documented override: superusers change published stances in place
        return type(form.__name__, (form,), {"makes_revisions": True})

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason", "").strip()
        if change and self._revises_published(form, obj):
            self._save_as_revision(request, obj, form, reason)
            return
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)
        obj.__dict__.pop("_change_reason", None)

    def save_related(self, request, form, formsets, change):
        published = getattr(form.instance, "_revises", None)
        if published is None:
            return super().save_related(request, form, formsets, change)
        # The excerpts as submitted go to the revision; the published stance keeps its own.
        evidence = next((f for f in formsets if isinstance(f, StanceEvidenceFormSet)), None)
        if evidence is None:
            return None
        excerpt_ids, revision = evidence.excerpt_ids(), form.instance._revision
        if revision is None and set(excerpt_ids) != set(published.evidence.values_list("excerpt_id", flat=True)):
            reason = form.cleaned_data.get("change_reason", "").strip()
            revision = form.instance._revision = revisions.start(
                published, form.instance, user=request.user, reason=reason
            )
        if revision is not None:
            revisions.set_excerpts(revision, excerpt_ids)
        return None

    def _revises_published(self, form, obj: Stance) -> bool:
        """An editor's save of a published stance (not its retraction) becomes a revision."""
        if not form.makes_revisions or form.cleaned_data.get("status") != Stance.Status.PUBLISHED:
            return False
        return Stance.objects.filter(pk=obj.pk, status=Stance.Status.PUBLISHED).exists()

    def _save_as_revision(self, request, obj: Stance, form, reason: str) -> None:
        """Changes to what readers see start a revision; internal notes are kept at once, needing no review."""
        published = Stance.objects.get(pk=obj.pk)
        obj._revises, obj._revision = published, None
        if obj.editor_notes != published.editor_notes:
            published.editor_notes = obj.editor_notes
            publishing.save_as(published, request.user, reason or "Editor notes changed")
        if revisions.changes_what_readers_see(obj, published):
            obj._revision = revisions.start(published, obj, user=request.user, reason=reason)

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(form.instance, "_revises", None) is not None:
            return []  # the excerpts went to the revision (or nowhere): log_change says what happened
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        revision = getattr(obj, "_revision", None)
        if revision is None:
            return super().log_change(request, obj, message)
        return self.log_addition(request, revision, f"Revision of the published stance #{obj.pk}.")

    def response_change(self, request, obj):
        revision = getattr(obj, "_revision", None)
        if revision is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            f"Your changes to “{obj._revises}” are saved as a revision, a draft: readers see the published version "
            "until a second editor approves the revision. Submit it for review from this page.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:positions_stance_change", args=[revision.pk]))

    def has_publish_permission(self, request) -> bool:
        # The documented override: superusers may publish without a second editor's approval.
        return request.user.is_superuser

    @admin.display(description="summary", ordering="summary")
    def short_summary(self, stance: Stance) -> str:
        if stance.revises_id is None:
            return desk.truncated(stance.summary)
        return format_html(
            '{}<span class="revision-mark">revision of #{}</span>', desk.truncated(stance.summary), stance.revises_id
        )

    @admin.display(description="actor", ordering="actor__name")
    def actor_name(self, stance: Stance) -> str:
        return desk.clamped(stance.actor.name)

    @admin.display(description="policy", ordering="policy__name")
    def policy_name(self, stance: Stance) -> str:
        return desk.clamped(stance.policy.name)

    @admin.display(description="revision")
    def revision(self, stance: Stance) -> str:
        if stance.revises_id is not None:
            return format_html(
                'A revision of the published stance <a href="{}">{}</a>: approving it writes these changes onto '
                "that stance, which readers see as it is until then.",
                reverse("admin:positions_stance_change", args=[stance.revises_id]),
                stance.revises,
            )
        pending = revisions.pending_revision(stance)
        if pending is None:
            return "—"
        return format_html(
            'Changes wait for review in the revision <a href="{}">#{}</a> ({}).',
            reverse("admin:positions_stance_change", args=[pending.pk]),
            pending.pk,
            pending.get_status_display().lower(),
        )

    @admin.display(description="stated", ordering="stated_on")
    def stated(self, stance: Stance) -> str:
        return stance.stated_on_display

    @admin.display(description="excerpts", ordering="excerpt_count")
    def excerpt_count(self, stance: Stance) -> int:
        return stance.excerpt_count

    @admin.display(description="created")
    def created(self, stance: Stance) -> str:
        return desk.by_whom(stance.created_by, stance.created_at)

    @admin.display(description="last changed")
    def updated(self, stance: Stance) -> str:
        return desk.by_whom(stance.updated_by, stance.updated_at)

    @admin.display(description="submitted for review")
    def submission(self, stance: Stance) -> str:
        return desk.by_whom(stance.submitted_by, stance.submitted_at)

    @admin.display(description="reviewed")
    def review_outcome(self, stance: Stance) -> str:
        return desk.by_whom(stance.reviewed_by, stance.reviewed_at)

    @admin.display(description="changes since last published")
    def changes_since_published(self, stance: Stance) -> str:
        return desk.changes_table(review.changes_since_published(stance)) if stance.pk else "—"

    @review_action("Submit this stance for review", "Submit selected stances for review")
    def submit_for_review(self, request, queryset):
        result = publishing.submit_for_review(stances=self._chosen(queryset), user=request.user)
        self._report(request, result, done="submitted for review", unchanged="none of them was a draft")

    @review_action("Approve and publish this stance", "Approve and publish selected stances")
    def approve(self, request, queryset):
        chosen = self._chosen(queryset)
        result = publishing.approve(stances=chosen, user=request.user)
        self._report(request, result, done="approved and published", unchanged="none of them was in review")
        return self._to_revised(request, chosen, result)

    @review_action("Send this stance back with a comment", "Send selected stances back with a comment")
    def send_back(self, request, queryset):
        return self._with_text(
            request,
            queryset,
            title="Send back to the submitter",
            label="What should change before it is submitted again",
            help_text="The submitter sees it on the stance and on the admin's front page. Never published.",
            run=lambda stances, text: publishing.send_back(stances=stances, user=request.user, comment=text),
            done="sent back",
            unchanged="none of them was in review",
        )

    @review_action("Retract this stance with a public reason", "Retract selected stances with a public reason")
    def retract(self, request, queryset):
        return self._with_text(
            request,
            queryset,
            title="Retract in public",
            label="Public reason for the retraction",
            help_text="Readers see it among the corrections (/api/corrections/ and its feed), e.g. “The quote was "
            "from another speaker.”",
            run=lambda stances, text: publishing.retract(stances=stances, user=request.user, reason=text),
            done="retracted",
            unchanged="none of them was published",
        )

    @review_action(
        "Publish without review (superusers)",
        "Publish selected stances without review (superusers)",
        permissions=["publish"],
    )
    def publish(self, request, queryset):
        chosen = self._chosen(queryset)
        result = publishing.publish_stances(stances=chosen, user=request.user)
        self._report(request, result, done="published", unchanged="the selected stances were already published")
        return self._to_revised(request, chosen, result)

    def _chosen(self, queryset):
        return list(queryset.select_related("actor", "policy"))

    def _to_revised(self, request, chosen: list[Stance], result: publishing.StatusChange):
        """A revision published from its own page is gone, written onto its stance: show that stance."""
        revised = [stance.revises_id for stance in chosen if stance.revises_id is not None]
        if "CHANGE_FORM-action" in request.POST and len(chosen) == 1 and revised and result.changed:
            return HttpResponseRedirect(reverse("admin:positions_stance_change", args=revised))
        return None

    def _with_text(self, request, queryset, *, title, label, help_text, run, done, unchanged):
        """An action that needs a text (a comment, a reason): ask for it on a page of its own, then run it."""
        form = desk.TextForm(request.POST if "apply" in request.POST else None, label=label, help_text=help_text)
        if form.is_valid():
            result = run(self._chosen(queryset), form.cleaned_data["text"])
            self._report(request, result, done=done, unchanged=unchanged)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "form": form,
            "stances": queryset.select_related("actor", "policy"),
            "action": request.POST.get("action") or request.POST.get("CHANGE_FORM-action"),
            "action_field": "CHANGE_FORM-action" if "CHANGE_FORM-action" in request.POST else "action",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/positions/stance/action_text.html", context)

    def _report(self, request, result: publishing.StatusChange, *, done: str, unchanged: str) -> None:
        count = len(result.changed)
        for stance in result.changed:
            self.log_change(request, stance, f"{done.capitalize()}.")
        if count:
            self.message_user(
                request, f"{done.capitalize()}: {count} stance{'' if count == 1 else 's'}.", messages.SUCCESS
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


def new_stance_link(excerpt: Excerpt) -> str:
    """“New stance from this quote”: the stance add form with this excerpt as its evidence."""
    if not excerpt.pk:
        return "—"
    url = f"{reverse('admin:positions_stance_add')}?excerpt={excerpt.pk}"
    return format_html('<a href="{}" class="new-stance">New stance from this quote</a>', url)


class CitedExcerptInline(sources_admin.ExcerptInline):
    formset = CitedExcerptFormSet
    fields = [*sources_admin.ExcerptInline.fields, "new_stance"]
    readonly_fields = [*sources_admin.ExcerptInline.readonly_fields, "new_stance"]

    @admin.display(description="stance")
    def new_stance(self, excerpt: Excerpt) -> str:
        return new_stance_link(excerpt)


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
        ("Cited by", {"fields": ["used_by", "new_stance"]}),
    ]
    readonly_fields = [*sources_admin.ExcerptAdmin.readonly_fields, "used_by", "new_stance"]

    @admin.display(description="new stance")
    def new_stance(self, excerpt: Excerpt) -> str:
        return new_stance_link(excerpt)

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


# The front page shows the desk's queues: awaiting your review, sent back to you.
admin.site.index_template = "admin/desk_index.html"
