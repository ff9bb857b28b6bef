"""Stored documents and the exact quotes anchored in them."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from . import anchoring
from . import text as source_text
from .querysets import ExcerptQuerySet, SourceQuerySet

# An excerpt is a passage, not a copy of the article: longer quotes are refused.
QUOTE_MAX_CHARS = 5000

EXCERPT_IS_FIXED = (
    "A saved excerpt cannot be moved to another passage or source: records cite it as it is. Add a new "
    "excerpt with the quote you want instead."
)


# Metadata an editor may supply from the article when the file's header does not give it.
DESK_SUPPLIABLE = ("title", "publisher", "byline", "published_on", "url")


class Source(models.Model):
    """A document stored exactly as ingested, which excerpts quote from."""

    title = models.CharField(
        max_length=300, blank=True, help_text="Headline. Empty when the file had none: fill it in."
    )
    slug = models.SlugField(max_length=120, unique=True, help_text="Stable identifier used in URLs and fixtures.")
    publisher = models.CharField(
        max_length=200, blank=True, help_text="Outlet that published it, e.g. CNN. Empty when unknown."
    )
    byline = models.CharField(max_length=300, blank=True, help_text="Author(s) as credited. Empty when unknown.")
    published_on = models.DateField(
        null=True, blank=True, help_text="Publication date. Empty when the file does not say."
    )
    url = models.URLField(max_length=500, blank=True, help_text="Where the original can be read, if known.")
    supplied_fields = models.JSONField(
        default=list,
        blank=True,
        verbose_name="supplied by the desk",
        help_text="Metadata fields the editors supplied from the article itself rather than read from the "
        'file\'s header, e.g. ["title", "publisher"]. Shown to the public.',
    )
    note = models.TextField(
        blank=True,
        help_text="Public note on where the metadata comes from, e.g. why the publisher cannot be known.",
    )
    text = models.TextField(
        help_text="Full text exactly as ingested. Excerpt offsets point into it: it cannot be edited here."
    )
    sha256 = models.CharField(max_length=64, editable=False, help_text="SHA-256 of the text, as UTF-8.")
    original_filename = models.CharField(
        max_length=300, blank=True, help_text="Name of the file the text was ingested from."
    )
    ingested_at = models.DateTimeField(auto_now_add=True, help_text="When the text was stored.")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "slug"]
        # The public list's order (newest first, undated last) has an index, source_newest_first, created by
        # migration 0004 in each database's own words: SQLite puts NULLs last when descending and cannot say
        # NULLS LAST in an index; PostgreSQL must be told.
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="source_text_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title or f"[untitled] {self.slug}"

    def save(self, *args, **kwargs):
        self.sha256 = self.digest(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("source-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        unknown = [name for name in self.supplied_fields or [] if name not in DESK_SUPPLIABLE]
        if not isinstance(self.supplied_fields, list) or unknown:
            raise ValidationError({"supplied_fields": f"A list of field names from: {', '.join(DESK_SUPPLIABLE)}."})

    @staticmethod
    def digest(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def missing_fields(self) -> list[str]:
        """Metadata the ingested file did not give, which an editor should supply.

        The URL is optional (not every document is online), so it is not counted; the same
        fields make ``Source.objects.needing_attention()``.
        """
        fields = ("title", "publisher", "byline", "published_on")
        return [self._meta.get_field(name).verbose_name for name in fields if not getattr(self, name)]

    def clean_fields(self, exclude=None) -> None:
        """Validate the fields, bringing new text to its canonical form (``sources.text``): a file and an
        admin paste pass here alike. Text that is already stored is never rewritten."""
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "text" not in (exclude or ()) and "text" not in errors and self.text and not self.stores_this_text():
            try:
                self.text = self.canonical_text(self.text)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def stores_this_text(self) -> bool:
        # Excerpt offsets point into the stored text exactly as it is, whatever form it was stored in.
        return bool(self.pk) and type(self).objects.filter(pk=self.pk, sha256=self.digest(self.text)).exists()

    @staticmethod
    def canonical_text(text: str) -> str:
        """The one form a source's text is stored in; a ``ValidationError`` on the text, naming the line,
        when it cannot be stored."""
        try:
            return source_text.canonical(text, max_bytes=settings.SOURCE_TEXT_MAX_BYTES)
        except source_text.TextRefused as error:
            raise ValidationError({"text": f"Line {error.line}: {error}" if error.line else str(error)}) from error


class Excerpt(models.Model):
    """An exact quote from one source, anchored by offsets and surrounding text."""

    source = models.ForeignKey(
        Source,
        related_name="excerpts",
        on_delete=models.PROTECT,  # an excerpt is evidence: its document must outlive it
        help_text="The document the quote comes from.",
    )
    quote = models.TextField(
        help_text="Paste the quote. It must occur in the source; typographic quotes and dashes "
        "are matched, and the source's own characters are stored."
    )
    start = models.PositiveIntegerField(editable=False, help_text="Offset of the first character in the source text.")
    end = models.PositiveIntegerField(editable=False, help_text="Offset just past the last character.")
    prefix = models.CharField(
        max_length=200,
        blank=True,
        help_text="Text just before the quote. Only needed when the quote occurs more than once; "
        "it is then recomputed from the source.",
    )
    suffix = models.CharField(
        max_length=200,
        blank=True,
        help_text="Text just after the quote. Only needed when the quote occurs more than once.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ExcerptQuerySet.as_manager()

    class Meta:
        ordering = ["source", "start"]
        constraints = [
            models.UniqueConstraint(fields=["source", "start", "end"], name="one_excerpt_per_source_span"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="excerpt_span_not_empty"),
        ]

    def __str__(self) -> str:
        quote = self.quote if len(self.quote) <= 80 else self.quote[:77] + "…"
        return f"“{quote}” ({self.source.slug})" if self.source_id else f"“{quote}”"

    def clean(self) -> None:
        """Compute the offsets from the quote; refuse a quote that is missing or ambiguous."""
        super().clean()
        if not self.source_id or not self.quote:
            return
        if len(self.quote.strip()) > QUOTE_MAX_CHARS:
            raise ValidationError(
                {
                    "quote": f"This quote is {len(self.quote.strip()):,} characters long; an excerpt may quote at most "
                    f"{QUOTE_MAX_CHARS:,} characters. Quote the passage that makes the point."
                }
            )
        if self.pk:
            saved = type(self).objects.filter(pk=self.pk).values("source_id", "start", "end").first()
            if saved and saved["source_id"] != self.source_id:
                raise ValidationError({"source": EXCERPT_IS_FIXED})
        try:
            found = anchoring.anchor(self.source.text, self.quote, prefix=self.prefix, suffix=self.suffix)
        except anchoring.QuoteNotFound as error:
            raise ValidationError({"quote": f"This quote was not found in the source “{self.source}”."}) from error
        except anchoring.QuoteAmbiguous as error:
            raise ValidationError(
                {
                    "quote": f"This quote occurs {error.occurrences} times in the source “{self.source}”: "
                    "give a prefix or suffix (words just before or after it) to say which one."
                }
            ) from error
        if self.pk and saved and (saved["start"], saved["end"]) != (found.start, found.end):
            raise ValidationError({"quote": EXCERPT_IS_FIXED})
        self.start, self.end = found.start, found.end
        self.quote, self.prefix, self.suffix = found.quote, found.prefix, found.suffix

    @property
    def is_anchored(self) -> bool:
        """True when the quote stands in the source text at the stored offsets."""
        return anchoring.is_anchored(
            self.source.text, start=self.start, end=self.end, quote=self.quote, prefix=self.prefix, suffix=self.suffix
        )
