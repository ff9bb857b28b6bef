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

        evidence_model = apps.get_model("positions", "StanceEvidence")
        # The links, not the stances, with published ids as an uncorrelated subquery: a lookup by excerpt
        # id. Joining stances instead let SQLite's planner pair every published stance with every excerpt.
        published_ids = apps.get_model("positions", "Stance").objects.filter(status=PUBLISHED).values("pk")
        published_links = evidence_model.objects.filter(stance__in=published_ids).only("stance_id", "excerpt_id")
        excerpts = Excerpt.objects.published().prefetch_related(
            models.Prefetch("evidence", queryset=published_links.order_by("stance_id"), to_attr="published_evidence")
        )
        return self.prefetch_related(models.Prefetch("excerpts", queryset=excerpts.order_by("start", "pk")))


class ExcerptQuerySet(models.QuerySet):
    def with_source(self):
        return self.select_related("source")

    def published(self):
        """Excerpts that back at least one published stance: the only ones the public sees."""
        # An uncorrelated IN: computed once, where a correlated EXISTS led SQLite's planner to walk
        # every published stance for every excerpt.
        evidence = apps.get_model("positions", "StanceEvidence").objects.filter(stance__status=PUBLISHED)
        return self.filter(pk__in=evidence.values("excerpt_id"))
