"""Pending revisions: an editor's changes to a published stance wait for a second editor.

Readers see a published stance as it was approved. An editor's change to it is saved as a *revision*: a draft
stance that ``revises`` the published one, with the edited fields and the whole set of its excerpts. It is
submitted, approved or sent back like any draft (``positions.publishing``); approving it writes its fields and
excerpts onto the published stance in one transaction, and the revision, its work done, is removed (its history
stays). A published stance has at most one pending revision (a database constraint).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .constants import Status
from .models import Stance, StanceEvidence

# What a revision carries over to the published stance: what readers see, and the desk's own notes.
REVISED_FIELDS = [
    "actor",
    "policy",
    "position",
    "qualifier",
    "summary",
    "stated_on",
    "date_precision",
    "stated_by",
    "evidence_kind",
    "editor_notes",
]
# Changing only these needs no second editor: readers never see them.
INTERNAL_FIELDS = {"editor_notes"}
APPROVED = "Revision approved and published"
PUBLISHED_WITHOUT_REVIEW = "Revision published without review"
ALREADY_PENDING = "This stance already has a pending revision: make your changes there."


def pending_revision(stance: Stance) -> Stance | None:
    """The draft or submitted revision of a published stance, if there is one."""
    if stance.pk is None:
        return None
    return Stance.objects.filter(revises=stance).select_related("actor", "policy").first()


def start(published: Stance, edited: Stance, *, user, reason: str = "") -> Stance:
    """A new revision of ``published``: ``edited`` is the stance with an editor's changes, never saved itself.

    The revision starts with the published stance's excerpts; ``set_excerpts`` changes them."""
    revision = Stance(
        **{name: getattr(edited, name) for name in REVISED_FIELDS},
        status=Status.DRAFT,
        revises=published,
        created_by=user,
        updated_by=user,
    )
    revision._history_user = user
    revision._change_reason = _short(reason or f"Revision of the published stance #{published.pk}")
    with transaction.atomic():
        revision.save()
        del revision._change_reason
        for excerpt_id in published.evidence.values_list("excerpt_id", flat=True):
            StanceEvidence(stance=revision, excerpt_id=excerpt_id).save()
    return revision


def set_excerpts(stance: Stance, excerpt_ids: list[int]) -> bool:
    """Make ``excerpt_ids`` the stance's evidence (adding before removing, so it never has none); each link
    added or removed is in its history. True if anything changed."""
    have = {link.excerpt_id: link for link in stance.evidence.select_related("excerpt__source")}
    wanted = list(dict.fromkeys(excerpt_ids))
    for excerpt_id in wanted:
        if excerpt_id not in have:
            StanceEvidence(stance=stance, excerpt_id=excerpt_id).save()
    removed = [link for excerpt_id, link in have.items() if excerpt_id not in wanted]
    for link in removed:
        link.delete()
    return bool(removed) or any(excerpt_id not in have for excerpt_id in wanted)


def changes_what_readers_see(edited: Stance, published: Stance) -> bool:
    """True when the edited stance's fields differ from the published stance's in anything readers see."""
    public = [name for name in REVISED_FIELDS if name not in INTERNAL_FIELDS]
    return any(_value(edited, name) != _value(published, name) for name in public)


@transaction.atomic
def apply(revision: Stance, *, user, reviewed: bool = True) -> tuple[Stance | None, str | None]:
    """Write an approved revision onto the stance it revises and remove it; ``reviewed=False`` is the superusers'
    override, publishing it without a second editor.

    Returns the published stance as it now reads, or a refusal (the revision is then left as it was)."""
    published = Stance.objects.select_for_update().filter(pk=revision.revises_id).first()
    if published is None or published.status != Status.PUBLISHED:
        state = "gone" if published is None else published.get_status_display().lower()
        return None, f"The stance it revises is {state}: only a published stance takes a revision."
    try:
        revision.full_clean()
        for name in REVISED_FIELDS:
            setattr(published, name, getattr(revision, name))
        published.validate_constraints()  # e.g. the revised statement is already recorded
    except ValidationError as error:
        return None, " ".join(error.messages)
    set_excerpts(published, list(_excerpt_ids(revision, ordered=True)))
    published.submitted_by, published.submitted_at = revision.submitted_by, revision.submitted_at
    published.reviewed_by, published.reviewed_at = (user, timezone.now()) if reviewed else (None, None)
    published.updated_by = user
    published._history_user = user
    published._change_reason = APPROVED if reviewed else PUBLISHED_WITHOUT_REVIEW
    published.save()
    del published._change_reason
    revision.delete()
    return published, None


def _value(stance: Stance, name: str):
    return getattr(stance, Stance._meta.get_field(name).attname)


def _excerpt_ids(stance: Stance, *, ordered: bool = False):
    ids = stance.evidence.order_by("pk").values_list("excerpt_id", flat=True)
    return list(ids) if ordered else set(ids)


def _short(reason: str) -> str:
    # simple_history keeps up to 100 characters of a change reason.
    return reason if len(reason) <= 100 else reason[:99] + "…"
