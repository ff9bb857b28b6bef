"""Editors' admin for sources and the excerpts quoted from them.

An excerpt is added by pasting its quote: ``Excerpt.clean()`` finds it in the source
and computes the offsets, so the forms here always run model validation and show
start and end read-only. An excerpt is fixed once saved: what it quotes and where cannot change
under the records that cite it (``Excerpt.clean()`` refuses it; the forms show it read-only).

What relies on an excerpt (stances) is not this app's business: the positions app extends these
admins to show it.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from stancetracker.admin import HistoryAdmin

from . import ingest, selection
from .models import Excerpt, Source

QUOTE_IN_LIST = 120  # characters of a quote shown in the list; the whole of it on hover
DUPLICATE_EXCERPT = "This passage of “{source}” is already an excerpt: use that one."


class ExcerptForm(forms.ModelForm):
    """Quote in, offsets out; a passage of a source is stored as one excerpt only."""

    class Meta:
        model = Excerpt
        fields = ["source", "quote", "prefix", "suffix"]
        widgets = {"quote": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def __init__(self, *args, source: Source | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if source is not None:
            # Every row of a source's inline quotes that source: reuse it rather than fetch it per row.
            self.instance.source = source
        if self.instance.pk:
            # A saved excerpt is fixed: submitted values for these are ignored (make a new excerpt instead).
            for name in self.fields:
                self.fields[name].disabled = True

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
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "source": self.instance}

    def clean(self) -> None:
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


class ArticleForm(forms.Form):
    """One article, uploaded as a text file or pasted: read, checked and stored as ``ingest_source`` does."""

    file = forms.FileField(required=False, help_text="A UTF-8 text file, as ingest_source takes.")
    text = forms.CharField(
        required=False,
        strip=False,  # stored as given, so a paste hashes like the same file
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100}),
        help_text="Or paste the article. A first line like “date 2025-08-30 By Name, Publisher”, or a title line "
        "followed by a blank line, fills in the date, byline and title.",
    )
    slug = forms.SlugField(required=False, help_text="Optional: made from the title or file name when left empty.")

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), cleaned.get("text", "")
        if bool(upload) == bool(text.strip()):
            raise forms.ValidationError("Upload a file or paste the text: one of the two.")
        try:
            if upload:
                if upload.size > settings.SOURCE_TEXT_MAX_BYTES:  # refused before it is read into memory
                    raise ingest.IngestError(ingest.too_large(upload.name, upload.size))
                cleaned["article"] = ingest.decode(upload.read(), name=upload.name)
                cleaned["filename"] = upload.name
            else:
                cleaned["article"] = ingest.decode(text.encode("utf-8"), name="The pasted text")
                cleaned["filename"] = ""
        except ingest.IngestError as error:
            raise forms.ValidationError(str(error)) from error
        return cleaned


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
        (None, {"fields": ["title", "slug", "publisher", "byline", "published_on", "url", "note"]}),
        (
            "Supplied by the desk",
            {
                "fields": ["supplied_fields"],
                "description": "Which of the fields above the desk supplied from the article rather than read "
                'from the file, e.g. ["title", "publisher"]. Readers see this.',
            },
        ),
        ("Stored text", {"fields": ["text", "sha256", "original_filename", "ingested_at"]}),
    ]
    inlines = [ExcerptInline]

    class Media:
        css = {"all": ["sources/desk.css"]}
        js = ["sources/marking.js"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        # A stored text is read, and its quotes marked, where it stands: the excerpts are highlighted in it.
        marking = ("Text and excerpts", {"fields": ["marked_text"], "classes": ["marking"]})
        stored = ("Stored text", {"fields": ["sha256", "original_filename", "ingested_at"]})
        return [*fieldsets[:-1], marking, stored]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("bring-in/", view(self.bring_in_view), name="sources_source_bring_in"),
            path("<path:object_id>/excerpt/", view(self.excerpt_view), name="sources_source_excerpt"),
            *super().get_urls(),
        ]

    @admin.display(description="text")
    def marked_text(self, source: Source) -> str:
        pieces = format_html_join(
            "",
            "{}",
            (
                (format_html("<mark>{}</mark>", piece) if marked else piece,)
                for piece, marked in selection.marked_segments(
                    source.text, [(excerpt.start, excerpt.end) for excerpt in source.excerpts.all()]
                )
            ),
        )
        return format_html(
            '<div class="marking-tools"><button type="button" class="button" id="add-excerpt" disabled>'
            'Add excerpt</button> <span id="excerpt-status" role="status">Select a passage of the text to '
            "quote it.</span></div>"
            '<div id="source-text" data-excerpt-url="{}">{}</div>',
            reverse("admin:sources_source_excerpt", args=[source.pk]),
            pieces,
        )

    @staticmethod
    def _offset(request, name: str) -> int | None:
        value = request.POST.get(name, "")
        return int(value) if value.isdigit() else None

    def excerpt_view(self, request, object_id):
        """Store the passage an editor selected in the text as an excerpt (``sources.selection``)."""
        if request.method != "POST":
            return JsonResponse({"message": "Post a selection to add an excerpt."}, status=405)
        if not request.user.has_perm("sources.add_excerpt"):
            raise PermissionDenied
        source = get_object_or_404(Source, pk=object_id)
        start, end = self._offset(request, "start"), self._offset(request, "end")
        if start is None or end is None:
            return JsonResponse({"message": "The selection's start and end are missing."}, status=400)
        try:
            excerpt = selection.excerpt_from_selection(
                source=source, start=start, end=end, quote=request.POST.get("quote", "")
            )
        except ValidationError as error:
            return JsonResponse({"message": " ".join(error.messages)}, status=400)
        self.log_change(request, source, f"Excerpt added by selection: {excerpt}")
        self.message_user(request, f"Excerpt added: {excerpt}", messages.SUCCESS)
        return JsonResponse(
            {"message": f"Excerpt added: {excerpt}", "start": excerpt.start, "end": excerpt.end}, status=201
        )

    def bring_in_view(self, request):
        """Upload or paste an article and store it in one step; the same text stored already is opened."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ArticleForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = ingest.ingest_upload(
                    text=form.cleaned_data["article"],
                    filename=form.cleaned_data["filename"] or "pasted text",
                    slug=form.cleaned_data["slug"] or None,
                )
            except ingest.IngestError as error:
                form.add_error(None, str(error))
            else:
                source = result.source
                if result.action == "duplicate":
                    self.message_user(
                        request, f"This article is stored already, as “{source}”: nothing was added.", messages.WARNING
                    )
                else:
                    self.log_addition(request, source, "Brought in from the desk.")
                    missing = ", ".join(source.missing_fields)
                    note = f" Fill in what the text did not say: {missing}." if missing else ""
                    self.message_user(request, f"Stored “{source}”.{note}", messages.SUCCESS)
                return redirect(reverse("admin:sources_source_change", args=[source.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Bring in an article",
            "opts": self.opts,
            "form": form,
            "max_size": ingest.source_text.readable_size(settings.SOURCE_TEXT_MAX_BYTES),
        }
        return TemplateResponse(request, "admin/sources/source/bring_in.html", context)

    def get_queryset(self, request):
        # The full text is only shown on the change page, which loads it on access.
        return super().get_queryset(request).without_text().annotate(excerpt_count=Count("excerpts"))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            # A paste is kept as it is (Source.clean_fields() only normalises line endings): stripping it
            # here would make it hash differently from the same article ingested from a file.
            kwargs["strip"] = False
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = ["sha256", "original_filename", "ingested_at"]
        # Excerpt offsets point into the text, so it is fixed once stored.
        return ["text", "marked_text", *readonly] if obj else readonly

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
    ordering = ["source", "start"]
    list_display = ["short_quote", "source", "start", "end", "anchored"]
    list_display_links = ["short_quote"]
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
        ("Position in the source", {"fields": ["start", "end", "anchored"]}),
    ]
    readonly_fields = ["start", "end", "anchored"]

    class Media:
        css = {"all": ["sources/desk.css"]}

    @admin.display(boolean=True, description="anchored")
    def anchored(self, excerpt: Excerpt) -> bool | None:
        return excerpt.is_anchored if excerpt.pk else None

    @admin.display(description="excerpt", ordering="quote")
    def short_quote(self, excerpt: Excerpt) -> str:
        quote = excerpt.quote
        if len(quote) <= QUOTE_IN_LIST:
            return quote
        return format_html('<span title="{}">“{}…”</span>', quote, quote[: QUOTE_IN_LIST - 1].rstrip())

    def get_search_results(self, request, queryset, search_term):
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            # Choosing evidence on a stance lists excerpts with their source's slug, not its text.
            queryset = queryset.select_related("source").defer("source__text")
        return super().get_search_results(request, queryset, search_term)
