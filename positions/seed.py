"""Load curated records (sources, policies, actors, stances) from JSON files.

The files live in ``fixtures/`` and refer to each other by slug; stances cite their
evidence as exact quotes, which are anchored in the source text on load. A load is
one transaction: any bad record fails it with the file and record named, and
nothing of it is kept. Loading the same files twice changes nothing.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction

from sources import anchoring
from sources.ingest import IngestError, ingest_file, parse_header
from sources.models import DESK_SUPPLIABLE, Excerpt, Source

from . import chronology
from .models import Actor, Policy, Role, Stance, StanceEvidence

DEFAULT_DIRECTORY = Path(settings.BASE_DIR) / "fixtures"


JSON_KINDS = {str: "text", int: "a whole number", list: "a list", dict: "an object"}


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return {str: "text", int: "a whole number", float: "a number", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__
    )


class SeedError(Exception):
    """A curated file or record is wrong; the message says which and why."""


@dataclass
class SeedReport:
    """What a load did, counted per kind of record and per outcome."""

    counts: Counter = field(default_factory=Counter)

    def add(self, kind: str, outcome: str) -> None:
        self.counts[(kind, outcome)] += 1

    def lines(self) -> list[str]:
        outcomes = ("created", "updated", "unchanged", "kept as edited by an editor")
        lines = []
        for kind in dict.fromkeys(kind for kind, _ in self.counts):
            counted = [
                f"{self.counts[(kind, outcome)]} {outcome}" for outcome in outcomes if self.counts[(kind, outcome)]
            ]
            lines.append(f"{kind}: {', '.join(counted)}")
        return lines

    @property
    def changed(self) -> bool:
        return any(count for (kind, outcome), count in self.counts.items() if outcome in {"created", "updated"})


class _Record:
    """One JSON object from a curated file, with a name for error messages."""

    def __init__(self, path: Path, index: int, data: Any, label_key: str):
        self.path, self.index, self.data = path, index, data
        label = data.get(label_key) if isinstance(data, dict) else None
        self.label = f"record {index}" + (f" ({label})" if label else "")

    def nested(self, data: Any, what: str) -> _Record:
        """A record inside this one (a role, an excerpt), named after its parent."""
        inner = _Record(self.path, self.index, data, "")
        inner.label = f"{self.label}, {what}"
        return inner

    def error(self, message: str) -> SeedError:
        return SeedError(f"{self.path}: {self.label}: {message}")

    def require(self, allowed: set[str], required: set[str], kinds: dict[str, type] | None = None) -> dict:
        """The record's fields, checked: known names, required ones present, and each of the JSON kind
        expected (text unless ``kinds`` says otherwise; ``null`` only where it says ``type(None)``)."""
        if not isinstance(self.data, dict):
            raise self.error("each record must be a JSON object.")
        unknown = set(self.data) - allowed
        if unknown:
            raise self.error(f"unknown field(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(allowed))}.")
        missing = required - set(self.data)
        if missing:
            raise self.error(f"missing field(s) {', '.join(sorted(missing))}.")
        kinds = kinds or {}
        for name, value in self.data.items():
            expected = kinds.get(name, str)
            if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
                raise self.error(f"{name} must be {JSON_KINDS.get(expected, 'text')}, not {_json_kind(value)}.")
        return self.data

    def lookup(self, model: type[models.Model], slug: Any, what: str) -> Any:
        if slug in (None, ""):
            return None
        found = model.objects.filter(slug=slug).first()
        if found is None:
            raise self.error(f"unknown {what} “{slug}”.")
        return found

    def date(self, value: Any, what: str) -> datetime.date | None:
        if value in (None, ""):
            return None
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise self.error(f"{what} “{value}” is not a date (YYYY-MM-DD).") from None


def _read_records(path: Path, label_key: str) -> list[_Record]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SeedError(f"{path}: file not found.") from None
    except UnicodeDecodeError as error:
        raise SeedError(f"{path}: not valid UTF-8 ({error.reason} at byte {error.start}).") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SeedError(f"{path}, line {error.lineno}, column {error.colno}: invalid JSON ({error.msg}).") from None
    if not isinstance(data, list):
        raise SeedError(f"{path}: expected a JSON list of records.")
    return [_Record(path, index, item, label_key) for index, item in enumerate(data, start=1)]


def edited_by_an_editor(instance: models.Model) -> bool:
    """True when the record's latest change was made by a person (in the admin), not by a load.

    Such a record is the editors' from then on: the loader leaves it alone rather than put the fixture's
    values back over their work (Open Civic Data's ``locked_fields`` idea, for the whole record).
    """
    if instance.pk is None or not hasattr(instance, "history"):
        return False
    latest = instance.history.order_by("-history_date", "-history_id").only("history_user_id").first()
    return latest is not None and latest.history_user_id is not None


def _save(record: _Record, instance: models.Model, values: dict, report: SeedReport, kind: str) -> models.Model:
    """Create ``instance`` or bring it to ``values``; save only what changed, and nothing an editor changed."""
    creating = instance.pk is None
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not creating and not changed:
        report.add(kind, "unchanged")
        return instance
    if edited_by_an_editor(instance):
        report.add(kind, "kept as edited by an editor")
        return instance
    for name in changed:
        setattr(instance, name, values[name])
    try:
        instance.full_clean()
    except ValidationError as error:
        raise record.error("; ".join(_messages(error))) from None
    instance.save()
    report.add(kind, "created" if creating else "updated")
    return instance


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{name}: {message}" for name, errors in error.message_dict.items() for message in errors]
    return error.messages


def _parse_stated_on(record: _Record, value: Any) -> chronology.Period:
    """``2020`` is a year, ``2020-06`` a month, ``2020-06-15`` a day, ``2025-09-01/2025-11-04`` a range."""
    try:
        return chronology.parse(value)
    except ValueError as error:
        raise record.error(f"stated_on {error}") from None


def load_sources(directory: Path, report: SeedReport) -> None:
    """Ingest each file; then apply what the desk supplied for metadata the file's header does not give."""
    manifest = directory / "sources.json"
    for record in _read_records(manifest, "slug"):
        data = record.require({"file", "slug", "note", *DESK_SUPPLIABLE}, {"file", "slug"})
        path = (directory / data["file"]).resolve()
        if Path(data["file"]).is_absolute() or not path.is_relative_to(directory.resolve()):
            raise record.error(f"file “{data['file']}” must be a path inside {directory}, relative to it.")
        try:
            result = ingest_file(path=path, slug=data["slug"])
        except IngestError as error:
            raise record.error(str(error)) from None
        source, outcome = result.source, result.action
        header = parse_header(source.text)
        values = {"note": data.get("note", ""), "supplied_fields": []}
        for name in DESK_SUPPLIABLE:
            if name not in data:
                continue
            supplied = record.date(data[name], name) if name == "published_on" else data[name]
            if getattr(header, name, None):
                raise record.error(f"{name} is in the file's own header; the desk supplies only what it lacks.")
            values[name] = supplied
            values["supplied_fields"].append(name)
        changed = [name for name, value in values.items() if getattr(source, name) != value]
        if changed:
            _save(record, source, values, SeedReport(), "sources")
            outcome = "updated" if outcome == "unchanged" else outcome
        report.add("sources", outcome)


def _link_parents(records: list[_Record], model: type[models.Model], what: str) -> None:
    """Second pass: parents may stand later in the file than their children."""
    for record in records:
        instance = model.objects.get(slug=record.data["slug"])
        parent = record.lookup(model, record.data.get("parent"), what)
        if instance.parent != parent:
            _save(record, instance, {"parent": parent}, SeedReport(), what)


def load_policies(directory: Path, report: SeedReport) -> None:
    allowed = {"slug", "name", "description", "parent"}
    records = _read_records(directory / "policies.json", "slug")
    for record in records:
        data = record.require(allowed, {"slug", "name"})
        policy = Policy.objects.filter(slug=data["slug"]).first() or Policy(slug=data["slug"])
        _save(record, policy, {"name": data["name"], "description": data.get("description", "")}, report, "policies")
    _link_parents(records, Policy, "parent policy")


def load_actors(directory: Path, report: SeedReport) -> None:
    allowed = {"slug", "name", "kind", "description", "parent", "wikidata_id", "roles"}
    records = _read_records(directory / "actors.json", "slug")
    for record in records:
        data = record.require(allowed, {"slug", "name", "kind"}, kinds={"roles": list})
        actor = Actor.objects.filter(slug=data["slug"]).first() or Actor(slug=data["slug"])
        values = {
            "name": data["name"],
            "kind": data["kind"],
            "description": data.get("description", ""),
            "wikidata_id": data.get("wikidata_id", ""),
        }
        _save(record, actor, values, report, "actors")
    _link_parents(records, Actor, "parent actor")
    for record in records:
        actor = Actor.objects.get(slug=record.data["slug"])
        for role_data in record.data.get("roles", []):
            title = role_data.get("title") if isinstance(role_data, dict) else None
            role_record = record.nested(role_data, f"role “{title}”")
            fields = role_record.require({"title", "organization", "start_on", "end_on"}, {"title"})
            start_on = role_record.date(fields.get("start_on"), "start_on")
            role = Role.objects.filter(actor=actor, title=title, start_on=start_on).first()
            values = {
                "organization": role_record.lookup(Actor, fields.get("organization"), "organization"),
                "end_on": role_record.date(fields.get("end_on"), "end_on"),
            }
            role = role or Role(actor=actor, title=title, start_on=start_on)
            _save(role_record, role, values, report, "roles")


def _anchor_excerpt(record: _Record, data: Any, report: SeedReport) -> Excerpt:
    excerpt_record = record.nested(data, "excerpt")
    fields = excerpt_record.require({"source", "quote", "prefix", "suffix"}, {"source", "quote"})
    source = excerpt_record.lookup(Source, fields["source"], "source")
    try:
        found = anchoring.anchor(
            source.text, fields["quote"], prefix=fields.get("prefix", ""), suffix=fields.get("suffix", "")
        )
    except anchoring.AnchorError as error:
        raise record.error(f"quote “{fields['quote'][:60]}” in source “{source.slug}”: {error}") from None
    excerpt = Excerpt.objects.filter(source=source, start=found.start, end=found.end).first()
    if excerpt is not None:
        report.add("excerpts", "unchanged")
        return excerpt
    values = {"quote": fields["quote"], "prefix": fields.get("prefix", ""), "suffix": fields.get("suffix", "")}
    return _save(record, Excerpt(source=source), values, report, "excerpts")


def load_stances(directory: Path, report: SeedReport) -> None:
    allowed = {
        "actor", "policy", "position", "stated_on", "evidence_kind", "qualifier", "summary",
        "excerpts", "status", "editor_notes",
    }  # fmt: skip
    for record in _read_records(directory / "stances.json", "summary"):
        data = record.require(
            allowed,
            {"actor", "policy", "position", "stated_on", "evidence_kind", "summary"},
            kinds={"position": int, "excerpts": list},
        )
        actor = record.lookup(Actor, data["actor"], "actor")
        policy = record.lookup(Policy, data["policy"], "policy")
        span = _parse_stated_on(record, data["stated_on"])
        status = data.get("status", Stance.Status.PUBLISHED)
        excerpts = data.get("excerpts", [])
        if not isinstance(excerpts, list):
            raise record.error("excerpts must be a list.")
        if status == Stance.Status.PUBLISHED and not excerpts:
            raise record.error("a published stance needs at least one excerpt.")
        qualifier = data.get("qualifier", "")
        if not isinstance(qualifier, str):
            raise record.error("qualifier must be text (empty when unqualified).")
        key = {"actor": actor, "policy": policy, "stated_on": span.first}
        key |= {"qualifier": chronology.normalize_qualifier(qualifier), "evidence_kind": data["evidence_kind"]}
        stance = Stance.objects.filter(**key, revises__isnull=True).first()  # never a pending revision
        values = {
            "position": data["position"],
            "date_precision": span.precision,
            "stated_by": span.last,
            "summary": data["summary"],
            "status": status,
            "editor_notes": data.get("editor_notes", ""),
        }
        creating = stance is None
        if not creating and edited_by_an_editor(stance):
            report.add("stances", "kept as edited by an editor")
            continue
        if creating:
            stance = Stance(**key)
            # A stance can only be published once it has evidence: save it as a draft first.
            _save(record, stance, {**values, "status": Stance.Status.DRAFT}, report, "stances")
        for item in excerpts:
            excerpt = _anchor_excerpt(record, item, report)
            if problem := chronology.report_problem(span, excerpt.source.published_on):
                raise record.error(problem)
            _, linked = StanceEvidence.objects.get_or_create(stance=stance, excerpt=excerpt)
            if linked:
                report.add("evidence links", "created")
        _save(record, stance, values, SeedReport() if creating else report, "stances")


@transaction.atomic
def load_seed(*, directory: Path = DEFAULT_DIRECTORY) -> SeedReport:
    """Ingest the seed sources and load the curated records, all or nothing."""
    directory = Path(directory)
    report = SeedReport()
    load_sources(directory, report)
    load_policies(directory, report)
    load_actors(directory, report)
    load_stances(directory, report)
    if report.changed:
        analyze_tables()
    return report


def analyze_tables() -> None:
    """Refresh the query planner's statistics after a bulk load.

    PostgreSQL's autovacuum would get there eventually; SQLite never does by itself, and without
    statistics its planner picks plans that pair every stance with every excerpt on a page.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
