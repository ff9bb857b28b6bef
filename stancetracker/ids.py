"""Records' ids by a unique field (a slug, say), as every filtered list and timeline looks them up first.

One query per lookup, compiled once per model, field and number of values (``stancetracker.compiled``); and the
ids found are kept by the data version the request's snapshot sees (``stancetracker.db.snapshot_version``). Every
write changes that version, so a slug renamed, added or deleted is looked up again, while the same slugs read at
the same version cost no query: the commonest requests (one actor's timeline, a policy's stances) name the same
few actors and policies again and again.
"""

from __future__ import annotations

from .compiled import CompiledQuery
from .db import snapshot_version

# Ids kept per model and field, for one data version at a time; past this many, they are dropped and kept anew.
MAX_KEPT = 10_000

_queries: dict[tuple, CompiledQuery] = {}
# (model, field) -> (data version, {value: id})
_kept: dict[tuple, tuple[str, dict]] = {}


def ids_by(model, field: str, values: list) -> dict:
    """``{value: id}`` for the records of ``model`` whose ``field`` (a unique one) has one of ``values``; a value
    that names no record is left out."""
    version = snapshot_version()
    if version is None:  # outside a snapshot that read its version: nothing to key the ids by
        return _read(model, field, values)
    kept_version, kept = _kept.get((model, field), (None, None))
    if kept_version != version:
        kept = {}
        _kept[model, field] = (version, kept)
    missing = [value for value in values if value not in kept]
    if missing:
        found = _read(model, field, missing)
        if len(kept) + len(found) > MAX_KEPT:  # start again with this request's own
            kept = {value: kept[value] for value in values if value in kept}
            _kept[model, field] = (version, kept)
        kept.update(found)
    return {value: kept[value] for value in values if value in kept}


def forget() -> None:
    """Drop every id kept (tests that count queries start from none)."""
    _kept.clear()


def _read(model, field: str, values: list) -> dict:
    query = _queries.get((model, field))
    if query is None:

        def build(values):
            return model._default_manager.filter(**{f"{field}__in": values}).order_by().values_list(field, "pk")

        query = _queries[model, field] = CompiledQuery(model, build)
    return dict(query(values=list(values)))
