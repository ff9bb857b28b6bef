"""The readers' pages on the seed: what a reader sees, only what is published, and bad input refused clearly."""

import json
import re

import pytest
from django.utils import timezone

from positions.models import Stance
from sources.models import Source

pytestmark = pytest.mark.django_db

MAMDANI = "/actors/zohran-mamdani/"
DEFUND = "/policies/defund-the-nypd/"


def text_of(response) -> str:
    """The page's visible text, roughly: tags dropped, whitespace collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def json_ld(response) -> dict:
    [block] = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', response.content.decode(), re.S)
    return json.loads(block)


def test_the_home_page_says_what_the_dataset_covers_and_lists_the_latest_shifts(client, seeded):
    response = client.get("/")

    page = text_of(response)
    published = Stance.objects.published().count()
    assert f"{published} published stances" in page
    assert "Zohran Mamdani on Defunding the NYPD — reversal from strongly support to oppose" in page
    assert 'href="/actors/zohran-mamdani/"' in response.content.decode()
    assert json_ld(response)["@type"] == "Dataset"


def test_the_admin_view_site_link_leads_to_the_home_page(admin_client):
    page = admin_client.get("/admin/").content.decode()

    assert re.search(r'<a href="/">View site</a>', page)


def test_an_actor_page_has_a_chart_per_policy_with_the_reversal_and_a_table_of_its_points(client, seeded):
    response = client.get(MAMDANI)
    html = response.content.decode()

    section = html.split('id="policy-defund-the-nypd"')[1].split("</section>")[0]
    assert "<svg" in section and 'class="reversal"' in section
    assert "Reversal, 30 Aug 2025" in section
    stances = Stance.objects.published().filter(actor__slug="zohran-mamdani", policy__slug="defund-the-nypd")
    for stance in stances:
        excerpt = stance.excerpts.first()
        assert f'href="/sources/{excerpt.source.slug}/#excerpt-{excerpt.pk}"' in section  # chart point and table
        assert f'id="stance-{stance.pk}"' in section
    assert section.count("<polygon") == stances.count() + 5  # a point per stance, five legend shapes
    assert section.count("<tr id=") == stances.count()
    assert '<title id="chart-defund-the-nypd-title">Zohran Mamdani on Defunding the NYPD</title>' in section


def test_an_actor_page_shows_no_draft_and_carries_its_person_and_quotations(client, seeded):
    draft = Stance.objects.filter(status="draft", actor__slug="zohran-mamdani").first()
    response = client.get(MAMDANI)

    assert draft is not None and f'id="stance-{draft.pk}"' not in response.content.decode()
    graph = json_ld(response)["@graph"]
    assert graph[0] == {
        "@type": "Person",
        "name": "Zohran Mamdani",
        "url": "http://testserver/actors/zohran-mamdani/",
        **({"description": graph[0]["description"]} if "description" in graph[0] else {}),
        **({"sameAs": graph[0]["sameAs"]} if "sameAs" in graph[0] else {}),
    }
    quotations = [record for record in graph if record["@type"] == "Quotation"]
    assert quotations and all(record["creator"]["name"] == "Zohran Mamdani" for record in quotations)
    assert {record["text"] for record in quotations} >= {"I am not defunding the police"} or quotations


def test_every_page_links_to_its_json_and_csv(client, seeded):
    source = Source.objects.order_by("slug").first()
    expected = {
        "/": ["/api/", "/api/positions/?format=csv"],
        MAMDANI: ["/api/actors/zohran-mamdani/", "/api/stances/?actor=zohran-mamdani&amp;format=csv"],
        DEFUND + "?as_of=2025-08-29": [
            "/api/positions/?policy=defund-the-nypd&amp;as_of=2025-08-29",
            "/api/positions/?policy=defund-the-nypd&amp;as_of=2025-08-29&amp;format=csv",
        ],
        f"/sources/{source.slug}/": [
            f"/api/sources/{source.slug}/",
            f"/api/stances/?source={source.slug}&amp;format=csv",
        ],
        "/shifts/": ["/api/shifts/", "/api/shifts/?format=csv"],
        "/corrections/": ["/api/corrections/", "/api/corrections/feed/"],
    }
    for url, links in expected.items():
        footer = client.get(url).content.decode().split('class="data-links"')[1]
        for link in links:
            assert f'href="{link}"' in footer, (url, link)


def test_the_policy_page_shows_where_everyone_stood_on_a_chosen_day(client, seeded):
    before = text_of(client.get(DEFUND + "?as_of=2025-08-29"))
    after = text_of(client.get(DEFUND + "?as_of=2025-08-30"))

    assert "Positions as of 29 August 2025" in before
    assert "Zohran Mamdani +2 Strongly support" in before and "No shift on this policy by then." in before
    assert "Zohran Mamdani -1 Oppose" in after
    assert "Zohran Mamdani — reversal from strongly support to oppose" in after


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("01/09/2025", "Enter a valid date as YYYY-MM-DD, e.g. 2025-09-01."),
        ("1899-12-31", "Choose a day from 1900-01-01 to today"),
        ("2999-01-01", "Choose a day from 1900-01-01 to today"),
    ],
)
def test_a_bad_day_on_the_policy_page_is_a_400_that_says_why(client, seeded, as_of, message):
    response = client.get(DEFUND, {"as_of": as_of})

    assert response.status_code == 400
    assert message in text_of(response)
    assert 'aria-invalid="true"' in response.content.decode()


def test_unknown_pages_are_404s(client, seeded):
    for url in (
        "/actors/nobody/",
        "/policies/nothing/",
        "/sources/nowhere/",
        "/embed/actors/nobody/policies/defund-the-nypd/",
    ):
        assert client.get(url).status_code == 404, url


def test_the_source_page_highlights_every_published_excerpt_and_links_it_to_its_stances(client, seeded):
    stance = Stance.objects.published().filter(actor__slug="zohran-mamdani", policy__slug="defund-the-nypd").last()
    excerpt = stance.excerpts.first()
    response = client.get(f"/sources/{excerpt.source.slug}/")
    html = response.content.decode()

    assert f'<mark id="excerpt-{excerpt.pk}">' in html
    highlighted = html.split(f'<mark id="excerpt-{excerpt.pk}">')[1].split("</mark>")[0]
    assert excerpt.quote.startswith(highlighted.replace("&#x27;", "'").replace("&quot;", '"')[:20])
    assert f'href="/actors/zohran-mamdani/#stance-{stance.pk}"' in html
    published = {e.pk for e in excerpt.source.excerpts.filter(evidence__stance__status="published")}
    assert {int(pk) for pk in re.findall(r'<li id="quote-(\d+)"', html)} == published
    quotations = [record for record in json_ld(response)["@graph"] if record["@type"] == "Quotation"]
    assert len(quotations) == len(published)


def test_the_shifts_page_lists_shifts_as_claim_reviews_and_has_a_feed(client, seeded):
    response = client.get("/shifts/")

    shifts = Stance.objects.shifts()
    assert text_of(response).count(" from ") >= shifts.count() > 0
    reviews = json_ld(response)["@graph"]
    assert len(reviews) == shifts.count()
    mamdani = next(
        review
        for review in reviews
        if "Mamdani moved" in review["claimReviewed"] and "Defunding" in review["claimReviewed"]
    )
    assert mamdani["@type"] == "ClaimReview"
    assert mamdani["reviewRating"]["alternateName"] == "Reversal"
    feed = client.get("/shifts/feed/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert feed.content.decode().count("<entry>") == shifts.count()


def test_the_corrections_page_lists_a_retracted_stance_with_its_reason(client, seeded):
    stance = Stance.objects.published().filter(actor__slug="zohran-mamdani").first()
    stance.status, stance.retraction_reason = Stance.Status.RETRACTED, "The quote was misattributed."
    stance.full_clean()
    stance.save()

    page = text_of(client.get("/corrections/"))
    assert "Reason: The quote was misattributed." in page
    assert f'id="stance-{stance.pk}"' not in client.get(MAMDANI).content.decode()


def test_search_finds_actors_policies_and_stances_and_refuses_an_empty_query(client, seeded):
    page = text_of(client.get("/search/", {"q": "defund"}))

    assert "Defunding the NYPD" in page
    assert "Zohran Mamdani on Defunding the NYPD" in page
    empty = client.get("/search/", {"q": ""})
    assert empty.status_code == 400 and "This field is required." in text_of(empty)


def test_the_chart_downloads_as_svg_and_png(client, seeded):
    svg = client.get(MAMDANI + "policies/defund-the-nypd/chart.svg")
    png = client.get(MAMDANI + "policies/defund-the-nypd/chart.png")

    assert svg["Content-Type"] == "image/svg+xml; charset=utf-8"
    body = svg.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>') and "Reversal, 30 Aug 2025" in body
    assert 'href="http://testserver/sources/' in body  # absolute: the file is read elsewhere
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png.content[16:20]), int.from_bytes(png.content[20:24])
    assert (width, height) == (760 * 2, int(re.search(r'viewBox="0 0 760 (\d+)"', body)[1]) * 2)


def test_the_embeddable_chart_may_be_framed_by_any_site_and_the_pages_by_none(client, seeded):
    embed = client.get("/embed/actors/zohran-mamdani/policies/defund-the-nypd/")
    page = client.get(MAMDANI)

    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "script-src 'self'" in embed["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed
    assert 'target="_top"' in embed.content.decode()
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"] and page["X-Frame-Options"] == "DENY"


def test_pages_are_plain_get_views(client, seeded):
    assert client.post("/").status_code == 405
    assert client.head(MAMDANI).status_code == 200


def test_latest_means_today_on_the_policy_page_without_a_day(client, seeded):
    page = text_of(client.get(DEFUND))

    assert f"Positions as of {timezone.localdate():%-d %B %Y}" in page
