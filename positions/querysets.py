"""Read vocabulary for actors, policies and stances. Visibility rules live here once."""

import datetime

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections, models

PUBLISHED = "published"


def _month_start(day: datetime.date, months_back: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def known_by(day: datetime.date) -> models.Q:
    """Stances known to have been stated by the end of ``day``.

    A stance dated only to a month or a year counts once that whole period has
    passed: “in August 2025” is known on 31 August, not on 1 August, because
    nothing says it had been said any earlier. Day-precision stances count from
    their day.
    """
    following = day + datetime.timedelta(days=1)
    return (
        models.Q(date_precision="day", stated_on__lte=day)
        | models.Q(date_precision="month", stated_on__lte=_month_start(following, months_back=1))
        | models.Q(date_precision="year", stated_on__lt=datetime.date(following.year, 1, 1))
    )


class ActorQuerySet(models.QuerySet):
    def with_published_stances(self):
        return self.filter(stances__status=PUBLISHED).distinct()

    def with_published_stance_count(self):
        """Annotate ``published_stance_count``: drafts are never counted."""
        return self.annotate(
            published_stance_count=models.Count("stances", filter=models.Q(stances__status=PUBLISHED), distinct=True)
        )

    def with_roles(self):
        """Every role with its organization, in one more query."""
        from .models import Role

        return self.prefetch_related(
            models.Prefetch("roles", queryset=Role.objects.select_related("organization").order_by("start_on", "pk"))
        )

    def with_latest_positions(self):
        """Each actor's latest published stance on each policy, as ``latest_positions``, in one more query."""
        from .models import Stance

        latest = Stance.objects.published().latest_per_actor_and_policy().select_related("policy")
        return self.prefetch_related(
            models.Prefetch(
                "stances", queryset=latest.order_by("policy__name", "policy_id"), to_attr="latest_positions"
            )
        )


class PolicyQuerySet(models.QuerySet):
    def with_published_stances(self):
        return self.filter(stances__status=PUBLISHED).distinct()

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
        return self.annotate(
            published_stance_count=models.Count("stances", filter=models.Q(stances__status=PUBLISHED), distinct=True)
        )

    def with_family(self):
        """Parent topic and children, in one more query."""
        return self.select_related("parent").prefetch_related(
            models.Prefetch("children", queryset=self.model.objects.order_by("name", "pk"))
        )


class StanceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PUBLISHED)

    def for_actor(self, actor):
        return self.filter(actor=actor)

    def for_policy(self, policy):
        return self.filter(policy=policy)

    def known_by(self, day: datetime.date):
        """Stances stated on or before ``day``, counting coarse dates by their period's end."""
        return self.filter(known_by(day))

    def search(self, text: str):
        """Stances whose summary or one of whose excerpts matches ``text``.

        Full-text search (English stemming, web-search syntax) on PostgreSQL; a case-insensitive
        substring match elsewhere, which is enough for SQLite in development.
        """
        from sources.models import Excerpt

        if connections[self.db].vendor == "postgresql":
            query = SearchQuery(text, search_type="websearch", config="english")
            matching_excerpts = Excerpt.objects.annotate(document=SearchVector("quote", config="english")).filter(
                document=query
            )
            in_summary = models.Q(
                pk__in=self.model.objects.annotate(document=SearchVector("summary", config="english"))
                .filter(document=query)
                .values("pk")
            )
        else:
            matching_excerpts = Excerpt.objects.filter(quote__icontains=text)
            in_summary = models.Q(summary__icontains=text)
        in_excerpts = models.Q(
            pk__in=self.model.excerpts.through.objects.filter(excerpt__in=matching_excerpts).values("stance")
        )
        return self.filter(in_summary | in_excerpts)

    def with_excerpt_from(self, **lookups):
        """Stances with at least one excerpt matching ``lookups`` (on ``Excerpt``, e.g. ``source__in=``)."""
        evidence = self.model.excerpts.through.objects.filter(
            **{f"excerpt__{key}": value for key, value in lookups.items()}
        )
        return self.filter(pk__in=evidence.values("stance"))

    def series_points(self):
        """Just what placing a stance in its series needs (see ``positions.timeline``)."""
        return self.only("pk", "actor_id", "policy_id", "position", "stated_on").order_by()

    def in_series_of(self, stances):
        """Stances of the same (actor, policy) series as ``stances``, as light series points."""
        pairs = {(stance.actor_id, stance.policy_id) for stance in stances}
        if not pairs:
            return self.none()
        same_series = models.Q()
        for actor_id, policy_id in pairs:
            same_series |= models.Q(actor_id=actor_id, policy_id=policy_id)
        return self.filter(same_series).series_points()

    def chronological(self):
        return self.order_by("actor__name", "actor_id", "policy__name", "policy_id", "stated_on", "pk")

    def latest_per_actor_and_policy(self):
        """For each actor and policy, only the most recent stance within this queryset."""
        newer = self.filter(actor=models.OuterRef("actor"), policy=models.OuterRef("policy")).order_by(
            "-stated_on", "-pk"
        )
        return self.filter(pk=models.Subquery(newer.values("pk")[:1]))

    def as_of(self, day: datetime.date):
        """Where each actor stood on each policy at the end of ``day``."""
        return self.known_by(day).latest_per_actor_and_policy()

    def with_evidence(self):
        """Actor with the roles that give each stance its capacity, policy, and every excerpt with its
        source, in a fixed number of queries."""
        from sources.models import Excerpt

        from .models import Role

        return self.select_related("actor", "policy").prefetch_related(
            models.Prefetch(
                "excerpts",
                queryset=Excerpt.objects.select_related("source").defer("source__text").order_by("start"),
            ),
            models.Prefetch(
                "actor__roles",
                queryset=Role.objects.select_related("organization").order_by(
                    models.F("start_on").asc(nulls_first=True), "pk"
                ),
            ),
        )


class EvidenceQuerySet(models.QuerySet):
    """Links between stances and the excerpts that show them."""

    def published(self):
        """Links of published stances: the only evidence the public sees."""
        # The published ids as an uncorrelated subquery, a lookup by excerpt or stance id: joining stances
        # instead let SQLite's planner pair every published stance with every excerpt.
        from .models import Stance

        return self.filter(stance__in=Stance.objects.published().values("pk"))

    def published_excerpts_prefetch(self, to_attr: str | None = None) -> models.Prefetch:
        """For ``Source.objects.prefetch_related()``: each source's excerpts that back a published stance,
        in text order, each with ``published_evidence`` (its links to published stances). Two queries."""
        from sources.models import Excerpt

        links = self.published().only("stance_id", "excerpt_id").order_by("stance_id")
        excerpts = Excerpt.objects.filter(pk__in=self.published().values("excerpt_id")).prefetch_related(
            models.Prefetch("evidence", queryset=links, to_attr="published_evidence")
        )
        return models.Prefetch("excerpts", queryset=excerpts.order_by("start", "pk"), to_attr=to_attr)
