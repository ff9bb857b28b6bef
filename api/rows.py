"""The JSON of the records read most, written by hand: the same values the serializers in ``api.serializers``
document and would produce, without DRF's work per field and per row, which dominated the time of a page of
stances. ``tests/test_public_golden.py`` holds every endpoint's body to its golden file, so the two cannot drift
apart unseen.
"""

import datetime

from positions.constants import Position


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def ref(record) -> dict | None:
    """An actor or policy in brief."""
    return {"slug": record.slug, "name": record.name} if record is not None else None


def source_ref(source) -> dict:
    return {
        "slug": source.slug,
        "title": source.title,
        "publisher": source.publisher,
        "published_on": _day(source.published_on),
        "url": source.url,
    }


def role(role) -> dict:
    return {
        "title": role.title,
        "organization": ref(role.organization),
        "start_on": _day(role.start_on),
        "end_on": _day(role.end_on),
    }


def evidence(excerpt) -> dict:
    return {"quote": excerpt.quote, "start": excerpt.start, "end": excerpt.end, "source": source_ref(excerpt.source)}


def stance(stance) -> dict:
    """Every field of ``StanceSerializer``, from a stance read ``with_evidence()``."""
    return {
        "id": stance.pk,
        "actor": ref(stance.actor),
        "policy": ref(stance.policy),
        "position": stance.position,
        "position_label": stance.position_label,
        "stated_on": _day(stance.stated_on),
        "stated_by": _day(stance.stated_by),
        "date_precision": stance.date_precision,
        "stated_on_display": stance.stated_on_display,
        "known_from": _day(stance.known_from),
        "evidence_kind": stance.evidence_kind,
        "evidence_kind_label": stance.evidence_kind_label,
        "qualifier": stance.qualifier,
        "summary": stance.summary,
        "capacity": [role(held) for held in stance.capacity],
        "excerpts": [evidence(excerpt) for excerpt in stance.quoted_excerpts],
    }


def latest_position(row: dict) -> dict:
    """A row of ``StanceQuerySet.latest_position_rows`` as ``LatestPositionSerializer`` documents it."""
    return {
        "stance": row["pk"],
        "policy": {"slug": row["policy__slug"], "name": row["policy__name"]},
        "qualifier": row["qualifier"],
        "position": row["position"],
        "position_label": Position(row["position"]).label,
        "stated_on": _day(row["stated_on"]),
        "stated_by": _day(row["stated_by"]),
        "date_precision": row["date_precision"],
        "known_from": _day(row["known_from"]),
        "summary": row["summary"],
    }


def source_excerpt(row: dict) -> dict:
    """A row of ``EvidenceQuerySet.published_excerpt_rows`` as ``PublicExcerptSerializer`` documents it."""
    return {"quote": row["quote"], "start": row["start"], "end": row["end"], "stances": row["stances"]}
