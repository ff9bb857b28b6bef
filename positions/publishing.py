"""Publishing and unpublishing stances, one recorded change per stance."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Stance


@dataclass
class StatusChange:
    """What a publish or unpublish did: the stances changed and those refused, with why."""

    changed: list[Stance] = field(default_factory=list)
    refused: list[tuple[Stance, str]] = field(default_factory=list)


@transaction.atomic
def publish_stances(*, stances: Iterable[Stance], user) -> StatusChange:
    """Publish each draft that passes validation (at least one excerpt); leave the others as drafts.

    Each stance is saved on its own, not with ``QuerySet.update()``, so its history
    records the change and who made it.
    """
    result = StatusChange()
    for stance in stances:
        if stance.status == Stance.Status.PUBLISHED:
            continue
        stance.status = Stance.Status.PUBLISHED
        try:
            stance.full_clean()
        except ValidationError as error:
            result.refused.append((stance, " ".join(error.messages)))
            continue
        _save_as(stance, user)
        result.changed.append(stance)
    return result


@transaction.atomic
def unpublish_stances(*, stances: Iterable[Stance], user) -> StatusChange:
    """Turn published stances back into drafts, hidden from the public."""
    result = StatusChange()
    for stance in stances:
        if stance.status != Stance.Status.PUBLISHED:  # drafts already; a retraction stays
            continue
        stance.status = Stance.Status.DRAFT
        _save_as(stance, user)
        result.changed.append(stance)
    return result


def _save_as(stance: Stance, user) -> None:
    stance.updated_by = user
    stance._history_user = user
    stance.save()
