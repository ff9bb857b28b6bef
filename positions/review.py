"""What a reviewer needs to see: how a stance differs from its last published version.

The history (simple_history) is the record: the historical row where the stance last became published is the
version a reviewer approved; it is compared with the stance as it is now, field by field (choices by their
labels) and by its excerpts, which have a history of their own.
"""

from dataclasses import dataclass

from stancetracker.admin import field_label

from . import revisions
from .constants import Status
from .models import Stance, StanceEvidence

# Fields that change with every review step or are derived: not what a reviewer compares.
NOT_COMPARED = {
    "status",
    "known_from",
    "retracted_at",
    "submitted_by",
    "submitted_at",
    "reviewed_by",
    "reviewed_at",
    "review_comment",
    "updated_by",
    "created_by",
    "created_at",
    "editor_notes",
}


@dataclass(frozen=True)
class Change:
    """One difference: a field's label with its published and current values (as an editor reads them)."""

    field: str
    published: str
    current: str


def last_published(stance: Stance):
    """The historical record of the version last published (approved), or None if it was never published.

    That is the record where the stance last became published, or where a revision of it was last approved:
    changes saved to a published stance since then (a superuser's, without review) are what no reviewer saw."""
    records = list(
        stance.history.order_by("-history_date", "-history_id").values_list(
            "history_id", "status", "history_change_reason"
        )
    )
    for (history_id, status, reason), older in zip(records, [*records[1:], (None, None, None)], strict=True):
        became_published = status == Status.PUBLISHED and older[1] != Status.PUBLISHED
        if became_published or reason in (revisions.APPROVED, revisions.PUBLISHED_WITHOUT_REVIEW):
            return stance.history.get(history_id=history_id)
    return None


def changes_since_published(stance: Stance) -> list[Change] | None:
    """Every difference between the last published version and the stance now; None if never published.

    For a pending revision: every difference between the published stance it revises and the revision."""
    if stance.revises_id is not None:
        return revision_changes(stance)
    published = last_published(stance)
    if published is None:
        return None
    current = stance.history.order_by("-history_date", "-history_id").first()
    fields = [f.name for f in Stance._meta.fields if f.name not in NOT_COMPARED and f.editable]
    delta = current.diff_against(published, included_fields=fields, foreign_keys_are_objs=True)
    changes = [
        Change(
            field=Stance._meta.get_field(change.field).verbose_name,
            published=str(field_label(Stance, change.field, change.old)),
            current=str(field_label(Stance, change.field, change.new)),
        )
        for change in delta.changes
    ]
    then = {
        link.excerpt_id: str(link.excerpt)
        for link in StanceEvidence.history.as_of(published.history_date).filter(stance_id=stance.pk)
    }
    now = {link.excerpt_id: str(link.excerpt) for link in stance.evidence.select_related("excerpt__source")}
    changes += [Change("excerpt", "—", now[pk]) for pk in now.keys() - then.keys()]
    changes += [Change("excerpt", then[pk], "— (removed)") for pk in then.keys() - now.keys()]
    return changes


def revision_changes(revision: Stance) -> list[Change]:
    """What approving a revision would change in the published stance: its fields, then its excerpts."""
    published = revision.revises
    changes = [
        Change(
            field=Stance._meta.get_field(name).verbose_name,
            published=str(field_label(Stance, name, getattr(published, name))),
            current=str(field_label(Stance, name, getattr(revision, name))),
        )
        for name in revisions.REVISED_FIELDS
        if getattr(published, name) != getattr(revision, name)
    ]
    then = {link.excerpt_id: str(link.excerpt) for link in published.evidence.select_related("excerpt__source")}
    now = {link.excerpt_id: str(link.excerpt) for link in revision.evidence.select_related("excerpt__source")}
    changes += [Change("excerpt", "—", now[pk]) for pk in now.keys() - then.keys()]
    changes += [Change("excerpt", then[pk], "— (removed)") for pk in then.keys() - now.keys()]
    return changes
