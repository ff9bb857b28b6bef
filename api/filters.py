"""Query parameters of the public API, validated by django-filter: a bad value is a 400 naming it.

Slugs are checked against the database, so an unknown actor, policy, topic or source is an
error (``"Select a valid choice. … is not one of the available choices."``), never an empty list.
"""

import copy
import datetime
from typing import ClassVar

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db.models import F
from django.db.models.functions import Abs
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation

from positions.constants import EARLIEST_STANCE_DATE
from positions.models import Actor, Policy, Stance
from positions.timeline import ShiftKind
from sources.models import Source
from stancetracker.ids import ids_by

from .pages import CompiledPage

# Form classes kept, one per FilterSet and set of filters a request names: few in practice, bounded anyway.
MAX_FORM_CLASSES = 256


class IntegerFilter(django_filters.NumberFilter):
    """A whole number: ``1.5`` and ``abc`` are refused, not rounded or ignored."""

    field_class = forms.IntegerField


def not_after_today(day: datetime.date) -> None:
    today = timezone.localdate()
    if day > today:
        raise ValidationError(f"Must not be after today ({today.isoformat()}): nothing is known of it yet.")


class IsoDateFilter(django_filters.DateFilter):
    """A day written YYYY-MM-DD only: ``01/09/2025`` is ambiguous across countries, so it is refused."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("error_messages", {"invalid": "Enter a valid date as YYYY-MM-DD, e.g. 2025-09-01."})
        super().__init__(*args, **kwargs)


# Django's single-choice message does not say which value was wrong; the multiple-choice one does.
UNKNOWN_SLUG = {"invalid_choice": "Select a valid choice. %(value)s is not one of the available choices."}


class SlugsField(django_filters.fields.ModelMultipleChoiceField):
    """Slugs of the queryset's model, cleaned to the ids of the records they name (in the order given), or
    refused with the first that names none, as Django's field words it. One query of ids and slugs, compiled once
    per number of slugs, where Django's field reads the whole records and builds a queryset per slug."""

    def clean(self, value):
        value = self.prepare_value(value)
        if not value:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if not isinstance(value, (list, tuple)) or not all(isinstance(slug, str) for slug in value):
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        for slug in value:
            self.validate_no_null_characters(slug)
        slugs = list(dict.fromkeys(value))
        ids = ids_by(self.queryset.model, self.to_field_name, slugs)
        for slug in slugs:
            if slug not in ids:
                message = self.error_messages["invalid_choice"]
                raise ValidationError(message, code="invalid_choice", params={"value": slug})
        self.run_validators(value)
        return [ids[slug] for slug in slugs]


class SlugsFilter(django_filters.ModelMultipleChoiceFilter):
    """Several slugs (``?actor=a&actor=b``), each checked against the database: the filter gets their ids."""

    field_class = SlugsField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        # A foreign key's values never duplicate rows: DISTINCT would only keep PostgreSQL off its indexes.
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def get_filter_predicate(self, value):
        # Filter on the id the slug named, not on the slug against the relation's primary key.
        return {self.field_name: value}


class SlugFilter(django_filters.ModelChoiceFilter):
    """One slug, checked against the database."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("error_messages", UNKNOWN_SLUG)
        super().__init__(*args, **kwargs)


class StableOrderingFilter(django_filters.OrderingFilter):
    """``?ordering=`` with the primary key as the last tie-breaker, so pages never overlap."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "pk") if value else qs


class _CopiedPerRequest(dict):
    """A FilterSet's filters, or its form's fields, which each FilterSet and each form copies for itself
    (django-filter and Django deep-copy them). A request changes nothing in them but what the FilterSet sets on
    its own copy of each filter (``parent``, ``model`` and the bound ``method``), so a shallow copy of each is a
    copy enough: deep copies of a list's thirteen filters and their fields, widgets and choices cost more than
    a millisecond a request."""

    def __deepcopy__(self, memo):
        return {name: _copied(item) for name, item in self.items()}


def _copied(item):
    copied = copy.copy(item)
    if isinstance(item, django_filters.Filter) and item.method is not None:
        copied.method = item.method  # bound to the copy, whose ``parent`` the FilterSet sets
    return copied


class PublicFilterSet(django_filters.FilterSet):
    """A FilterSet whose form class is built once per FilterSet class (and set of filters) rather than on every
    request, and whose filters and form fields are copied shallowly (``_CopiedPerRequest``). The form's fields
    depend only on the declared filters (their querysets are fixed), and building them for every request was a
    good part of a list's cost.

    ``only_given()`` keeps just the filters the request's parameters name: a filter given no value filters
    nothing, so validating and applying every one of a list's thirteen, for a request that names one, was work
    for nothing."""

    _form_classes: ClassVar[dict[tuple, type]] = {}
    # Filters whose SQL is the same for every value (ids, numbers, words, days), and those whose value shapes it
    # (an ordering): a request naming only these is read by a compiled statement (``api.pages``).
    compiled_filters: ClassVar[frozenset[str]] = frozenset()
    shaping_filters: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def get_filters(cls):
        return _CopiedPerRequest(super().get_filters())

    def only_given(self):
        """Keep the filters that the bound parameters name (a widget of several parameters reads ``name_…``)."""
        given = set(self.data)
        self.filters = _CopiedPerRequest(
            (name, filter_)
            for name, filter_ in self.filters.items()
            if name in given or any(key.startswith(f"{name}_") for key in given)
        )
        return self

    def get_form_class(self):
        key = (type(self), tuple(self.filters))
        form_class = self._form_classes.get(key)
        if form_class is None:
            form_class = super().get_form_class()
            form_class.base_fields = _CopiedPerRequest(form_class.base_fields)
            if len(self._form_classes) >= MAX_FORM_CLASSES:
                self._form_classes.clear()
            self._form_classes[key] = form_class
        return form_class


class PublicFilterBackend(DjangoFilterBackend):
    """django-filter's backend, validating and applying only the filters a request names
    (``PublicFilterSet.only_given``). The browsable API's filter form still shows them all."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if isinstance(filterset, PublicFilterSet):
            filterset.only_given()
        if not filterset.is_valid() and self.raise_exception:
            raise translate_validation(filterset.errors)
        if getattr(view, "compiled_pages", False) and (page := CompiledPage.of(view, filterset)) is not None:
            return page  # read by statements compiled once per shape: no queryset built (``api.pages``)
        return filterset.qs


def slugs_filter(field: str, model) -> django_filters.Filter:
    """``?actor=a&actor=b``: stances whose ``field`` has one of these slugs."""
    return SlugsFilter(
        field_name=field,
        queryset=model.objects.all(),
        help_text=f"{model._meta.verbose_name.capitalize()} slug; repeat the parameter for several.",
    )


def topic_filter() -> django_filters.Filter:
    return SlugFilter(
        field_name="policy",
        queryset=Policy.objects.all(),
        method="filter_topic",
        help_text="Policy slug: that policy and every policy beneath it.",
    )


class TopicMixin:
    def filter_topic(self, queryset, name, topic):
        return queryset.filter(policy__in=Policy.objects.with_descendants_of([topic.slug]))


class SeriesFilter(TopicMixin, PublicFilterSet):
    """Selects series: by actor, by policy, by topic (a policy with all beneath it)."""

    actor = slugs_filter("actor", Actor)
    policy = slugs_filter("policy", Policy)
    topic = topic_filter()

    class Meta:
        model = Stance
        fields = []


class StanceFilter(SeriesFilter):
    position = django_filters.TypedChoiceFilter(
        choices=Stance.Position.choices, coerce=int, help_text="Exact position, −2 to 2."
    )
    position_min = IntegerFilter(
        field_name="position", lookup_expr="gte", min_value=-2, max_value=2, help_text="Position at least this."
    )
    position_max = IntegerFilter(
        field_name="position", lookup_expr="lte", min_value=-2, max_value=2, help_text="Position at most this."
    )
    stated_after = IsoDateFilter(
        field_name="known_from",
        lookup_expr="gte",
        help_text="Stances that count from this day or later (YYYY-MM-DD): see known_from.",
    )
    stated_before = IsoDateFilter(
        field_name="known_from",
        lookup_expr="lte",
        help_text="Stances that count by the end of this day (YYYY-MM-DD), as in positions as_of: see known_from.",
    )
    evidence_kind = django_filters.ChoiceFilter(choices=Stance.EvidenceKind.choices)
    source = SlugsFilter(
        queryset=Source.objects.all(),
        method="filter_source",
        help_text="Source slug: stances with an excerpt from that source; repeat for several.",
    )
    publisher = django_filters.CharFilter(
        method="filter_publisher", help_text="Stances with an excerpt from this publisher (case-insensitive)."
    )
    q = django_filters.CharFilter(
        method="filter_text",
        help_text='Full-text search over summaries and quotes (English stemming; web-search syntax: words, "a '
        'phrase", -excluded, or).',
    )
    ordering = StableOrderingFilter(
        fields=(("known_from", "known_from"), ("stated_on", "stated_on"), ("position", "position"), ("id", "id")),
        help_text="known_from, stated_on, position or id; prefix with - for descending. Default: -known_from.",
    )
    compiled_filters = frozenset(
        {"actor", "policy", "source", "position", "position_min", "position_max", "stated_after", "stated_before"}
        | {"evidence_kind"}
    )
    shaping_filters = frozenset({"ordering"})

    class Meta:
        model = Stance
        fields = []

    def filter_source(self, queryset, name, value: str):  # the hint types the parameter in the schema
        return queryset.with_excerpt_from(source__in=value) if value else queryset

    def filter_publisher(self, queryset, name, publisher):
        return queryset.with_excerpt_from(source__publisher__iexact=publisher)

    def filter_text(self, queryset, name, text):
        return queryset.search(text)


class PositionFilter(SeriesFilter):
    as_of = IsoDateFilter(
        method="filter_as_of",
        validators=[MinValueValidator(EARLIEST_STANCE_DATE), not_after_today],
        help_text="Where everyone stood at the end of this day (YYYY-MM-DD); today when omitted. A stance counts "
        "from its known_from day: the end of its period, or the earliest publication date of a source reporting it.",
    )
    position = django_filters.TypedChoiceFilter(
        choices=Stance.Position.choices, coerce=int, help_text="Only actors whose latest position is this."
    )
    ordering = StableOrderingFilter(
        fields=(
            ("actor_name", "actor"),
            ("policy_name", "policy"),
            ("known_from", "known_from"),
            ("stated_on", "stated_on"),
            ("position", "position"),
        ),
        help_text="actor, policy, known_from, stated_on or position; prefix with - for descending. "
        "Default: actor, policy, qualifier.",
    )

    class Meta:
        model = Stance
        fields = []

    def filter_queryset(self, queryset):
        # The latest stance must be chosen before any other filter: ``position=1`` means "whose latest
        # position is support", not "whose latest supporting stance".
        return super().filter_queryset(queryset.as_of(self.form.cleaned_data.get("as_of")))

    def filter_as_of(self, queryset, name, day):
        return queryset  # applied first, in filter_queryset


def _by_magnitude(queryset):
    return queryset.annotate(magnitude=Abs(F("position") - F("previous__position")))


NEWEST_FIRST = ("-known_from", "-stated_on", "-pk")
SHIFT_ORDERINGS = {
    "known_from": lambda shifts: shifts.order_by("known_from", "stated_on", "pk"),
    "-known_from": lambda shifts: shifts.order_by(*NEWEST_FIRST),
    "magnitude": lambda shifts: _by_magnitude(shifts).order_by("magnitude", *NEWEST_FIRST),
    "-magnitude": lambda shifts: _by_magnitude(shifts).order_by("-magnitude", *NEWEST_FIRST),
}


class ShiftFilter(SeriesFilter):
    """Selects shifts by the series they are in, their kind and the day they count from (the day their later
    stance does). Each shift is stored as its later stance (``positions.steps``), so these are row filters."""

    kind = django_filters.MultipleChoiceFilter(
        field_name="step",
        choices=[(kind.value, kind.value) for kind in ShiftKind],
        distinct=False,
        help_text="reversal, softening or hardening; repeat for several.",
    )
    stated_after = IsoDateFilter(
        field_name="known_from",
        lookup_expr="gte",
        help_text="Shifts that count from this day or later (YYYY-MM-DD): see known_from.",
    )
    stated_before = IsoDateFilter(
        field_name="known_from",
        lookup_expr="lte",
        help_text="Shifts that count by the end of this day (YYYY-MM-DD): see known_from.",
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(choice, choice) for choice in SHIFT_ORDERINGS],
        method="order_shifts",
        help_text="By the day the shift counts from or by how far the position moved. Default: -known_from.",
    )

    class Meta:
        model = Stance
        fields = []

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset if self.form.cleaned_data.get("ordering") else self.order_shifts(queryset, "", "-known_from")

    def order_shifts(self, queryset, name, ordering):
        # Newest first within equal magnitudes: the series order of the later stance (``chronology.order_key``)
        # breaks ties.
        return SHIFT_ORDERINGS[ordering](queryset)


class OneSeriesOwnerMixin:
    """A timeline of one actor (or policy) narrowed to one policy (or actor) is that pair's series alone: sorted
    without the other owner's name, the rows come in the order of the series index, and a page reads only its
    own rows instead of sorting them all (a busy series has over a thousand)."""

    other_owner: str  # the filter naming the other owner

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if len(set(self.form.cleaned_data.get(self.other_owner) or ())) == 1:
            queryset = queryset.chronological(of=("actor", "policy"))
        return queryset


class ActorTimelineFilter(OneSeriesOwnerMixin, TopicMixin, PublicFilterSet):
    policy = slugs_filter("policy", Policy)
    topic = topic_filter()
    other_owner = "policy"
    compiled_filters = frozenset({"policy"})

    class Meta:
        model = Stance
        fields = []


class PolicyTimelineFilter(OneSeriesOwnerMixin, PublicFilterSet):
    actor = slugs_filter("actor", Actor)
    other_owner = "actor"
    compiled_filters = frozenset({"actor"})

    class Meta:
        model = Stance
        fields = []


class ActorFilter(PublicFilterSet):
    kind = django_filters.ChoiceFilter(choices=Actor.Kind.choices)
    ordering = StableOrderingFilter(fields=(("name", "name"), ("slug", "slug")), help_text="name or slug.")

    class Meta:
        model = Actor
        fields = []


class PolicyFilter(PublicFilterSet):
    parent = SlugFilter(
        queryset=Policy.objects.all(),
        help_text="Slug of the broader topic.",
    )
    ordering = StableOrderingFilter(fields=(("name", "name"), ("slug", "slug")), help_text="name or slug.")

    class Meta:
        model = Policy
        fields = []


class SourceFilter(PublicFilterSet):
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
