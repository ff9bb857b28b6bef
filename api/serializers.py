"""What the public sees of actors, policies and stances: published records, no editor data.

Serializers only shape data: which stances are visible and how shifts are computed is decided by
the querysets and ``positions.timeline``.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from positions.models import Actor, Policy, Role, Stance
from positions.timeline import ShiftKind, StepChange
from sources.models import Excerpt, Source

from . import rows


class ActorRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Actor
        fields = ["slug", "name"]


class PolicyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Policy
        fields = ["slug", "name"]


class SourceRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["slug", "title", "publisher", "published_on", "url"]


class EvidenceSerializer(serializers.ModelSerializer):
    """An exact quote with its offsets in the source text, and where to read the source."""

    source = SourceRefSerializer()

    class Meta:
        model = Excerpt
        fields = ["quote", "start", "end", "source"]


class RoleSerializer(serializers.ModelSerializer):
    organization = ActorRefSerializer(allow_null=True)

    class Meta:
        model = Role
        fields = ["title", "organization", "start_on", "end_on"]


class StanceSerializer(serializers.ModelSerializer):
    """One published stance with its evidence.

    The fields document the JSON; ``api.rows.stance`` writes it from a ``StanceRow`` (the fields of subclasses that
    it does not know are written by their DRF fields, from the row's values).
    """

    actor = ActorRefSerializer()
    policy = PolicyRefSerializer()
    position_label = serializers.CharField()
    stated_on = serializers.DateField(help_text="The first day the stance may have been taken.")
    stated_by = serializers.DateField(help_text="The last day the stance may have been taken.")
    stated_on_display = serializers.CharField(help_text="The date as precisely as it is known, e.g. June 2020.")
    known_from = serializers.DateField(
        help_text="The day the stance counts from in snapshots, timelines and shifts: the end of its period, or "
        "the publication date of the earliest dated source reporting it, whichever is first."
    )
    evidence_kind_label = serializers.CharField()
    capacity = RoleSerializer(
        many=True, help_text="The actor's roles at the time the stance was taken (any time in its period)."
    )
    excerpts = EvidenceSerializer(many=True, source="quoted_excerpts")

    class Meta:
        model = Stance
        fields = [
            "id",
            "actor",
            "policy",
            "position",
            "position_label",
            "stated_on",
            "stated_by",
            "date_precision",
            "stated_on_display",
            "known_from",
            "evidence_kind",
            "evidence_kind_label",
            "qualifier",
            "summary",
            "capacity",
            "excerpts",
        ]

    def written(self, instance) -> dict:
        """The fields written by hand (``api.rows``); a subclass adds its own."""
        return rows.stance(instance)

    @classmethod
    def _field_order(cls) -> tuple[str, ...]:
        """``Meta.fields`` as a tuple, made once per class."""
        order = cls.__dict__.get("_fields_in_order")
        if order is None:
            order = cls._fields_in_order = tuple(cls.Meta.fields)
        return order

    def to_representation(self, instance) -> dict:
        known = self.written(instance)
        if tuple(known) == self._field_order():
            return known  # every field, in order, and no other (most rows): no copy, no test per field
        if all(name in known for name in self.Meta.fields):
            # DRF's fields are built from the model for every serializer: not needed when none is used.
            return {name: known[name] for name in self.Meta.fields}
        data = {}
        for name, field in self.fields.items():
            if name in known:
                data[name] = known[name]
            else:
                value = field.get_attribute(instance)
                data[name] = None if value is None else field.to_representation(value)
        return data


class StanceChangeSerializer(serializers.Serializer):
    """How a timeline step differs from the step before it in the same series."""

    kind = serializers.ChoiceField(
        choices=[change.value for change in StepChange],
        source="change",
        help_text="first; unchanged; reversal, softening or hardening; or order_unknown when the stance before it "
        "in the series has an overlapping period and another position, so which came first is not known.",
    )
    from_stance = serializers.IntegerField(source="previous.pk", allow_null=True, help_text="Id of the step before.")
    from_position = serializers.IntegerField(source="previous.position", allow_null=True)
    from_stated_on = serializers.DateField(source="previous.stated_on", allow_null=True)
    from_known_from = serializers.DateField(source="previous.known_from", allow_null=True)
    size = serializers.IntegerField(
        allow_null=True,
        help_text="to − from on the −2…+2 scale; null for the first step or when the order is unknown.",
    )


class TimelineEntrySerializer(StanceSerializer):
    """A stance as a step of its actor's series on its policy."""

    change = serializers.SerializerMethodField()

    class Meta(StanceSerializer.Meta):
        fields = [*StanceSerializer.Meta.fields, "change"]

    @extend_schema_field(StanceChangeSerializer)
    def get_change(self, stance) -> dict:
        # Written by ``api.rows.change``: a serializer per entry, built and deep-copied, cost a third of a page.
        return rows.change(self.context["steps"][stance.pk])

    def written(self, instance) -> dict:
        return {**rows.stance(instance), "change": self.get_change(instance)}


class ShiftEndSerializer(StanceSerializer):
    """One end of a shift: the stance, with its evidence."""

    class Meta(StanceSerializer.Meta):
        fields = [name for name in StanceSerializer.Meta.fields if name not in {"actor", "policy"}]


class ShiftSerializer(serializers.Serializer):
    """A change of position between two consecutive published stances of one actor on one policy."""

    actor = ActorRefSerializer(source="after.actor")
    policy = PolicyRefSerializer(source="after.policy")
    qualifier = serializers.CharField(source="after.qualifier", help_text="The scope of the series; may be empty.")
    known_from = serializers.DateField(
        source="after.known_from", help_text="The day the shift counts from: the day its later stance is known from."
    )
    kind = serializers.ChoiceField(choices=[kind.value for kind in ShiftKind])
    size = serializers.IntegerField(help_text="to − from on the −2…+2 scale: negative is a move toward opposition.")
    magnitude = serializers.IntegerField(help_text="How far the position moved, 1 to 4.")
    from_stance = ShiftEndSerializer(source="before")
    to_stance = ShiftEndSerializer(source="after")

    def to_representation(self, instance) -> dict:
        return rows.shift(instance, self.fields["to_stance"].to_representation)


class CorrectionSerializer(StanceSerializer):
    """A stance that was published and then withdrawn, with why and when."""

    retraction_reason = serializers.CharField(help_text="Why the stance was withdrawn.")
    retracted_at = serializers.DateTimeField(help_text="When it was withdrawn.")

    class Meta(StanceSerializer.Meta):
        fields = [*StanceSerializer.Meta.fields, "retraction_reason", "retracted_at"]


class LatestPositionSerializer(serializers.ModelSerializer):
    """An actor's position in one series today (its latest published stance), in brief."""

    stance = serializers.IntegerField(source="pk", help_text="Id of the stance, at /api/stances/{id}/.")
    policy = PolicyRefSerializer()
    position_label = serializers.CharField()

    class Meta:
        model = Stance
        fields = [
            "stance",
            "policy",
            "qualifier",
            "position",
            "position_label",
            "stated_on",
            "stated_by",
            "date_precision",
            "known_from",
            "summary",
        ]


class ActorSerializer(serializers.ModelSerializer):
    parent = ActorRefSerializer(allow_null=True)
    roles = RoleSerializer(many=True)
    latest_positions = serializers.SerializerMethodField(
        help_text="The actor's position in each series today: its latest published stance that counts by now."
    )
    published_stance_count = serializers.IntegerField()

    class Meta:
        model = Actor
        fields = [
            "slug",
            "name",
            "kind",
            "description",
            "parent",
            "wikidata_id",
            "roles",
            "published_stance_count",
            "latest_positions",
        ]

    @extend_schema_field(LatestPositionSerializer(many=True))
    def get_latest_positions(self, actor: Actor) -> list[dict]:
        # Read by the view for the whole page in one query (``latest_position_rows``).
        return [rows.latest_position(row) for row in self.context["latest_positions"].get(actor.pk, [])]

    def to_representation(self, instance) -> dict:
        # The fields document the JSON; ``api.rows.actor`` writes it, without DRF's work per field of fifty actors.
        context = self.context
        return rows.actor(instance, context["roles"][instance.pk], context["latest_positions"].get(instance.pk, []))


class PolicySerializer(serializers.ModelSerializer):
    parent = PolicyRefSerializer(allow_null=True, help_text="The broader topic, if any.")
    children = PolicyRefSerializer(many=True, help_text="Narrower policies within this topic.")
    published_stance_count = serializers.IntegerField()

    class Meta:
        model = Policy
        fields = ["slug", "name", "description", "parent", "children", "published_stance_count"]


class PublicExcerptSerializer(serializers.ModelSerializer):
    """The shape of a source's excerpt (documentation: ``SourceSerializer.get_excerpts`` writes the rows)."""

    stances = serializers.SerializerMethodField(help_text="Ids of the published stances this quote backs.")

    class Meta:
        model = Excerpt
        fields = ["quote", "start", "end", "stances"]

    def get_stances(self, excerpt) -> list[int]:
        return excerpt["stances"]


class SourceSerializer(serializers.ModelSerializer):
    excerpts = serializers.SerializerMethodField(help_text="Quotes that back published stances, in text order.")
    supplied_by_desk = serializers.ListField(
        source="supplied_fields",
        child=serializers.CharField(),
        help_text="Metadata the editors supplied from the article itself, not read from the file's header.",
    )

    class Meta:
        model = Source
        fields = ["slug", "title", "publisher", "byline", "published_on", "url", "supplied_by_desk", "note", "excerpts"]

    @extend_schema_field(PublicExcerptSerializer(many=True))
    def get_excerpts(self, source: Source) -> list[dict]:
        # Read by the view for the whole page in one query of plain rows (``published_excerpt_rows``): a page of
        # sources carries about a thousand quotes, and model instances and DRF fields for each dominated its time.
        return [rows.source_excerpt(row) for row in self.context["published_excerpts"].get(source.pk, [])]


class SourceDetailSerializer(SourceSerializer):
    """A source with its full text, which excerpt offsets point into."""

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "sha256", "text"]
