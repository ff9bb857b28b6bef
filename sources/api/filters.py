"""Query parameters for sources, validated by django-filter."""

import django_filters

from positions.api.filters import IsoDateFilter, StableOrderingFilter
from sources.models import Source


class SourceFilter(django_filters.FilterSet):
    publisher = django_filters.CharFilter(lookup_expr="iexact", help_text="Publisher, case-insensitive.")
    published_after = IsoDateFilter(
        field_name="published_on", lookup_expr="gte", help_text="Published on or after (YYYY-MM-DD)."
    )
    published_before = IsoDateFilter(
        field_name="published_on", lookup_expr="lte", help_text="Published on or before (YYYY-MM-DD)."
    )
    ordering = StableOrderingFilter(
        fields=(("published_on", "published_on"), ("title", "title"), ("slug", "slug")),
        help_text="published_on, title or slug; prefix with - for descending. Default: -published_on.",
    )

    class Meta:
        model = Source
        fields = []
