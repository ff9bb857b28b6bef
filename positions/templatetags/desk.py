"""The desk's queues on the admin's front page: stances awaiting my review, and mine sent back to me."""

from django import template

from positions.models import Stance

register = template.Library()

QUEUE_LENGTH = 10


@register.inclusion_tag("admin/positions/desk_queues.html")
def desk_queues(user):
    stances = Stance.objects.select_related("actor", "policy", "submitted_by", "reviewed_by")
    return {
        "awaiting": list(stances.awaiting_review_by(user)[:QUEUE_LENGTH]),
        "awaiting_count": Stance.objects.awaiting_review_by(user).count(),
        "sent_back": list(stances.sent_back_to(user)[:QUEUE_LENGTH]),
        "sent_back_count": Stance.objects.sent_back_to(user).count(),
    }
