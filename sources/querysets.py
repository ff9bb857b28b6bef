"""Read vocabulary for sources and excerpts."""

from django.apps import apps
from django.db import models

PUBLISHED = "published"


class SourceQuerySet(models.QuerySet):
    def needing_attention(self):
        """Sources whose file left some metadata unknown."""
        return self.filter(
            models.Q(title="") | models.Q(publisher="") | models.Q(byline="") | models.Q(published_on=None)
        )

    def without_text(self):
        """Defer the full text, which list pages never show."""
        return self.defer("text")

    def with_published_excerpts(self):
        """Only the excerpts backing a published stance, each with those stances' ids, in two more queries."""
        from .models import Excerpt

        stance_model = apps.get_model("positions", "Stance")
        excerpts = Excerpt.objects.published().prefetch_related(
            models.Prefetch("stances", queryset=stance_model.objects.filter(status=PUBLISHED).only("pk").order_by("pk"))
        )
        return self.prefetch_related(models.Prefetch("excerpts", queryset=excerpts.order_by("start", "pk")))


class ExcerptQuerySet(models.QuerySet):
    def with_source(self):
        return self.select_related("source")

    def published(self):
        """Excerpts that back at least one published stance: the only ones the public sees."""
        evidence = apps.get_model("positions", "StanceEvidence").objects.filter(
            excerpt=models.OuterRef("pk"), stance__status=PUBLISHED
        )
        return self.filter(models.Exists(evidence))
