"""Atom feed of shifts, newest first (corrections have theirs in the API: /api/corrections/feed/)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from positions.models import Stance

FEED_LENGTH = 50


class ShiftsFeed(Feed):
    """Each change of position, as its later stance: who moved, from what to what, on which policy."""

    feed_type = Atom1Feed
    title = "stancetracker shifts"
    subtitle = "Changes of position between consecutive published stances of one actor on one policy."

    def link(self):
        return reverse("web:shifts")

    def items(self):
        shifts = Stance.objects.shifts().with_previous().select_related("actor", "policy")
        return shifts.order_by("-known_from", "-pk")[:FEED_LENGTH]

    def item_title(self, stance: Stance) -> str:
        return (
            f"{stance.actor.name} on {stance.policy.name}: {stance.step} from "
            f"{stance.previous.position_label.lower()} to {stance.position_label.lower()}"
        )

    def item_description(self, stance: Stance) -> str:
        return stance.summary

    def item_link(self, stance: Stance) -> str:
        return reverse("web:actor", args=[stance.actor.slug]) + f"#stance-{stance.pk}"

    def item_updateddate(self, stance: Stance):
        return stance.updated_at
