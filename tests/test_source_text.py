"""A source's text comes in at one door: from a file or pasted in the admin, it is stored in one form (line
endings normalised, no byte-order mark), so the same article hashes the same both ways; text that cannot be
plain article text, or is too large, and quotes that are too long are refused, and nothing is stored."""

from pathlib import Path

import pytest
from django.core.management import call_command

from sources import text as source_text
from sources.ingest import IngestError, ingest_file
from sources.models import Excerpt, Source
from tests.admin_forms import admin_url, excerpt_form
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

ARTICLE = "Mayor Speaks\n\nThe mayor said \u201cwe will fund crisis teams\u201d on Monday.\n\tCritics disagreed.\n"


def pasted(editor_client, text: str, slug: str = "pasted"):
    """The admin's add-source page, submitted as a browser does: every line break sent as CRLF."""
    return editor_client.post(
        admin_url(Source, "add"),
        {
            "title": "Mayor Speaks",
            "slug": slug,
            "publisher": "",
            "byline": "",
            "published_on": "",
            "url": "",
            "text": text,
        },
    )


def from_file(tmp_path: Path, data: bytes, slug: str = "from-file"):
    path = tmp_path / f"{slug}.txt"
    path.write_bytes(data)
    return ingest_file(path=path, slug=slug).source


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb\rc\nd", "a\nb\nc\nd"),
        ("\ufeffTitle\n\nBody", "Title\n\nBody"),
        (
            "tabs\tstay,\n  indents stay, trailing spaces stay  \n",
            "tabs\tstay,\n  indents stay, trailing spaces stay  \n",
        ),
        ("a mid-text \ufeff stays", "a mid-text \ufeff stays"),
    ],
)
def test_the_canonical_form_changes_line_endings_and_a_leading_bom_only(raw, expected):
    assert source_text.canonical(raw, max_bytes=1000) == expected


def test_the_same_article_from_a_file_and_pasted_in_the_admin_is_stored_and_hashed_the_same(tmp_path, editor_client):
    windows_file = ("\ufeff" + ARTICLE.replace("\n", "\r\n")).encode("utf-8")
    ingested = from_file(tmp_path, windows_file)

    response = pasted(editor_client, ARTICLE.replace("\n", "\r\n"))

    assert response.status_code == 302
    stored = Source.objects.get(slug="pasted")
    assert stored.text == ingested.text == ARTICLE
    assert stored.sha256 == ingested.sha256 == Source.digest(ARTICLE)


def test_offsets_into_normalised_text_verify(tmp_path, editor_client):
    source = from_file(tmp_path, ARTICLE.replace("\n", "\r\n").encode("utf-8"))
    response = editor_client.post(admin_url(Excerpt, "add"), excerpt_form(source, "Critics disagreed."))
    assert response.status_code == 302

    excerpt = Excerpt.objects.get()
    assert source.text[excerpt.start : excerpt.end] == "Critics disagreed."
    assert excerpt.is_anchored
    call_command("verify_excerpts")


def test_reingesting_the_file_finds_it_unchanged(tmp_path):
    data = ARTICLE.replace("\n", "\r\n").encode("utf-8")
    first = from_file(tmp_path, data)
    path = tmp_path / "from-file.txt"

    result = ingest_file(path=path, slug="from-file")

    assert result.action == "unchanged"
    assert Source.objects.get().sha256 == first.sha256


def test_a_file_with_a_control_character_is_refused_naming_the_line(tmp_path):
    with pytest.raises(IngestError) as refused:
        from_file(tmp_path, b"Title\r\n\r\nA bell \x07 rings.\r\n")

    assert str(refused.value).endswith(
        "from-file.txt, line 3: it contains the control character U+0007; a source's text may hold line "
        "breaks and tabs, but no other control characters."
    )
    assert not Source.objects.exists()


def test_a_paste_with_a_control_character_is_refused_naming_the_line(editor_client):
    response = pasted(editor_client, "Title\r\n\r\nAn escape \x1b[31m in red.")

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["text"]
    assert errors == [
        "Line 3: it contains the control character U+001B; a source's text may hold line breaks and tabs, but no "
        "other control characters."
    ]
    assert not Source.objects.exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, settings):
    settings.SOURCE_TEXT_MAX_BYTES = 2 * 1024 * 1024
    with pytest.raises(IngestError) as refused:
        from_file(tmp_path, b"x" * (2 * 1024 * 1024 + 1))

    assert "the file is 2 MB (2,097,153 bytes); a source may hold at most 2 MB (2,097,152 bytes)." in str(refused.value)
    assert not Source.objects.exists()


def test_a_paste_over_the_size_limit_is_refused_with_the_limit(editor_client, settings):
    settings.SOURCE_TEXT_MAX_BYTES = 1000
    response = pasted(editor_client, "é" * 501)  # 1,002 bytes as UTF-8

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["text"] == [
        "The text is 1,002 bytes as UTF-8; a source may hold at most 1,000 bytes."
    ]
    assert not Source.objects.exists()


def test_a_quote_over_five_thousand_characters_is_refused_with_the_limit(editor_client):
    passage = "word " * 1100
    source = SourceFactory(text=f"Before. {passage}After.")

    response = editor_client.post(admin_url(Excerpt, "add"), excerpt_form(source, passage))

    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["quote"]
    assert error.startswith("This quote is 5,499 characters long; an excerpt may quote at most 5,000 characters.")
    assert not Excerpt.objects.exists()


def test_stored_text_is_never_rewritten_when_other_fields_change(editor_client):
    """Text stored before these rules (with CRLF) keeps its offsets: editing the title leaves it alone."""
    source = SourceFactory(text="Old\r\nstored text.")
    source.title = "A new title"
    source.full_clean()
    source.save()

    source.refresh_from_db()
    assert source.text == "Old\r\nstored text."
