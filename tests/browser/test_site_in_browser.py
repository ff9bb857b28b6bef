"""The readers' pages in a real browser, on the seed: each loads and passes axe-core's WCAG 2 A/AA checks, the
chart shows Mamdani's reversal on defunding the police, and a point leads to its quote, highlighted."""

import pytest

from tests.browser.conftest import accessibility_violations, save_screenshot

MAMDANI = "/actors/zohran-mamdani/"


def pages():
    from sources.models import Source

    source = Source.objects.order_by("slug").first()
    return {
        "home": "/",
        "actor": MAMDANI,
        "policy": "/policies/defund-the-nypd/?as_of=2025-09-01",
        "source": f"/sources/{source.slug}/",
        "shifts": "/shifts/",
        "corrections": "/corrections/",
        "search": "/search/?q=police",
        "embed": "/embed/actors/zohran-mamdani/policies/defund-the-nypd/",
    }


@pytest.mark.parametrize("name", ["home", "actor", "policy", "source", "shifts", "corrections", "search", "embed"])
def test_each_page_loads_and_passes_the_accessibility_check(page, live_seed, name):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    response = page.goto(pages()[name])

    assert response.status == 200
    assert page.locator("h1, svg").first.is_visible()
    save_screenshot(page, f"site-{name}")
    assert accessibility_violations(page) == []
    assert errors == []  # no resource or policy (CSP) refused


def test_the_chart_shows_mamdanis_reversal_on_defunding_the_police(page, live_seed):
    page.goto(MAMDANI)
    chart = page.locator("#chart-defund-the-nypd svg")

    assert chart.locator("title").first.text_content() == "Zohran Mamdani on Defunding the NYPD"
    reversal = chart.locator(".reversal")
    assert reversal.count() == 1 and reversal.is_visible()
    assert "Reversal, 30 Aug 2025" in reversal.text_content()
    # The line of the reversal runs from strongly support (+2) down to oppose (−1).
    labels = {label.text_content(): label for label in chart.locator(".grid text").all()}
    top = labels["+2 Strongly support"].bounding_box()["y"]
    oppose = labels["-1 Oppose"].bounding_box()["y"]
    line = reversal.locator("line").bounding_box()
    assert abs(line["y"] - top) < 12 and abs(line["y"] + line["height"] - oppose) < 12
    chart.scroll_into_view_if_needed()
    save_screenshot(page, "site-actor-defund-chart")


def test_clicking_a_point_leads_to_its_quote_highlighted_in_the_source(page, live_seed):
    from positions.models import Stance

    disavowal = Stance.objects.published().get(
        actor__slug="zohran-mamdani", policy__slug="defund-the-nypd", step="reversal"
    )
    excerpt = disavowal.excerpts.order_by("start").first()
    page.goto(MAMDANI)

    page.locator(f'#chart-defund-the-nypd svg a[data-stance="{disavowal.pk}"]').click()
    page.wait_for_url(f"**/sources/{excerpt.source.slug}/#excerpt-{excerpt.pk}")
    mark = page.locator(f"mark#excerpt-{excerpt.pk}")
    assert mark.is_visible() and mark.evaluate("element => element.matches(':target')")
    assert excerpt.quote.startswith(mark.inner_text()[:40])
    assert mark.evaluate("element => getComputedStyle(element).outlineStyle") == "solid"
    save_screenshot(page, "site-source-highlighted-quote")


def test_a_reader_picks_a_day_on_the_policy_page(page, live_seed):
    page.goto("/policies/defund-the-nypd/")
    page.fill("input[name=as_of]", "2025-08-29")
    page.click("form.as-of button")

    row = page.locator("table.positions tr", has_text="Zohran Mamdani")
    assert "+2 Strongly support" in row.inner_text()
    page.fill("input[name=as_of]", "2025-08-30")
    page.click("form.as-of button")
    assert "-1 Oppose" in page.locator("table.positions tr", has_text="Zohran Mamdani").inner_text()
