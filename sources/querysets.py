"""Read vocabulary for sources and excerpts."""

from django.db import models


class SourceQuerySet(models.QuerySet):
    def needing_attention(self):
        """Sources with some metadata still unknown (neither in the file nor supplied by the desk)."""
        return self.filter(
            models.Q(title="") | models.Q(publisher="") | models.Q(byline="") | models.Q(published_on=None)
        )

    def without_text(self):
        """Defer the full text, which list pages never show."""
        return self.defer("text")


class ExcerptQuerySet(models.QuerySet):
    def with_source(self):
        """The source joined, without its full text (which lists of excerpts never print)."""
        return self.select_related("source").defer("source__text")
