"""What the public sees of sources: metadata, and only the excerpts that back a published stance."""

from rest_framework import serializers

from sources.models import Excerpt, Source


class PublicExcerptSerializer(serializers.ModelSerializer):
    stances = serializers.SerializerMethodField(help_text="Ids of the published stances this quote backs.")

    class Meta:
        model = Excerpt
        fields = ["quote", "start", "end", "stances"]

    def get_stances(self, excerpt: Excerpt) -> list[int]:
        # Filled by SourceQuerySet.with_published_excerpts().
        return [link.stance_id for link in excerpt.published_evidence]


class SourceSerializer(serializers.ModelSerializer):
    excerpts = PublicExcerptSerializer(many=True, help_text="Quotes that back published stances.")

    class Meta:
        model = Source
        fields = ["slug", "title", "publisher", "byline", "published_on", "url", "excerpts"]


class SourceDetailSerializer(SourceSerializer):
    """A source with its full text, which excerpt offsets point into."""

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "sha256", "text"]
