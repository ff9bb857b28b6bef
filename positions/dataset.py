"""The published dataset as files, and back: what ``export_dataset`` writes and ``import_dataset`` loads.

The published dataset is what the public API shows, no more: every actor with its roles, every policy,
every source with its full text, the excerpts that back published or retracted stances, and those
stances (retracted ones with their public reason and time, as ``/api/corrections/`` lists them), with
the links between stances and excerpts. Never drafts, the excerpts only drafts cite, editor notes, who
created or changed a record, or any history.

Each resource is written twice, as JSON Lines (``actors.jsonl``, one record a line) and as CSV
(``actors.csv``, the same fields as columns), in an order that depends on the data only, so the same
data always gives the same bytes. ``manifest.json`` lists every file with its record count and SHA-256,
and the licence. Records refer to each other by slug (actors, policies, sources), by id (stances, whose
ids are public) and by source slug and offsets (excerpts).

An import reads the JSON Lines files into an empty database, all or nothing: the manifest's hashes and
counts are checked first (CSV files included), every record is validated as an editor's would be, each
source's text must match its SHA-256 and each excerpt must stand in its source at its offsets. The first
problem stops the import, naming the file and line, and nothing is written.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, transaction

from sources import anchoring
from sources.models import Excerpt, Source

from .models import Actor, Policy, Role, Stance, StanceEvidence

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
PUBLIC_STATUSES = [Stance.Status.PUBLISHED.value, Stance.Status.RETRACTED.value]

# Each resource's fields, in the order of its CSV columns and JSON objects.
FIELDS: dict[str, list[str]] = {
    "actors": ["slug", "name", "kind", "description", "parent", "wikidata_id"],
    "roles": ["actor", "title", "organization", "start_on", "end_on"],
    "policies": ["slug", "name", "description", "parent"],
    "sources": [
        "slug", "title", "publisher", "byline", "published_on", "url", "supplied_fields", "note", "sha256", "text",
    ],
    "excerpts": ["source", "start", "end", "quote", "prefix", "suffix"],
    "stances": [
        "id", "actor", "policy", "position", "stated_on", "stated_by", "date_precision", "evidence_kind",
        "qualifier", "summary", "status", "retraction_reason", "retracted_at",
    ],
    "evidence": ["stance", "source", "start", "end"],
}  # fmt: skip
RESOURCES = list(FIELDS)
# The fields each resource's records are ordered by. Ties keep the order the records were made in (their
# ids, which an import makes in file order): the public API lists a source's excerpts, an actor's roles and
# a stance's evidence in that order, so it survives an export and an import.
ORDER: dict[str, list[str]] = {
    "actors": ["slug"],
    "roles": ["actor", "start_on"],
    "policies": ["slug"],
    "sources": ["slug"],
    "excerpts": ["source", "start"],
    "stances": ["id"],
    "evidence": ["stance"],
}


class DatasetError(Exception):
    """A dataset that cannot be imported, or a database it cannot be imported into."""


# Export -------------------------------------------------------------------------------------------------


def _text(value) -> str | int | list | None:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def published_records() -> dict[str, list[dict]]:
    """Every resource of the published dataset, as plain records in a data-only order."""
    # Each read in id order: the order records were made in, which ties keep (``ORDER``).
    stances = Stance.objects.filter(status__in=PUBLIC_STATUSES).select_related("actor", "policy").order_by("pk")
    links = StanceEvidence.objects.filter(stance__in=stances.values("pk")).select_related("excerpt__source")
    excerpts = Excerpt.objects.filter(pk__in=links.values("excerpt_id")).select_related("source").order_by("pk")
    records = {
        "actors": [
            {**_values(actor, FIELDS["actors"], skip={"parent"}), "parent": actor.parent.slug if actor.parent else None}
            for actor in Actor.objects.select_related("parent").order_by("pk")
        ],
        "roles": [
            {
                **_values(role, FIELDS["roles"], skip={"actor", "organization"}),
                "actor": role.actor.slug,
                "organization": role.organization.slug if role.organization else None,
            }
            for role in Role.objects.select_related("actor", "organization").order_by("pk")
        ],
        "policies": [
            {
                **_values(policy, FIELDS["policies"], skip={"parent"}),
                "parent": policy.parent.slug if policy.parent else None,
            }
            for policy in Policy.objects.select_related("parent").order_by("pk")
        ],
        "sources": [_values(source, FIELDS["sources"]) for source in Source.objects.all()],
        "excerpts": [
            {**_values(excerpt, FIELDS["excerpts"], skip={"source"}), "source": excerpt.source.slug}
            for excerpt in excerpts
        ],
        "stances": [
            {
                **_values(stance, FIELDS["stances"], skip={"actor", "policy"}),
                "actor": stance.actor.slug,
                "policy": stance.policy.slug,
            }
            for stance in stances
        ],  # fmt: skip
        "evidence": [
            {
                "stance": link.stance_id,
                "source": link.excerpt.source.slug,
                "start": link.excerpt.start,
                "end": link.excerpt.end,
            }
            for link in links.order_by("pk")
        ],  # fmt: skip
    }
    return {name: sorted(rows, key=_sort_key(name)) for name, rows in records.items()}


def _values(instance, fields: list[str], skip: Iterable[str] = ()) -> dict:
    return {name: _text(getattr(instance, name)) for name in fields if name not in skip}


def _sort_key(name: str) -> Callable[[dict], tuple]:
    def key(row: dict) -> tuple:
        # Numbers as numbers (stance 2 before stance 10), anything else by its JSON text.
        return tuple(
            (0, value, "") if isinstance(value, int) else (1, 0, json.dumps(value))
            for value in (row[field] for field in ORDER[name])
        )

    return key


def _jsonl(rows: list[dict], fields: list[str]) -> bytes:
    lines = (json.dumps({name: row[name] for name in fields}, ensure_ascii=False) for row in rows)
    return "".join(line + "\n" for line in lines).encode("utf-8")


def _csv(rows: list[dict], fields: list[str]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        # Lists as JSON, nothing as an empty cell: the JSON Lines file is the typed one.
        writer.writerow(
            [json.dumps(row[name]) if isinstance(row[name], list) else ("" if row[name] is None else row[name])
             for name in fields]
        )  # fmt: skip
    return out.getvalue().encode("utf-8")


def export_dataset(directory: Path) -> dict:
    """Write the published dataset and its manifest into ``directory`` (created if missing); return the
    manifest."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():  # one consistent snapshot of every resource
        records = published_records()
    files = {}
    for name in RESOURCES:
        for suffix, encode in (("jsonl", _jsonl), ("csv", _csv)):
            content = encode(records[name], FIELDS[name])
            (directory / f"{name}.{suffix}").write_bytes(content)
            files[f"{name}.{suffix}"] = {"records": len(records[name]), "sha256": hashlib.sha256(content).hexdigest()}
    manifest = {
        "dataset": "stancetracker published dataset",
        "format_version": FORMAT_VERSION,
        "licence": settings.DATASET_LICENCE,
        "licence_note": settings.DATASET_LICENCE_NOTE,
        "counts": {name: len(records[name]) for name in RESOURCES},
        "files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


# Import -------------------------------------------------------------------------------------------------


@dataclass
class _Line:
    file: str
    number: int
    data: dict

    def error(self, message: str) -> DatasetError:
        return DatasetError(f"{self.file}, line {self.number}: {message}")

    def get(self, name: str):
        return self.data[name]


def _read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.is_file():
        raise DatasetError(f"{MANIFEST}: not found in {directory}.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DatasetError(f"{MANIFEST}: not valid JSON ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        raise DatasetError(f"{MANIFEST}: not a manifest of format version {FORMAT_VERSION}.")
    files = manifest.get("files")
    expected = {f"{name}.{suffix}" for name in RESOURCES for suffix in ("jsonl", "csv")}
    if not isinstance(files, dict) or set(files) != expected:
        raise DatasetError(f"{MANIFEST}: must list exactly these files: {', '.join(sorted(expected))}.")
    return manifest


def _check_file(directory: Path, name: str, listed: dict) -> bytes:
    path = directory / name
    if not path.is_file():
        raise DatasetError(f"{name}: listed in {MANIFEST} but missing.")
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    if digest != listed.get("sha256"):
        raise DatasetError(f"{name}: SHA-256 is {digest}, but {MANIFEST} says {listed.get('sha256')}.")
    return content


def _parse_jsonl(name: str, content: bytes, fields: list[str], count: int) -> list[_Line]:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DatasetError(f"{name}: not valid UTF-8 ({error.reason} at byte {error.start}).") from None
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(f"{name}, line {number}: invalid JSON ({error.msg}).") from None
        if not isinstance(data, dict) or set(data) != set(fields):
            raise DatasetError(f"{name}, line {number}: expected an object with exactly: {', '.join(fields)}.")
        lines.append(_Line(name, number, data))
    if len(lines) != count:
        raise DatasetError(f"{name}: {len(lines)} records, but {MANIFEST} says {count}.")
    return lines


def _empty_database_problem() -> str | None:
    held = {
        model._meta.verbose_name_plural: model.objects.count()
        for model in (Actor, Role, Policy, Source, Excerpt, Stance)
    }
    held = {name: count for name, count in held.items() if count}
    if not held:
        return None
    listing = ", ".join(f"{count} {name}" for name, count in held.items())
    return f"The database is not empty ({listing}): import_dataset loads into an empty database only."


def _saved(line: _Line, instance, exclude: Iterable[str] = ()):
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        problems = [f"{field}: {'; '.join(messages)}" for field, messages in error.message_dict.items()]
        raise line.error("; ".join(problems)) from None
    instance.save()
    return instance


def _lookup(line: _Line, model, slug, what: str):
    if slug is None:
        return None
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise line.error(f"{what} “{slug}” is not in the dataset.")
    return found


def _date(line: _Line, name: str) -> datetime.date | None:
    value = line.get(name)
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise line.error(f"{name} “{value}” is not a date (YYYY-MM-DD).") from None


def _load_actors(lines: list[_Line]) -> None:
    for line in lines:
        fields = {name: line.get(name) for name in ("slug", "name", "kind", "description", "wikidata_id")}
        _saved(line, Actor(**fields))
    for line in lines:
        if line.get("parent") is not None:
            actor = Actor.objects.get(slug=line.get("slug"))
            actor.parent = _lookup(line, Actor, line.get("parent"), "parent actor")
            _saved(line, actor)


def _load_roles(lines: list[_Line]) -> None:
    for line in lines:
        role = Role(
            actor=_lookup(line, Actor, line.get("actor"), "actor"),
            organization=_lookup(line, Actor, line.get("organization"), "organization"),
            title=line.get("title"),
            start_on=_date(line, "start_on"),
            end_on=_date(line, "end_on"),
        )
        _saved(line, role)


def _load_policies(lines: list[_Line]) -> None:
    for line in lines:
        _saved(line, Policy(**{name: line.get(name) for name in ("slug", "name", "description")}))
    for line in lines:
        if line.get("parent") is not None:
            policy = Policy.objects.get(slug=line.get("slug"))
            policy.parent = _lookup(line, Policy, line.get("parent"), "parent policy")
            _saved(line, policy)


def _load_sources(lines: list[_Line]) -> None:
    for line in lines:
        fields = ("slug", "title", "publisher", "byline", "url", "supplied_fields", "note")
        text = line.get("text")
        if not isinstance(text, str) or Source.digest(text) != line.get("sha256"):
            raise line.error("the text does not match its sha256.")
        source = Source(**{name: line.get(name) for name in fields}, published_on=_date(line, "published_on"))
        source.text = text
        _saved(line, source)
        if source.sha256 != line.get("sha256"):
            raise line.error("the text is not in the form sources are stored in (sources.text).")


def _excerpt_key(line: _Line) -> tuple:
    return (line.get("source"), line.get("start"), line.get("end"))


def _load_excerpts(lines: list[_Line]) -> dict[tuple, Excerpt]:
    loaded = {}
    for line in lines:
        source = _lookup(line, Source, line.get("source"), "source")
        start, end, quote = line.get("start"), line.get("end"), line.get("quote")
        if not all(isinstance(value, int) for value in (start, end)) or not isinstance(quote, str):
            raise line.error("start and end must be whole numbers and quote text.")
        if source.text[start:end] != quote:
            raise line.error(f"the quote is not at characters {start}–{end} of source “{source.slug}”.")
        excerpt = _saved(
            line, Excerpt(source=source, quote=quote, prefix=line.get("prefix"), suffix=line.get("suffix"))
        )
        if (excerpt.start, excerpt.end) != (start, end) or not anchoring.is_anchored(
            source.text, start=start, end=end, quote=excerpt.quote, prefix=excerpt.prefix, suffix=excerpt.suffix
        ):
            raise line.error(f"the quote is anchored at {excerpt.start}–{excerpt.end}, not at {start}–{end}.")
        loaded[_excerpt_key(line)] = excerpt
    return loaded


def _load_stances(lines: list[_Line], evidence: list[_Line], excerpts: dict[tuple, Excerpt]) -> None:
    cited: dict[object, list[_Line]] = {}
    for line in evidence:
        cited.setdefault(line.get("stance"), []).append(line)
    known_ids = {line.get("id") for line in lines}
    for line in evidence:
        if line.get("stance") not in known_ids:
            raise line.error(f"stance {line.get('stance')} is not in stances.jsonl.")
    for line in lines:
        status = line.get("status")
        if status not in PUBLIC_STATUSES:
            raise line.error(f"status must be one of {', '.join(PUBLIC_STATUSES)}, not “{status}”.")
        stance_id = line.get("id")
        if not isinstance(stance_id, int) or stance_id < 1:
            raise line.error("id must be a positive whole number.")
        stance = Stance(
            pk=stance_id,
            actor=_lookup(line, Actor, line.get("actor"), "actor"),
            policy=_lookup(line, Policy, line.get("policy"), "policy"),
            position=line.get("position"),
            stated_on=_date(line, "stated_on"),
            stated_by=_date(line, "stated_by"),
            date_precision=line.get("date_precision"),
            evidence_kind=line.get("evidence_kind"),
            qualifier=line.get("qualifier"),
            summary=line.get("summary"),
            status=Stance.Status.DRAFT,  # evidence first: a stance is published only with it
        )
        _saved(line, stance, exclude=["known_from"])
        for link in cited.get(stance_id, []):
            excerpt = excerpts.get(_excerpt_key(link))
            if excerpt is None:
                raise link.error("this excerpt (source, start, end) is not in excerpts.jsonl.")
            _saved(link, StanceEvidence(stance=stance, excerpt=excerpt))
        stance.status = Stance.Status.PUBLISHED
        _saved(line, stance)
        if status == Stance.Status.RETRACTED:
            stance.status, stance.retraction_reason = status, line.get("retraction_reason")
            _saved(line, stance)
            retracted_at = line.get("retracted_at")
            try:
                when = datetime.datetime.fromisoformat(retracted_at)
            except (TypeError, ValueError):
                raise line.error(f"retracted_at “{retracted_at}” is not a date and time.") from None
            Stance.objects.filter(pk=stance.pk).update(retracted_at=when)


@transaction.atomic
def import_dataset(directory: Path) -> dict[str, int]:
    """Load the dataset in ``directory`` into an empty database, all or nothing; return the counts."""
    directory = Path(directory)
    if problem := _empty_database_problem():
        raise DatasetError(problem)
    manifest = _read_manifest(directory)
    parsed = {}
    for file_name, listed in sorted(manifest["files"].items()):
        content = _check_file(directory, file_name, listed)
        resource, suffix = file_name.rsplit(".", 1)
        if suffix == "jsonl":
            parsed[resource] = _parse_jsonl(file_name, content, FIELDS[resource], listed.get("records"))
    _load_actors(parsed["actors"])
    _load_roles(parsed["roles"])
    _load_policies(parsed["policies"])
    _load_sources(parsed["sources"])
    excerpts = _load_excerpts(parsed["excerpts"])
    _load_stances(parsed["stances"], parsed["evidence"], excerpts)
    # Stance ids were given: the next stance an editor adds must not collide with them.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Stance]):
            cursor.execute(statement)
    return {name: len(parsed[name]) for name in RESOURCES}
