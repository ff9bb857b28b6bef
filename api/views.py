"""Public, read-only views: thin, starting from the published-only querysets.

Every view refuses writes (only GET, HEAD and OPTIONS are routed), answers errors in one shape
(``api.errors``), supports conditional GETs and reads one consistent snapshot of the data
(``PublicAPIMixin``).
"""

from typing import ClassVar

from django.db.models import F
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import BrowsableAPIRenderer

from positions import timeline
from positions.models import Actor, Policy, Stance, StanceEvidence
from positions.querysets import StanceRow
from positions.timeline import Shift, ShiftKind
from sources.models import Source
from stancetracker.compiled import CompiledQuery
from stancetracker.db import read_snapshot
from stancetracker.ids import ids_by

from .filters import (
    ActorFilter,
    ActorTimelineFilter,
    PolicyFilter,
    PolicyTimelineFilter,
    PositionFilter,
    PublicFilterBackend,
    ShiftFilter,
    SourceFilter,
    StanceFilter,
)
from .pages import CompiledPage
from .pagination import PublicCursorPagination
from .parameters import QueryParameterRulesMixin
from .renderers import FastJSONRenderer, FlatCSVRenderer
from .serializers import (
    ActorSerializer,
    CorrectionSerializer,
    PolicySerializer,
    ShiftSerializer,
    SourceDetailSerializer,
    SourceSerializer,
    StanceSerializer,
    TimelineEntrySerializer,
)

# Ids are 64-bit: a longer run of digits names no record (and is not sent to the database as one).
MAX_ID_DIGITS = 18

STANCE_CSV_COLUMNS = {
    "id": "id",
    "actor": "actor.slug",
    "actor_name": "actor.name",
    "policy": "policy.slug",
    "policy_name": "policy.name",
    "position": "position",
    "position_label": "position_label",
    "stated_on": "stated_on",
    "stated_by": "stated_by",
    "date_precision": "date_precision",
    "known_from": "known_from",
    "evidence_kind": "evidence_kind",
    "qualifier": "qualifier",
    "summary": "summary",
    "sources": "excerpts[].source.slug",
    "source_urls": "excerpts[].source.url",
    "quotes": "excerpts[].quote",
}


class PublicAPIMixin(QueryParameterRulesMixin):
    """Read-only, and read from one snapshot. ETags, 304s and the response cache come from the data version,
    in ``stancetracker.conditional``. A Last-Modified date is not given: actors, policies and excerpts carry
    no modification time, so it could claim "unchanged" after an edit.
    """

    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        # Every query of the response, its rendering included (finalize_response), sees one state of the
        # data: an editor publishing meanwhile never shows half a change or breaks a page.
        with read_snapshot(Stance):
            return super().dispatch(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        # One record by its key: the list's filters do not apply to it (the schema gives the detail none), and
        # building them is a good part of a detail request's cost.
        if getattr(self, "action", None) == "retrieve":
            return queryset
        return super().filter_queryset(queryset)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.render()  # inside the snapshot (dispatch)
        return response


class CountedRows:
    """Rows (``as_rows()``) as a paginator reads them, counted by the queryset they come from."""

    ordered = True

    def __init__(self, rows, *, counted):
        self.rows, self.counted = rows, counted

    def count(self) -> int:
        return self.counted.count()

    def __getitem__(self, index):
        return self.rows[index]


class StanceRowsMixin:
    """Stances read as plain rows with their evidence (``StanceQuerySet.as_rows`` and ``with_evidence_rows``): a page,
    or one record, and two more queries, with no model instance; ``api.rows`` writes their JSON."""

    row_fields: tuple[str, ...] = ()  # read besides ``STANCE_ROW_FIELDS``
    # Pages read by statements compiled once per shape of request, where the filters allow: the filter backend then
    # gives a ``CompiledPage`` (``api.pages``) rather than a queryset.
    compiled_pages = False
    _records_by_id: ClassVar[dict[type, CompiledQuery]] = {}

    def paginate_queryset(self, queryset):
        if isinstance(queryset, CompiledPage):  # the filters' page, compiled (``compiled_pages``)
            rows = queryset
        elif not isinstance(self.paginator, CursorPagination):
            # A numbered page needs a count: of the stances, not of their rows, whose names would join the count
            # to actors and policies (200 ms for a policy's timeline at a million stances).
            rows = CountedRows(queryset.as_rows(*self.row_fields), counted=queryset)
        else:
            rows = queryset.as_rows(*self.row_fields)
        page = super().paginate_queryset(rows)
        return None if page is None else Stance.objects.with_evidence_rows(page)

    def compiled_base(self) -> tuple[object, dict]:
        """The list before its filters, as a compiled page builds it (``api.pages``): the view's ``queryset``; or a
        function that builds it from values of the request (hashable: it is part of the page's shape), and those
        values by name."""
        return type(self).queryset, {}

    def get_object(self):
        lookup = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        if self.lookup_field == "pk" and lookup.isascii() and lookup.isdigit() and len(lookup) <= MAX_ID_DIGITS:
            # One record by its id, the commonest request of all: its SQL is compiled once per view.
            found = self.record_by_id()(pk=int(lookup))
            if not found:
                raise Http404
            row = StanceRow(found[0])
        else:
            queryset = self.filter_queryset(self.get_queryset()).as_rows(*self.row_fields)
            row = generics.get_object_or_404(queryset, **{self.lookup_field: lookup})
        self.check_object_permissions(self.request, row)
        return Stance.objects.with_evidence_rows([row])[0]

    @classmethod
    def record_by_id(cls) -> CompiledQuery:
        """This view's record by its id (``get_object``), compiled: ``queryset`` and ``row_fields`` are the view's."""
        query = cls._records_by_id.get(cls)
        if query is None:
            query = cls._records_by_id[cls] = CompiledQuery(
                Stance, lambda pk: cls.queryset.order_by().filter(pk=pk).as_rows(*cls.row_fields)
            )
        return query


class CSVMixin:
    """Adds ``?format=csv``: flat columns declared in ``csv_columns``."""

    renderer_classes = [FastJSONRenderer, BrowsableAPIRenderer, FlatCSVRenderer]
    csv_columns: dict[str, str] = {}


class ActorViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet):
    """People, organizations and bodies, with their roles and latest published position on each policy."""

    lookup_field = "slug"
    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    queryset = Actor.objects.all()

    def get_queryset(self):
        return Actor.objects.select_related("parent").with_published_stance_count().order_by("name", "pk")

    def get_serializer(self, *args, **kwargs):
        if args:
            # The page's roles and latest positions, each in one query of plain rows. Per request: "latest" means
            # as of today, the same day /api/positions/ uses by default.
            actors = [actor.pk for actor in (args[0] if kwargs.get("many") else [args[0]])]
            kwargs["context"] = {
                **self.get_serializer_context(),
                "roles": Actor.objects.role_rows(actors),
                "latest_positions": Stance.objects.latest_position_rows(actors),
            }
        return super().get_serializer(*args, **kwargs)


class PolicyViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Policies and the topics they nest in."""

    lookup_field = "slug"
    serializer_class = PolicySerializer
    filterset_class = PolicyFilter
    # Parent joined, children in one prefetch query: not one query per policy.
    queryset = Policy.objects.with_family().with_published_stance_count().order_by("name", "pk")


class SourceViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Documents quoted as evidence, with the excerpts that back published stances; full text on detail."""

    lookup_field = "slug"
    filterset_class = SourceFilter

    def get_queryset(self):
        # Lists leave out the full text, which only the detail view prints. Undated sources last on every
        # database (PostgreSQL would put NULLs first when descending).
        sources = Source.objects.order_by(F("published_on").desc(nulls_last=True), "slug")
        return sources if self.action == "retrieve" else sources.without_text()

    def get_serializer(self, *args, **kwargs):
        if args:
            # The page's excerpts and the ids of the published stances they back: one query, not two per source.
            sources = args[0] if kwargs.get("many") else [args[0]]
            rows = StanceEvidence.objects.published_excerpt_rows([source.pk for source in sources])
            kwargs["context"] = {**self.get_serializer_context(), "published_excerpts": rows}
        return super().get_serializer(*args, **kwargs)

    def get_serializer_class(self):
        return SourceDetailSerializer if self.action == "retrieve" else SourceSerializer


class StanceViewSet(StanceRowsMixin, PublicAPIMixin, CSVMixin, viewsets.ReadOnlyModelViewSet):
    """Published stances with their evidence. Paged by cursor: deep pages stay fast."""

    serializer_class = StanceSerializer
    filterset_class = StanceFilter
    pagination_class = PublicCursorPagination
    csv_columns = STANCE_CSV_COLUMNS
    queryset = Stance.objects.published().order_by("-known_from", "-pk")
    compiled_pages = True


class CorrectionViewSet(StanceRowsMixin, PublicAPIMixin, CSVMixin, viewsets.ReadOnlyModelViewSet):
    """Stances that were published and then retracted, newest first, each with its public reason. Nothing
    published is ever deleted: it is withdrawn here, in the open."""

    serializer_class = CorrectionSerializer
    filterset_class = None
    csv_columns = {**STANCE_CSV_COLUMNS, "retraction_reason": "retraction_reason", "retracted_at": "retracted_at"}
    row_fields = ("retraction_reason", "retracted_at")
    queryset = Stance.objects.retracted()


class TimelineMixin(StanceRowsMixin):
    """Stances of one actor or one policy (``series_owner``, by slug), each serialized as a step of its
    series (``positions.timeline``), series after series in date order."""

    serializer_class = TimelineEntrySerializer
    series_owner: type[Actor] | type[Policy]
    compiled_pages = True

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no slug
            return Stance.objects.none()
        self.owner_id = ids_by(self.series_owner, "slug", [self.kwargs["slug"]]).get(self.kwargs["slug"])
        if self.owner_id is None:
            raise Http404
        return self.series(self.owner_id)

    @classmethod
    def series(cls, owner_id: int):
        """The published stances of the owner of this id, series after series."""
        name = cls.series_owner._meta.model_name
        return Stance.objects.published().filter(**{f"{name}_id": owner_id}).chronological(of=name)

    def compiled_base(self):
        return type(self).series, {"series owner": self.owner_id}

    def get_serializer(self, *args, **kwargs):
        if args and kwargs.get("many"):
            # The step before each entry is stored with it (``positions.steps``), even when it is on another page.
            # Most are on this page, the entry before in the same series; the others are read in one query.
            page = args[0]
            previous = {stance.pk: stance for stance in page}
            previous.update(Stance.objects.point_rows({stance.previous_id for stance in page} - {None} - set(previous)))
            steps = {stance.pk: timeline.Step(stance, previous.get(stance.previous_id)) for stance in page}
            kwargs["context"] = {**self.get_serializer_context(), "steps": steps}
        return super().get_serializer(*args, **kwargs)


class ActorTimelineView(PublicAPIMixin, TimelineMixin, generics.ListAPIView):
    """An actor's published stances, grouped by policy and in date order, each marked with its change."""

    series_owner = Actor
    filterset_class = ActorTimelineFilter


class PolicyTimelineView(PublicAPIMixin, TimelineMixin, generics.ListAPIView):
    """Every actor's series of published stances on one policy, actor by actor, in date order."""

    series_owner = Policy
    filterset_class = PolicyTimelineFilter


class PositionListView(StanceRowsMixin, PublicAPIMixin, CSVMixin, generics.ListAPIView):
    """Where every actor stood in every series at the end of a day: the last published stance that counts by
    then (``positions.chronology``)."""

    serializer_class = StanceSerializer
    filterset_class = PositionFilter
    pagination_class = PublicCursorPagination
    csv_columns = STANCE_CSV_COLUMNS
    # The names are annotated, so a cursor can hold the position of a page in the name order.
    queryset = (
        Stance.objects.published()
        .annotate(actor_name=F("actor__name"), policy_name=F("policy__name"))
        .order_by("actor_name", "actor_id", "policy_name", "policy_id", "qualifier", "pk")
    )


class ShiftListView(PublicAPIMixin, CSVMixin, generics.GenericAPIView):
    """Every change of position between consecutive published stances of one actor on one policy."""

    serializer_class = ShiftSerializer
    filterset_class = ShiftFilter
    pagination_class = PublicCursorPagination
    filter_backends = [PublicFilterBackend]
    queryset = Stance.objects.shifts()
    csv_columns = {
        "actor": "actor.slug",
        "actor_name": "actor.name",
        "policy": "policy.slug",
        "policy_name": "policy.name",
        "qualifier": "qualifier",
        "known_from": "known_from",
        "kind": "kind",
        "size": "size",
        "magnitude": "magnitude",
        "from_stance": "from_stance.id",
        "from_position": "from_stance.position",
        "from_stated_on": "from_stance.stated_on",
        "from_stated_by": "from_stance.stated_by",
        "from_date_precision": "from_stance.date_precision",
        "from_summary": "from_stance.summary",
        "from_sources": "from_stance.excerpts[].source.slug",
        "to_stance": "to_stance.id",
        "to_position": "to_stance.position",
        "to_stated_on": "to_stance.stated_on",
        "to_stated_by": "to_stance.stated_by",
        "to_date_precision": "to_stance.date_precision",
        "to_summary": "to_stance.summary",
        "to_sources": "to_stance.excerpts[].source.slug",
    }

    @extend_schema(responses=ShiftSerializer(many=True))
    def get(self, request, *args, **kwargs):
        shifts = self.filter_queryset(self.get_queryset())  # a 400 naming any bad parameter
        # Each shift is stored as its later stance (``positions.steps``): a page of them is a page of rows ...
        page = self.paginate_queryset(shifts.as_rows("step", fields=("pk", "previous_id")))
        # ... and both ends of the page's shifts are read with their evidence (three more queries), from the
        # same snapshot: every id is there.
        ids = {row["pk"] for row in page} | {row["previous_id"] for row in page}
        ends = Stance.objects.with_evidence_rows(Stance.objects.published_rows(ids))
        full = {end.pk: end for end in ends}
        shifts = [Shift(full[row["previous_id"]], full[row["pk"]], ShiftKind(row["step"])) for row in page]
        return self.get_paginated_response(self.get_serializer(shifts, many=True).data)
