"""Read vocabulary for actors, policies and stances. Visibility rules live here once; what a series is and
when a stance counts are ``positions.chronology``'s, spelled here in SQL."""

import datetime

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connections, models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from stancetracker.compiled import CompiledQuery
from stancetracker.expressions import Constant

from . import search, search_sqlite
from .chronology import ORDER_FIELDS
from .constants import Status
from .timeline import SHIFT_STEPS

PUBLISHED = Status.PUBLISHED
# What placing a stance in its series reads of it (``positions.timeline``).
SERIES_POINT_FIELDS = ("actor_id", "policy_id", "qualifier", "position", "stated_on", "known_from")

# What a brief "latest position" shows (``StanceQuerySet.latest_position_rows``).
LATEST_POSITION_FIELDS = (
    "pk", "actor_id", "policy__slug", "policy__name", "qualifier", "position", "stated_on", "stated_by",
    "date_precision", "known_from", "summary",
)  # fmt: skip

# What a public record of a stance shows of its own row, with its actor's and policy's slug and name
# (``StanceQuerySet.as_rows``).
STANCE_ROW_FIELDS = (
    "pk", "actor_id", "actor__slug", "actor__name", "policy_id", "policy__slug", "policy__name", "position",
    "stated_on", "stated_by", "date_precision", "known_from", "evidence_kind", "qualifier", "summary", "previous_id",
)  # fmt: skip


class StoredSearchDocument(models.Expression):
    """The stance's stored search document (``positions.search``): a column of PostgreSQL's that the model does
    not declare, so that no model instance, form, history row or export carries it."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.query.get_initial_alias()
        return f"{compiler.quote_name(table)}.{connection.ops.quote_name(search.COLUMN)}", []


def _published_stance_count(owner: str) -> models.Subquery:
    # A count per row of the page, by index, rather than a join and GROUP BY over every stance; and one that
    # ``QuerySet.count()`` leaves out, so counting the list does not count the stances too. ``COUNT(*)``, not of
    # the id: the id is not in the published-stance indexes, and counting it read every row (0.95 s for a page of
    # policies at a million stances, 35 ms from the index alone).
    from .models import Stance

    stances = Stance.objects.published().filter(**{owner: models.OuterRef("pk")}).order_by()
    counted = stances.values(owner).annotate(count=models.Count("*")).values("count")
    return Coalesce(models.Subquery(counted, output_field=models.IntegerField()), 0)


class StanceRow(dict):
    """A stance read as a plain row (``StanceQuerySet.as_rows``): its values by name, and the same values as
    attributes, so that the rules of ``positions.timeline`` and ``positions.chronology`` apply to it as to a model
    instance. A page of fifty stances as model instances, with their actors, policies, excerpts, sources and roles,
    is some six hundred objects, which cost more than the queries that read them."""

    __slots__ = ()

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class ActorQuerySet(models.QuerySet):
    def with_published_stances(self):
        """Those with at least one published stance: a test per row (by index), not a join and DISTINCT over every
        stance (260 ms for the first hundred actors at a million stances, 3 ms this way)."""
        from .models import Stance

        owner = self.model._meta.model_name
        return self.filter(models.Exists(Stance.objects.published().filter(**{owner: models.OuterRef("pk")})))

    def with_published_stance_count(self):
        """Annotate ``published_stance_count``: drafts are never counted."""
        return self.annotate(published_stance_count=_published_stance_count(self.model._meta.model_name))

    def with_roles(self):
        """Every role with its organization, earliest first (undated first, on every database), in one more
        query."""
        from .models import Role

        held = Role.objects.select_related("organization").order_by(*ROLE_ORDER)
        return self.prefetch_related(models.Prefetch("roles", queryset=held))

    def role_rows(self, actor_ids) -> dict[int, list[dict]]:
        """Every role of these actors as plain rows of ``ROLE_ROW_FIELDS``, earliest first, by actor: one query,
        compiled once per number of actors."""
        roles: dict[int, list[dict]] = {actor_id: [] for actor_id in actor_ids}
        for role in _ROLES_OF_ACTORS(ids=list(roles)):
            roles[role["actor_id"]].append(role)
        return roles

    def with_latest_positions(self, day: datetime.date | None = None):
        """Each actor's position in each series at the end of ``day`` (today when omitted), as
        ``latest_positions``, in one more query: the same "latest" as ``/api/positions/``."""
        from .models import Stance

        latest = Stance.objects.published().as_of(day).select_related("policy")
        return self.prefetch_related(
            models.Prefetch(
                "stances",
                queryset=latest.order_by("policy__name", "policy_id", "qualifier"),
                to_attr="latest_positions",
            )
        )


class PolicyQuerySet(models.QuerySet):
    def with_published_stances(self):
        """Those with at least one published stance: a test per row (by index), not a join and DISTINCT over every
        stance (260 ms for the first hundred actors at a million stances, 3 ms this way)."""
        from .models import Stance

        owner = self.model._meta.model_name
        return self.filter(models.Exists(Stance.objects.published().filter(**{owner: models.OuterRef("pk")})))

    def with_descendants_of(self, slugs: list[str]):
        """The policies named by ``slugs`` and every policy beneath them."""
        found = set(self.filter(slug__in=slugs).values_list("pk", flat=True))
        frontier = set(found)
        while frontier:
            frontier = set(self.model.objects.filter(parent__in=frontier).values_list("pk", flat=True)) - found
            found |= frontier
        return self.filter(pk__in=found)

    def with_published_stance_count(self):
        """Annotate ``published_stance_count``: drafts are never counted."""
        return self.annotate(published_stance_count=_published_stance_count(self.model._meta.model_name))

    def with_family(self):
        """Parent topic and children, in one more query."""
        return self.select_related("parent").prefetch_related(
            models.Prefetch("children", queryset=self.model.objects.order_by("name", "pk"))
        )


class StanceQuerySet(models.QuerySet):
    def published(self):
        # The status in the statement's text: the published-stance indexes serve its prepared plans too.
        return self.filter(status=Constant(PUBLISHED))

    def awaiting_review_by(self, user):
        """Stances in review that ``user`` may review: someone else submitted them, oldest submission first."""
        return self.filter(status=Status.IN_REVIEW).exclude(submitted_by=user).order_by("submitted_at", "pk")

    def sent_back_to(self, user):
        """Drafts ``user`` submitted that a reviewer sent back with a comment, most recently reviewed first."""
        return (
            self.filter(status=Status.DRAFT, submitted_by=user)
            .exclude(review_comment="")
            .order_by("-reviewed_at", "-pk")
        )

    def retracted(self):
        """Stances withdrawn in public: listed among the corrections, newest first, and nowhere else."""
        return self.filter(status=Constant(Status.RETRACTED)).order_by("-retracted_at", "-pk")

    def for_actor(self, actor):
        return self.filter(actor=actor)

    def for_policy(self, policy):
        return self.filter(policy=policy)

    def known_by(self, day: datetime.date):
        """Stances that count at the end of ``day`` (``chronology.counts_by``)."""
        return self.filter(known_from__lte=day)

    def known_since(self, day: datetime.date):
        """Stances that count only from ``day`` or later: the rest of ``known_by(day - 1)``."""
        return self.filter(known_from__gte=day)

    def search(self, text: str):
        """Stances whose summary or quotes match ``text``, in this queryset's order.

        Full-text search (English stemming, web-search syntax: ``police budget``, ``"city budget"``, ``-ice``) over
        each stance's stored document of its summary and quotes, so that the words of a query may stand in different
        texts of one record, a phrase only within one: a ``tsvector`` column on PostgreSQL (``positions.search``),
        an FTS5 table on SQLite (``positions.search_sqlite``, which keeps stop words).
        """
        if connections[self.db].vendor != "postgresql":
            return self._search_sqlite(text)
        query = SearchQuery(text, search_type="websearch", config=search.CONFIG)
        return self.alias(search_document=StoredSearchDocument()).filter(search_document=query)

    def _search_sqlite(self, text: str):
        """``search`` on SQLite: the FTS5 document's matches (``positions.search_sqlite``)."""
        found = search_sqlite.match_expression(text)
        if found is None:  # no word to look for
            return self.none()
        matching = f"SELECT rowid FROM {search_sqlite.TABLE} WHERE {search_sqlite.TABLE} MATCH %s"
        stances = self
        if found.expression is not None:
            if search_sqlite.is_common(found.expression, using=self.db):
                # Many matches: walk the list in its order and test each row against the set of matches, until
                # the page is full. (``+pk``, not ``pk``, keeps SQLite from reading every match by its key and
                # sorting them all first, which it would: 41 ms for "police" at 100,000 stances.)
                key = models.Func(models.F("pk"), template="+%(expressions)s", output_field=models.BigIntegerField())
                stances = stances.alias(unindexed_pk=key).filter(unindexed_pk__in=RawSQL(matching, [found.expression]))
            else:
                stances = stances.filter(pk__in=RawSQL(matching, [found.expression]))
        if found.excluded is not None:
            stances = stances.exclude(pk__in=RawSQL(matching, [found.excluded]))
        return stances

    def with_excerpt_from(self, **lookups):
        """Stances with at least one excerpt matching ``lookups`` (on ``Excerpt``, e.g. ``source__in=``)."""
        evidence = self.model.excerpts.through.objects.filter(
            **{f"excerpt__{key}": value for key, value in lookups.items()}
        )
        return self.filter(pk__in=evidence.values("stance"))

    def as_of(self, day: datetime.date | None = None):
        """Where each series stood at the end of ``day`` (today when omitted): its last published stance counting
        by then. One row test on the stored series columns (``positions.steps``): the stance counts by ``day``
        and the next one of its series does not."""
        day = day or timezone.localdate()
        return self.published().filter(
            models.Q(next_known_from__isnull=True) | models.Q(next_known_from__gt=day), known_from__lte=day
        )

    def latest_position_rows(self, actor_ids, day: datetime.date | None = None) -> dict[int, list[tuple]]:
        """``as_of(day)`` for these actors as plain tuples of ``LATEST_POSITION_FIELDS`` (no model instances), each
        actor's in policy order, with the policy's slug and name: one query for a page of actors, however many
        positions each holds. Tuples, not dicts: a page of actors holds over a thousand of them."""
        rows = (
            self.as_of(day)
            .filter(actor__in=actor_ids)
            .order_by("actor_id", "policy__name", "policy_id", "qualifier")
            .values_list(*LATEST_POSITION_FIELDS)
        )
        found: dict[int, list[tuple]] = {}
        for row in rows:
            found.setdefault(row[1], []).append(row)  # by actor_id
        return found

    def as_rows(self, *extra: str, fields: tuple[str, ...] = STANCE_ROW_FIELDS):
        """The stances as plain dicts (``values()``) of ``fields`` and ``extra``, with the queryset's
        annotations and the fields it is ordered by (a cursor page reads its position from them). Make them
        ``StanceRow``s with their evidence with ``with_evidence_rows()``."""
        names = [*fields, *extra]
        names += [name for name in self.query.annotation_select if name not in names]
        names += [term.lstrip("-") for term in self.query.order_by if isinstance(term, str)]
        return self.values(*dict.fromkeys(names))  # each once, though an ordering may name a field twice

    def with_evidence_rows(self, rows) -> list[StanceRow]:
        """``rows`` (from ``as_rows()``) as ``StanceRow``s, each with ``excerpts`` (its quotes in text order, each
        with its source) and ``roles`` (every role of its actor, earliest first): two queries for the whole page,
        and no model instance."""
        stances = [StanceRow(row) for row in rows]
        if not stances:
            return stances
        excerpts: dict[int, list[dict]] = {stance["pk"]: [] for stance in stances}
        for stance_id, *values in _EVIDENCE_OF_STANCES(ids=list(excerpts)):
            excerpts[stance_id].append(dict(zip(EXCERPT_ROW_FIELDS, values, strict=True)))
        from .models import Actor

        roles = Actor.objects.role_rows({stance["actor_id"] for stance in stances})
        for stance in stances:
            stance["excerpts"] = excerpts[stance["pk"]]
            stance["roles"] = roles[stance["actor_id"]]
        return stances

    def published_rows(self, ids) -> list[dict]:
        """The published stances of these ids as ``as_rows()`` reads them, in no order: one query, compiled once
        per number of ids."""
        return _PUBLISHED_ROWS(ids=list(ids))

    def point_rows(self, ids) -> dict[int, StanceRow]:
        """What placing these stances in their series reads of them (``positions.timeline``), as ``StanceRow``s by
        id: one query (none for no ids)."""
        if self.query.where:  # filtered: only the ORM can add this queryset's conditions
            rows = self.filter(pk__in=ids).order_by().values("pk", *SERIES_POINT_FIELDS)
        else:
            rows = _POINTS_OF_STANCES(ids=list(ids))
        return {row["pk"]: StanceRow(row) for row in rows}

    def shifts(self):
        """Published stances that shift their series' position (``positions.timeline.shifts``), each the later
        end of its shift: ``previous`` is the earlier."""
        return self.published().filter(step__in=SHIFT_STEPS)

    def with_previous(self):
        """The stance before each one in its series, read for the page only (one query): joining it would read
        one for every stance the page is sorted from."""
        from .models import Stance

        return self.prefetch_related(
            models.Prefetch("previous", queryset=Stance.objects.only("pk", *SERIES_POINT_FIELDS))
        )

    def newest_of_each_policy(self, count: int):
        """Each policy's ``count`` stances that count latest, the rest left out, each annotated with
        ``of_policy``: how many the policy has in this queryset. For pages and charts of an actor's long series;
        one query, whatever the number of policies."""
        partition = [models.F("policy_id")]
        newest_first = [models.F("known_from").desc(), models.F("stated_on").desc(), models.F("pk").desc()]
        return self.annotate(
            newest=models.Window(RowNumber(), partition_by=partition, order_by=newest_first),
            of_policy=models.Window(models.Count("*"), partition_by=partition),
        ).filter(newest__lte=count)

    def chronological(self, *, of: str | tuple[str, ...] = ()):
        """Series after series (by actor, policy and qualifier), each in its order. ``of`` ("actor", "policy" or
        both) says the rows all share that owner, whose name then need not be sorted on (nor joined for it): with
        both, the rows are one actor's on one policy, read in the order of the series index."""
        shared = (of,) if isinstance(of, str) else of
        owners = [
            field for owner in ("actor", "policy") if owner not in shared for field in (f"{owner}__name", f"{owner}_id")
        ]
        return self.order_by(*owners, "qualifier", *ORDER_FIELDS)

    def with_evidence(self):
        """Actor with the roles that give each stance its capacity, policy, and every excerpt with its
        source, in a fixed number of queries."""
        from sources.models import Excerpt

        from .models import Role

        return self.select_related("actor", "policy").prefetch_related(
            # Into a plain list (``Stance.quoted_excerpts``): a related manager and queryset per stance, as a
            # prefetch into ``excerpts`` makes, cost more than the query itself on a page of fifty.
            models.Prefetch(
                "excerpts",
                queryset=Excerpt.objects.select_related("source").defer("source__text").order_by("start"),
                to_attr=EXCERPTS_PREFETCHED,
            ),
            models.Prefetch(
                "actor__roles",
                queryset=Role.objects.select_related("organization").order_by(
                    models.F("start_on").asc(nulls_first=True), "pk"
                ),
            ),
        )


# What a stance's excerpt shows, with its source in brief (``StanceQuerySet.with_evidence_rows``).
EXCERPT_ROW_FIELDS = (
    "quote", "start", "end", "source__slug", "source__title", "source__publisher", "source__published_on",
    "source__url",
)  # fmt: skip
# What a role shows (``StanceQuerySet.with_evidence_rows``).
ROLE_ROW_FIELDS = ("title", "organization__slug", "organization__name", "start_on", "end_on")
# An actor's roles, earliest first; undated ones first on every database (PostgreSQL would put NULLs last).
ROLE_ORDER = (models.F("start_on").asc(nulls_first=True), "pk")


# The small reads of every public response, compiled once (``stancetracker.compiled``): building their SQL cost
# more than running it.
def _evidence_of_stances(ids):
    from .models import StanceEvidence

    links = StanceEvidence.objects.filter(stance__in=ids).order_by("stance_id", "excerpt__start", "excerpt_id")
    return links.values_list("stance_id", *(f"excerpt__{name}" for name in EXCERPT_ROW_FIELDS))


def _roles_of_actors(ids):
    from .models import Role

    held = Role.objects.filter(actor__in=ids).order_by("actor_id", *ROLE_ORDER)
    return held.values("actor_id", *ROLE_ROW_FIELDS)


def _points_of_stances(ids):
    from .models import Stance

    return Stance.objects.filter(pk__in=ids).order_by().values("pk", *SERIES_POINT_FIELDS)


def _published_rows(ids):
    from .models import Stance

    return Stance.objects.published().filter(pk__in=ids).order_by().as_rows()


_PUBLISHED_ROWS = CompiledQuery("positions.Stance", _published_rows)
_EVIDENCE_OF_STANCES = CompiledQuery("positions.StanceEvidence", _evidence_of_stances)
_ROLES_OF_ACTORS = CompiledQuery("positions.Role", _roles_of_actors)
_POINTS_OF_STANCES = CompiledQuery("positions.Stance", _points_of_stances)

# Where ``with_evidence()`` leaves each stance's excerpts (read through ``Stance.quoted_excerpts``).
EXCERPTS_PREFETCHED = "prefetched_excerpts"


class EvidenceQuerySet(models.QuerySet):
    """Links between stances and the excerpts that show them."""

    def published(self):
        """Links of published stances: the only evidence the public sees."""
        # The published ids as an uncorrelated subquery, a lookup by excerpt or stance id: joining stances
        # instead let SQLite's planner pair every published stance with every excerpt.
        from .models import Stance

        return self.filter(stance__in=Stance.objects.published().values("pk"))

    def published_excerpt_rows(self, source_ids) -> dict[int, list[dict]]:
        """The excerpts of these sources that back a published stance, as plain rows in text order, each with
        ``stances`` (the ids of those stances, ascending): one query for a page of sources."""
        links = (
            self.published()
            .filter(excerpt__source__in=source_ids)
            .order_by("excerpt__source_id", "excerpt__start", "excerpt_id", "stance_id")
            .values_list(
                "excerpt__source_id", "excerpt_id", "excerpt__quote", "excerpt__start", "excerpt__end", "stance_id"
            )
        )
        found: dict[int, list[dict]] = {}
        for source_id, excerpt_id, quote, start, end, stance_id in links:
            excerpts = found.setdefault(source_id, [])
            if not excerpts or excerpts[-1]["id"] != excerpt_id:
                excerpts.append({"id": excerpt_id, "quote": quote, "start": start, "end": end, "stances": []})
            excerpts[-1]["stances"].append(stance_id)
        return found

    def published_excerpts_prefetch(self, to_attr: str | None = None) -> models.Prefetch:
        """For ``Source.objects.prefetch_related()``: each source's excerpts that back a published stance,
        in text order, each with ``published_evidence`` (its links to published stances). Two queries."""
        from sources.models import Excerpt

        links = self.published().only("stance_id", "excerpt_id").order_by("stance_id")
        excerpts = Excerpt.objects.filter(pk__in=self.published().values("excerpt_id")).prefetch_related(
            models.Prefetch("evidence", queryset=links, to_attr="published_evidence")
        )
        return models.Prefetch("excerpts", queryset=excerpts.order_by("start", "pk"), to_attr=to_attr)
