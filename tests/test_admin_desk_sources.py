"""Bringing an article in from the admin in one step, and marking its quotes by selecting them."""

import html
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from positions.models import Stance
from sources.models import Excerpt, Source
from tests.admin_forms import admin_url
from tests.factories import ExcerptFactory, SourceFactory, UserFactory

BRING_IN = reverse("admin:sources_source_bring_in")
ARTICLE = (
    "date 2025-11-07 By Jane Roe, The City\n\n"
    "Mamdani said: “I am not defunding the police.”\nHe told reporters in August — twice — that he would keep "
    "the commissioner. 🗽 He said it again: “I am not defunding the police.”\n"
)


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def select(client, source: Source, start: int, end: int, quote: str | None = None):
    quote = source.text[start:end] if quote is None else quote
    return client.post(
        reverse("admin:sources_source_excerpt", args=[source.pk]), {"start": start, "end": end, "quote": quote}
    )


# Bringing an article in ------------------------------------------------------------------------


def test_an_uploaded_file_is_stored_with_what_its_header_says(editor_client):
    upload = SimpleUploadedFile("mamdani-police.txt", ARTICLE.replace("\n", "\r\n").encode())

    response = editor_client.post(BRING_IN, {"file": upload, "text": "", "slug": ""}, follow=True)

    source = Source.objects.get()
    assert (source.slug, source.byline, source.publisher) == ("mamdani-police", "Jane Roe", "The City")
    assert source.published_on.isoformat() == "2025-11-07"
    assert source.text == ARTICLE  # line endings made \n, as ingest_source does
    assert response.redirect_chain[-1][0] == admin_url(source, "change", source.pk)
    page = text_of(response)
    assert "Stored “[untitled] mamdani-police”. Fill in what the text did not say: title." in page
    assert 'id="source-text"' in page


def test_pasted_text_is_stored_in_one_step_and_its_duplicate_is_recognised(editor_client):
    editor_client.post(BRING_IN, {"text": ARTICLE, "slug": "pasted"})
    source = Source.objects.get()
    assert source.slug == "pasted"
    assert source.original_filename == "pasted text"

    again = editor_client.post(
        BRING_IN, {"file": SimpleUploadedFile("same.txt", ARTICLE.encode()), "slug": "another"}, follow=True
    )

    assert "This article is stored already, as “[untitled] pasted”: nothing was added." in text_of(again)
    assert again.redirect_chain[-1][0] == admin_url(source, "change", source.pk)
    assert Source.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe broken", "bad.txt, line 1: not valid UTF-8 (byte 0xff at offset 0)."),
        (b"text\n\x00binary", "bad.txt, line 2: the file looks binary (it contains a NUL byte)."),
        (b"   \n", "bad.txt: the file is empty."),
    ],
)
def test_a_file_ingest_source_would_refuse_is_refused_with_its_reason(editor_client, data, message):
    response = editor_client.post(BRING_IN, {"file": SimpleUploadedFile("bad.txt", data)})

    assert response.status_code == 200
    assert message in text_of(response)
    assert not Source.objects.exists()


def test_a_file_or_a_paste_is_needed_and_not_both(editor_client, settings):
    neither = editor_client.post(BRING_IN, {"text": "  "})
    both = editor_client.post(BRING_IN, {"text": ARTICLE, "file": SimpleUploadedFile("a.txt", ARTICLE.encode())})
    settings.SOURCE_TEXT_MAX_BYTES = 100
    large = editor_client.post(BRING_IN, {"file": SimpleUploadedFile("big.txt", b"x" * 101)})

    assert "Upload a file or paste the text: one of the two." in text_of(neither)
    assert "Upload a file or paste the text: one of the two." in text_of(both)
    assert "big.txt: the file is 101 bytes; a source may hold at most 100 bytes." in text_of(large)
    assert not Source.objects.exists()


def test_a_slug_in_use_is_refused(editor_client):
    SourceFactory(slug="taken")

    response = editor_client.post(BRING_IN, {"text": ARTICLE, "slug": "taken"})

    assert "another source has the slug “taken”" in text_of(response)
    assert Source.objects.count() == 1


def test_the_sources_list_offers_it_and_only_editors_may_use_it(editor_client, client):
    assert BRING_IN in editor_client.get(admin_url(Source, "changelist")).content.decode()
    client.force_login(UserFactory(is_staff=True))
    assert client.post(BRING_IN, {"text": ARTICLE}).status_code == 403
    assert not Source.objects.exists()


# Marking quotes by selecting them ----------------------------------------------------------------


def test_a_selection_becomes_an_excerpt_at_its_offsets(editor_client):
    source = SourceFactory(text=ARTICLE)
    start = ARTICLE.index("He told")
    end = ARTICLE.index("commissioner.") + len("commissioner.")

    response = select(editor_client, source, start, end)

    assert response.status_code == 201
    excerpt = Excerpt.objects.get()
    assert (excerpt.start, excerpt.end) == (start, end)
    assert excerpt.quote == "He told reporters in August — twice — that he would keep the commissioner."
    assert excerpt.is_anchored
    assert json.loads(response.content)["message"] == f"Excerpt added: {excerpt}"


def test_a_selection_across_a_line_break_with_blank_space_around_is_trimmed(editor_client):
    source = SourceFactory(text=ARTICLE)
    start = ARTICLE.index("police.”\nHe") - 3  # from "he police" across the line break
    end = ARTICLE.index("reporters") + len("reporters ")

    select(editor_client, source, start, end)

    excerpt = Excerpt.objects.get()
    assert excerpt.quote == "he police.”\nHe told reporters"
    assert excerpt.end == ARTICLE.index("reporters") + len("reporters")


def test_the_second_of_two_identical_quotes_is_the_one_selected(editor_client):
    source = SourceFactory(text=ARTICLE)
    quote = "“I am not defunding the police.”"
    second = ARTICLE.rindex(quote)

    select(editor_client, source, second, second + len(quote))

    assert (Excerpt.objects.get().start, Excerpt.objects.get().end) == (second, second + len(quote))


@pytest.mark.parametrize(
    ("start", "end", "quote", "message"),
    [
        (10, 5, None, "The selection is not within the source's text"),
        (0, 10_000, "", "The selection is not within the source's text"),
        (37, 39, None, "The selection holds only blank space"),
        (40, 60, "something else entirely", "The selection does not match the stored text"),
    ],
)
def test_a_bad_selection_is_refused_with_a_reason(editor_client, start, end, quote, message):
    source = SourceFactory(text=ARTICLE)

    response = select(editor_client, source, start, end, quote)

    assert response.status_code == 400
    assert message in json.loads(response.content)["message"]
    assert not Excerpt.objects.exists()


def test_a_passage_already_quoted_is_refused(editor_client):
    excerpt = ExcerptFactory()

    response = select(editor_client, excerpt.source, excerpt.start, excerpt.end)

    assert response.status_code == 400
    assert "This passage is already an excerpt" in json.loads(response.content)["message"]


def test_only_editors_may_add_by_selection_and_only_by_post(editor_client, client):
    source = SourceFactory(text=ARTICLE)
    url = reverse("admin:sources_source_excerpt", args=[source.pk])
    assert editor_client.get(url).status_code == 405
    client.force_login(UserFactory(is_staff=True))
    assert select(client, source, 40, 60).status_code == 403
    assert not Excerpt.objects.exists()


def test_the_source_page_shows_the_text_exactly_with_its_excerpts_marked(editor_client):
    excerpt = ExcerptFactory()
    source = excerpt.source

    page = editor_client.get(admin_url(source, "change", source.pk)).content.decode()

    shown = page[page.index('<div id="source-text"') :]
    shown = shown[shown.index(">") + 1 : shown.index("</div>")]
    assert f"<mark>{excerpt.quote}</mark>" in html.unescape(shown)
    assert html.unescape(shown.replace("<mark>", "").replace("</mark>", "")) == source.text
    assert f"{admin_url(Stance, 'add')}?excerpt={excerpt.pk}" in page  # New stance from this quote
