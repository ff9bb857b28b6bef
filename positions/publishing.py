"""Changing a stance's status: submitting for review, approving, sending back, retracting; one recorded
change per stance.

The review is four-eyed: an editor submits a draft, and a second editor approves it (it is published) or
sends it back with a comment (it is a draft again). Nobody approves their own submission. A change to a published
stance is a pending revision (``positions.revisions``): approving it writes it onto the published stance.
``publish_stances`` publishes without review: the admin offers it to superusers only, as a documented override.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import revisions
from .models import Stance

Status = Stance.Status
OWN_SUBMISSION = "You submitted it: a second editor must approve it."
APPROVED = "Approved and published"
WITHOUT_REVIEW = "Published without review"


@dataclass
class StatusChange:
    """What a status change did: the stances changed and those refused, with why."""

    changed: list[Stance] = field(default_factory=list)
    refused: list[tuple[Stance, str]] = field(default_factory=list)


def _change(stances: Iterable[Stance], *, user, reason: str, apply) -> StatusChange:
    """Apply ``apply(stance)`` (which returns a refusal, or None) to each stance, validate it and save it with
    ``reason`` in its history; refused or invalid stances are left as they were."""
    result = StatusChange()
    for stance in stances:
        refusal = apply(stance)
        if refusal is None:
            try:
                stance.full_clean()
            except ValidationError as error:
                refusal = " ".join(error.messages)
        if refusal is not None:
            stance.refresh_from_db()
            result.refused.append((stance, refusal))
            continue
        save_as(stance, user, reason)
        result.changed.append(stance)
    return result


@transaction.atomic
def submit_for_review(*, stances: Iterable[Stance], user) -> StatusChange:
    """Put drafts up for review by a second editor; each needs at least one excerpt."""

    def submit(stance: Stance) -> str | None:
        if stance.status != Status.DRAFT:
            return f"It is {stance.get_status_display().lower()}, not a draft."
        stance.status = Status.IN_REVIEW
        stance.submitted_by, stance.submitted_at = user, timezone.now()
        stance.reviewed_by = stance.reviewed_at = None
        stance.review_comment = ""
        return None

    return _change(stances, user=user, reason="Submitted for review", apply=submit)


def _review(stance: Stance, user) -> str | None:
    if stance.status != Status.IN_REVIEW:
        return f"It is {stance.get_status_display().lower()}, not in review."
    if user is not None and stance.submitted_by_id == user.pk:
        return OWN_SUBMISSION
    stance.reviewed_by, stance.reviewed_at = user, timezone.now()
    return None


@transaction.atomic
def approve(*, stances: Iterable[Stance], user) -> StatusChange:
    """Publish stances in review that someone else submitted; an approved revision is written onto the published
    stance it revises (which is then among the changed)."""

    def publish(stance: Stance) -> str | None:
        refusal = _review(stance, user)
        if refusal is None:
            stance.status, stance.review_comment = Status.PUBLISHED, ""
        return refusal

    stances = list(stances)
    result = _change([s for s in stances if s.revises_id is None], user=user, reason=APPROVED, apply=publish)
    for revision in (s for s in stances if s.revises_id is not None):
        refusal = _review(revision, user)
        _apply_revision(revision, user=user, reviewed=True, refusal=refusal, result=result)
    return result


@transaction.atomic
def send_back(*, stances: Iterable[Stance], user, comment: str) -> StatusChange:
    """Return stances in review to their submitter as drafts, with what to change."""
    comment = comment.strip()
    if not comment:
        raise ValueError("Say what should change before the stance is submitted again.")

    def return_to_draft(stance: Stance) -> str | None:
        refusal = _review(stance, user)
        if refusal is None:
            stance.status, stance.review_comment = Status.DRAFT, comment
        return refusal

    return _change(stances, user=user, reason=_reason("Sent back: ", comment), apply=return_to_draft)


@transaction.atomic
def retract(*, stances: Iterable[Stance], user, reason: str) -> StatusChange:
    """Withdraw published stances in public, with ``reason`` shown among the corrections."""
    reason = reason.strip()
    if not reason:
        raise ValueError("Say publicly why the stance is retracted.")

    def withdraw(stance: Stance) -> str | None:
        if stance.status != Status.PUBLISHED:
            return f"It is {stance.get_status_display().lower()}: only a published stance is retracted."
        stance.status, stance.retraction_reason = Status.RETRACTED, reason
        return None

    return _change(stances, user=user, reason=_reason("Retracted: ", reason), apply=withdraw)


@transaction.atomic
def publish_stances(*, stances: Iterable[Stance], user) -> StatusChange:
    """Publish each draft or stance in review that passes validation (at least one excerpt), without a second
    editor's approval: the superusers' override, and the seed's and benchmarks' way to publish."""

    def publish(stance: Stance) -> str | None:
        stance.status = Status.PUBLISHED
        return None

    stances = [stance for stance in stances if stance.status in (Status.DRAFT, Status.IN_REVIEW)]
    result = _change([s for s in stances if s.revises_id is None], user=user, reason=WITHOUT_REVIEW, apply=publish)
    for revision in (s for s in stances if s.revises_id is not None):
        _apply_revision(revision, user=user, reviewed=False, refusal=None, result=result)
    return result


def _apply_revision(revision: Stance, *, user, reviewed: bool, refusal: str | None, result: StatusChange) -> None:
    published = None
    if refusal is None:
        published, refusal = revisions.apply(revision, user=user, reviewed=reviewed)
    if refusal is None:
        result.changed.append(published)
    else:
        revision.refresh_from_db()
        result.refused.append((revision, refusal))


@transaction.atomic
def unpublish_stances(*, stances: Iterable[Stance], user) -> StatusChange:
    """Turn published stances back into drafts, hidden from the public without a correction. The admin does
    not offer it (readers may have seen them: ``retract``); tests and benchmarks toggle stances with it."""

    def unpublish(stance: Stance) -> str | None:
        stance.status = Status.DRAFT
        return None

    stances = [stance for stance in stances if stance.status == Status.PUBLISHED]
    return _change(stances, user=user, reason="Unpublished", apply=unpublish)


def _reason(label: str, text: str) -> str:
    # simple_history keeps up to 100 characters of a change reason.
    reason = label + " ".join(text.split())
    return reason if len(reason) <= 100 else reason[:99] + "…"


def save_as(stance: Stance, user, reason: str) -> None:
    stance.updated_by = user
    stance._history_user = user
    stance._change_reason = reason
    stance.save()
    del stance._change_reason
