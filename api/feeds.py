"""Atom feeds for readers who follow the record: every correction as it is made."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from positions.models import Stance


class CorrectionsFeed(Feed):
    """Retracted stances, newest first: what was withdrawn, why and when."""

    feed_type = Atom1Feed
    title = "stancetracker corrections"
    subtitle = "Stances that were published and then retracted, with the reason for each."

    def link(self):
        return reverse("correction-list")

    def items(self):
        return Stance.objects.retracted().select_related("actor", "policy")[:50]

    def item_title(self, stance: Stance) -> str:
        return f"Retracted: {stance}"

    def item_description(self, stance: Stance) -> str:
        return f"{stance.summary} — Retracted because: {stance.retraction_reason}"

    def item_link(self, stance: Stance) -> str:
        return reverse("correction-detail", args=[stance.pk])

    def item_pubdate(self, stance: Stance):
        return stance.retracted_at

    def item_updateddate(self, stance: Stance):
        return stance.retracted_at
