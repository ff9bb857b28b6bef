"""Read vocabulary for actors, policies and stances. Visibility rules live here once."""

import datetime

from django.db import models

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
        """Actor, policy and every excerpt with its source, in a fixed number of queries."""
        from sources.models import Excerpt

        return self.select_related("actor", "policy").prefetch_related(
            models.Prefetch(
                "excerpts",
                queryset=Excerpt.objects.select_related("source").defer("source__text").order_by("start"),
            )
        )
