"""Ingesting article files: header parsing, bad files, and the ingest_source command."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from sources.ingest import Header, IngestError, ingest_file, parse_header
from sources.models import Source
from tests.factories import ExcerptFactory

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "sources"


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        (
            "000_41a3503683dd1fda.txt",
            Header(byline="Gloria Pazmino", publisher="CNN", published_on=datetime.date(2025, 8, 30)),
        ),
        ("001_fe52a92415617daa.txt", Header()),
        (
            "002_64b66cf4fbf84e13.txt",
            Header(title="Mamdani Resolves NYPD Will Not Aid ICE Enforcement Under His Leadership"),
        ),
        ("003_cb9b18bcc7109ab5.txt", Header(published_on=datetime.date(2025, 11, 19))),
        (
            "004_dfaf2f3fb21cad14.txt",
            Header(byline="Austin Culpepper", publisher="CNN", published_on=datetime.date(2025, 11, 7)),
        ),
    ],
)
def test_each_seed_header_yields_what_it_says_and_nothing_more(filename, expected):
    assert parse_header((SEEDS / filename).read_text(encoding="utf-8")) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" date 2025-13-40 By Someone\n\nBody.", Header(byline="Someone")),
        ("\ufeffA Headline Without A Period\n\nBody text.", Header(title="A Headline Without A Period")),
        ("A first sentence that ends with a period.\n\nBody.", Header()),
        ("Only one line", Header()),
        ("", Header()),
    ],
)
def test_header_parsing_edge_cases(text, expected):
    assert parse_header(text) == expected


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.django_db
def test_ingesting_a_file_stores_its_text_hash_and_parsed_metadata(tmp_path):
    text = " date 2025-08-30 By Gloria Pazmino, CNN\n\nBody with “quotes” — and dashes.\n"
    path = write(tmp_path, "article.txt", text.encode("utf-8"))
    result = ingest_file(path=path, slug="article")
    source = Source.objects.get(slug="article")
    assert result.action == "created"
    assert source.text == text
    assert source.sha256 == Source.digest(text)
    assert (source.byline, source.publisher, source.published_on) == (
        "Gloria Pazmino",
        "CNN",
        datetime.date(2025, 8, 30),
    )
    assert source.original_filename == "article.txt"
    assert source.missing_fields == ["title"]


@pytest.mark.django_db
def test_reingesting_the_same_file_changes_nothing(tmp_path):
    path = write(tmp_path, "article.txt", b"Some article text.\n")
    ingest_file(path=path)
    before = Source.objects.get()
    result = ingest_file(path=path)
    after = Source.objects.get()
    assert result.action == "unchanged"
    assert after.updated_at == before.updated_at
    assert after.history.count() == 1


@pytest.mark.django_db
def test_new_text_for_a_source_with_excerpts_is_refused(tmp_path):
    excerpt = ExcerptFactory()
    path = write(tmp_path, "changed.txt", b"Entirely different text.")
    with pytest.raises(IngestError, match="1 excerpt"):
        ingest_file(path=path, slug=excerpt.source.slug)
    excerpt.source.refresh_from_db()
    assert "fund crisis teams" in excerpt.source.text


@pytest.mark.django_db
def test_new_text_keeps_metadata_an_editor_filled_in(tmp_path):
    path = write(tmp_path, "a.txt", b"First version of the body.")
    source = ingest_file(path=path, slug="a").source
    source.title, source.publisher = "Edited title", "Edited publisher"
    source.save()
    path.write_bytes(b" date 2025-01-02 By X, Wire\n\nSecond version.")
    result = ingest_file(path=path, slug="a")
    source.refresh_from_db()
    assert result.action == "updated"
    assert (source.title, source.publisher, source.byline) == ("Edited title", "Edited publisher", "X")
    assert source.text.endswith("Second version.")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"  \n\n\t", "the file is empty"),
        (b"line one\nline two\x00\x01\x02", "line 2: the file looks binary"),
        ("line one\nline two\ncaf\u00e9".encode("latin-1"), "line 3: not valid UTF-8"),
    ],
)
@pytest.mark.django_db
def test_bad_files_are_refused_with_the_file_and_line_named(tmp_path, data, message):
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(IngestError) as error:
        ingest_file(path=path)
    assert str(path) in str(error.value)
    assert message in str(error.value)
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_ingest_source_command_reports_each_file_and_what_needs_attention(tmp_path, capsys):
    first = write(tmp_path, "first.txt", b" date 2025-11-07 By Austin Culpepper, CNN\n\nBody.")
    second = write(tmp_path, "second.txt", b"No header here. Just a body.")
    call_command("ingest_source", str(first), str(second))
    output = capsys.readouterr().out
    assert "created: first (" in output
    assert "created: second (" in output
    assert "needs attention: title, publisher, byline, published on unknown" in output
    assert set(Source.objects.values_list("slug", flat=True)) == {"first", "second"}


@pytest.mark.django_db
def test_ingest_source_command_stores_nothing_when_one_file_is_bad(tmp_path):
    good = write(tmp_path, "good.txt", b"A good article.")
    bad = write(tmp_path, "bad.txt", b"\xff\xfe\x00binary")
    with pytest.raises(CommandError, match=r"bad\.txt.*Nothing was ingested"):
        call_command("ingest_source", str(good), str(bad))
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_ingest_source_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="missing.txt: cannot be read"):
        call_command("ingest_source", str(tmp_path / "missing.txt"))
