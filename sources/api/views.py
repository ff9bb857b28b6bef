"""Public, read-only views of sources."""

from rest_framework import viewsets

from positions.api.views import PublicAPIMixin
from sources.models import Source

from .filters import SourceFilter
from .serializers import SourceDetailSerializer, SourceSerializer


class SourceViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Documents quoted as evidence, with the excerpts that back published stances; full text on detail."""

    lookup_field = "slug"
    filterset_class = SourceFilter

    def get_queryset(self):
        # Excerpts and the ids of the published stances they back: two prefetch queries per page, not
        # two per source. Lists leave out the full text, which only the detail view prints.
        sources = Source.objects.with_published_excerpts().order_by("-published_on", "slug")
        return sources if self.action == "retrieve" else sources.without_text()

    def get_serializer_class(self):
        return SourceDetailSerializer if self.action == "retrieve" else SourceSerializer
