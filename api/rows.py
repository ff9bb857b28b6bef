"""The JSON of the records read most, written by hand: the same values the serializers in ``api.serializers``
document and would produce, without DRF's work per field and per row, which dominated the time of a page of
stances. ``tests/test_public_golden.py`` holds every endpoint's body to its golden file, so the two cannot drift
apart unseen.
"""

import datetime
from collections.abc import Callable
from functools import lru_cache

from positions import chronology
from positions.constants import EvidenceKind, Position
from positions.querysets import StanceRow
from positions.timeline import Shift, Step

# Labels by value: an enum lookup per row and field cost more than the rest of a row of a long list.
POSITION_LABELS = {position.value: position.label for position in Position}
EVIDENCE_KIND_LABELS = {kind.value: kind.label for kind in EvidenceKind}


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


@lru_cache(maxsize=4096)
def _display(first: datetime.date, precision: str, last: datetime.date | None) -> str:
    """A stated date as a reader reads it (``chronology.Period``): the same few dates recur on every page."""
    return str(chronology.period(first, precision, last))


def brief(row: dict, owner: str) -> dict:
    """The stance's actor or policy (``owner``) in brief."""
    return {"slug": row[f"{owner}__slug"], "name": row[f"{owner}__name"]}


def role(row: dict) -> dict:
    """A role as ``StanceQuerySet.with_evidence_rows`` reads it."""
    organization = row["organization__slug"]
    return {
        "title": row["title"],
        "organization": {"slug": organization, "name": row["organization__name"]} if organization else None,
        "start_on": _day(row["start_on"]),
        "end_on": _day(row["end_on"]),
    }


def evidence(row: dict) -> dict:
    """An excerpt as ``StanceQuerySet.with_evidence_rows`` reads it, with its source in brief."""
    return {
        "quote": row["quote"],
        "start": row["start"],
        "end": row["end"],
        "source": {
            "slug": row["source__slug"],
            "title": row["source__title"],
            "publisher": row["source__publisher"],
            "published_on": _day(row["source__published_on"]),
            "url": row["source__url"],
        },
    }


def stance(row: StanceRow) -> dict:
    """Every field of ``StanceSerializer``, from a stance read ``as_rows()`` and ``with_evidence_rows()``."""
    # Days written inline where the column is never empty: a page writes some three hundred.
    first, known_from, last, precision = row["stated_on"], row["known_from"], row["stated_by"], row["date_precision"]
    return {
        "id": row["pk"],
        "actor": brief(row, "actor"),
        "policy": brief(row, "policy"),
        "position": row["position"],
        "position_label": POSITION_LABELS[row["position"]],
        "stated_on": first.isoformat(),
        "stated_by": last.isoformat() if last is not None else None,
        "date_precision": precision,
        "stated_on_display": _display(first, precision, last),
        "known_from": known_from.isoformat(),
        "evidence_kind": row["evidence_kind"],
        "evidence_kind_label": EVIDENCE_KIND_LABELS[row["evidence_kind"]],
        "qualifier": row["qualifier"],
        "summary": row["summary"],
        # The roles held at some time from the stance's first day to the day it is known from (``Stance.capacity``).
        "capacity": [
            role(held)
            for held in row["roles"]
            if chronology.held_during(held["start_on"], held["end_on"], first, known_from)
        ],
        "excerpts": [evidence(excerpt) for excerpt in row["excerpts"]],
    }


def change(step: Step[StanceRow]) -> dict:
    """Every field of ``StanceChangeSerializer``: how a timeline entry differs from the step before it."""
    previous = step.previous
    return {
        "kind": step.change.value,
        "from_stance": previous.pk if previous is not None else None,
        "from_position": previous.position if previous is not None else None,
        "from_stated_on": _day(previous.stated_on) if previous is not None else None,
        "from_known_from": _day(previous.known_from) if previous is not None else None,
        "size": step.size,
    }


def shift(shift: Shift[StanceRow], write_end: Callable[[StanceRow], dict]) -> dict:
    """Every field of ``ShiftSerializer``; ``write_end`` writes each of its two stances."""
    after = shift.after
    return {
        "actor": brief(after, "actor"),
        "policy": brief(after, "policy"),
        "qualifier": after["qualifier"],
        "known_from": _day(after["known_from"]),
        "kind": shift.kind.value,
        "size": shift.size,
        "magnitude": shift.magnitude,
        "from_stance": write_end(shift.before),
        "to_stance": write_end(after),
    }


def latest_position(row: tuple) -> dict:
    """A row of ``StanceQuerySet.latest_position_rows`` (``LATEST_POSITION_FIELDS``) as ``LatestPositionSerializer``
    documents it."""
    # An actors page holds over a thousand of these: read from a tuple, days written inline.
    pk, _, policy_slug, policy_name, qualifier, position, stated_on, stated_by, precision, known_from, summary = row
    return {
        "stance": pk,
        "policy": {"slug": policy_slug, "name": policy_name},
        "qualifier": qualifier,
        "position": position,
        "position_label": POSITION_LABELS[position],
        "stated_on": stated_on.isoformat(),
        "stated_by": stated_by.isoformat() if stated_by is not None else None,
        "date_precision": precision,
        "known_from": known_from.isoformat(),
        "summary": summary,
    }


def actor(actor, roles: list[dict], latest_positions: list[tuple]) -> dict:
    """Every field of ``ActorSerializer``, from an actor read with its parent (``ActorViewSet``), its rows of
    ``ActorQuerySet.role_rows`` and its tuples of ``StanceQuerySet.latest_position_rows``."""
    parent = actor.parent
    return {
        "slug": actor.slug,
        "name": actor.name,
        "kind": actor.kind,
        "description": actor.description,
        "parent": {"slug": parent.slug, "name": parent.name} if parent is not None else None,
        "wikidata_id": actor.wikidata_id,
        "roles": [role(held) for held in roles],
        "published_stance_count": actor.published_stance_count,
        "latest_positions": [latest_position(row) for row in latest_positions],
    }


def source_excerpt(row: dict) -> dict:
    """A row of ``EvidenceQuerySet.published_excerpt_rows`` as ``PublicExcerptSerializer`` documents it."""
    return {"quote": row["quote"], "start": row["start"], "end": row["end"], "stances": row["stances"]}
