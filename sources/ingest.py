"""Turn article text files into stored sources.

``parse_header`` is pure: it reads what the first lines of a file say (a ``date``
line with an optional byline, or a title line) and nothing more. Fields a file does
not give stay empty, so editors see them as needing attention.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from . import text as source_text
from .models import Source

_DATE_LINE = re.compile(r"^\s*date\s+(?P<date>\d{4}-\d{2}-\d{2})\b[ \t]*(?P<rest>.*)$")
_BYLINE = re.compile(r"^By\s+(?P<names>.+?)(?:,\s*(?P<publisher>[^,]+?))?\s*$")
_TITLE_MAX = 200


class IngestError(Exception):
    """A file could not be ingested; the message names the file and the problem."""


@dataclass(frozen=True)
class Header:
    """What a file's opening lines say about the document."""

    title: str = ""
    byline: str = ""
    publisher: str = ""
    published_on: datetime.date | None = None


@dataclass(frozen=True)
class IngestResult:
    source: Source
    action: str  # "created", "updated", "unchanged", or "duplicate" (the same text under another slug)


def parse_header(text: str) -> Header:
    """Read the metadata a file's first lines carry.

    Recognised forms: `` date 2025-08-30 By Name, Publisher`` (byline optional, or
    the body may follow on the same line) and a short title line followed by a
    blank line. Anything else is body text and yields an empty header.
    """
    lines = text.lstrip("\ufeff").splitlines()
    first_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first_index is None:
        return Header()
    first = lines[first_index]
    match = _DATE_LINE.match(first)
    if match:
        try:
            published_on = datetime.date.fromisoformat(match["date"])
        except ValueError:
            published_on = None
        byline = _BYLINE.match(match["rest"].strip())
        if byline:
            return Header(
                byline=byline["names"].strip(), publisher=(byline["publisher"] or "").strip(), published_on=published_on
            )
        return Header(published_on=published_on)
    following = lines[first_index + 1] if first_index + 1 < len(lines) else ""
    candidate = first.strip()
    if (
        not following.strip()
        and len(candidate) <= _TITLE_MAX
        and not candidate.endswith((".", ",", ";", ":"))
        and first_index + 1 < len(lines)
    ):
        return Header(title=candidate)
    return Header()


def read_text(path: Path) -> str:
    """The file's text in its canonical form (``sources.text``), or an ``IngestError`` naming the file (and
    line) at fault."""
    limit = settings.SOURCE_TEXT_MAX_BYTES
    try:
        size = path.stat().st_size
        if size > limit:  # refused before it is read into memory
            raise IngestError(too_large(str(path), size))
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(f"{path}: cannot be read ({error.strerror or error}).") from error
    return decode(data, name=str(path))


def too_large(name: str, size: int) -> str:
    limit = settings.SOURCE_TEXT_MAX_BYTES
    return (
        f"{name}: the file is {source_text.readable_size(size)}; a source may hold at most "
        f"{source_text.readable_size(limit)}."
    )


def decode(data: bytes, *, name: str) -> str:
    """A file's bytes as text in its canonical form, or an ``IngestError`` naming ``name`` (and the line) at
    fault: empty, binary, not UTF-8, too large, or holding control characters."""
    if not data.strip():
        raise IngestError(f"{name}: the file is empty.")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise IngestError(f"{name}, line {line}: the file looks binary (it contains a NUL byte).")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise IngestError(
            f"{name}, line {line}: not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})."
        ) from error
    try:
        return source_text.canonical(text, max_bytes=settings.SOURCE_TEXT_MAX_BYTES)
    except source_text.TextRefused as error:
        raise IngestError(f"{name}, line {error.line}: {error}" if error.line else f"{name}: {error}") from error


def default_slug(name: str, header: Header) -> str:
    base = slugify(header.title)[:80] if header.title else slugify(Path(name).stem)
    return base or "source"


@transaction.atomic
def ingest_file(*, path: Path, slug: str | None = None) -> IngestResult:
    """Store ``path`` as a source, or confirm it is stored already.

    Re-ingesting identical text changes nothing. New text replaces the old only
    while no excerpt points into it; metadata an editor has filled in is kept.
    """
    path = Path(path)
    return store(text=read_text(path), name=str(path), filename=path.name, slug=slug)


@transaction.atomic
def ingest_upload(*, text: str, filename: str, slug: str | None = None) -> IngestResult:
    """Store an uploaded or pasted article (``text`` already in canonical form, see ``decode``) as a new
    source. The same text stored under any slug is recognised by its SHA-256 and not stored twice
    (action "duplicate"); a slug in use by other text is refused."""
    stored = Source.objects.without_text().filter(sha256=Source.digest(text)).first()
    if stored is not None:
        return IngestResult(source=stored, action="duplicate")
    header = parse_header(text)
    slug = slug or default_slug(filename, header)
    if Source.objects.filter(slug=slug).exists():
        raise IngestError(f"{filename}: another source has the slug “{slug}”; give this one a slug of its own.")
    return store(text=text, name=filename, filename=filename, slug=slug)


def store(*, text: str, name: str, filename: str, slug: str | None) -> IngestResult:
    """Store ``text`` under ``slug`` (or one made from its header or ``filename``), filling in what its header
    says; ``name`` is how errors refer to the input."""
    header = parse_header(text)
    slug = slug or default_slug(filename, header)
    source = Source.objects.filter(slug=slug).first()
    if source is not None and source.sha256 == Source.digest(text):
        return IngestResult(source=source, action="unchanged")
    if source is None:
        source = Source(slug=slug)
        action = "created"
    else:
        if source.excerpts.exists():
            raise IngestError(
                f"{name}: its text differs from the stored source “{slug}”, and "
                f"{source.excerpts.count()} excerpt(s) point into the stored text; refusing to replace it."
            )
        action = "updated"
    source.text = text
    source.original_filename = filename
    for field in ("title", "byline", "publisher", "published_on"):
        if not getattr(source, field):
            setattr(source, field, getattr(header, field))
    try:
        source.full_clean()
    except ValidationError as error:
        raise IngestError(f"{name}: {'; '.join(error.messages)}") from error
    source.save()
    return IngestResult(source=source, action=action)
