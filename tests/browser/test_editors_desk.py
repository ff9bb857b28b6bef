"""The editors' desk in a real browser: an article comes in, a quote is marked by selecting it, a stance is
made from it, submitted, approved by a second editor, and read from the public API."""

import pytest
from django.contrib.auth.models import Group

from positions.models import Stance
from sources.models import Excerpt, Source
from tests.browser.conftest import VIEWPORT, save_screenshot
from tests.factories import ActorFactory, PolicyFactory, StanceFactory, UserFactory

PASSWORD = "a long enough passphrase"
# Typographic quotes and dashes, line breaks, and a character JavaScript counts twice (🗽) before the quote.
ARTICLE = (
    "date 2025-11-07 By Jane Roe, The City\n\n"
    "Mamdani said: “I am not defunding the police.”\nHe told reporters in August — twice — that he would keep\n"
    "the commissioner. 🗽 Asked again, he said: “I am not defunding the police.”\nThe end.\n"
)
QUOTE = "“I am not defunding the police.”"


def make_editor(username: str):
    user = UserFactory(username=username, is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def log_in(tab, username: str) -> None:
    tab.goto("/admin/login/?next=/admin/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", PASSWORD)
    tab.click("input[type=submit]")
    tab.wait_for_url("**/admin/")


def select_text(tab, text: str, *, last: bool = False) -> None:
    """Select ``text`` in the source's text as a reader would, by its place among the text nodes."""
    tab.evaluate(
        """([text, last]) => {
            const walker = document.createTreeWalker(document.getElementById("source-text"), NodeFilter.SHOW_TEXT);
            let found = null;
            while (walker.nextNode()) {
                const at = last ? walker.currentNode.data.lastIndexOf(text) : walker.currentNode.data.indexOf(text);
                if (at !== -1) { found = [walker.currentNode, at]; if (!last) break; }
            }
            const range = document.createRange();
            range.setStart(found[0], found[1]);
            range.setEnd(found[0], found[1] + text.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        [text, last],
    )


def choose(tab, select: str, value: str, label: str) -> None:
    """Pick a value in an autocomplete (select2) field, as choosing it from its list does."""
    tab.evaluate(
        "([select, value, label]) => { document.querySelector(select).add(new Option(label, value, true, true)); }",
        [select, value, label],
    )


def run_page_action(tab, action: str) -> None:
    tab.select_option("select[name='CHANGE_FORM-action']", action)
    tab.click(".actions button[type=submit]")


def test_an_article_becomes_a_published_stance_with_two_editors(page, browser, live_server, tmp_path):
    make_editor("first-editor")
    make_editor("second-editor")
    actor, policy = ActorFactory(name="Zohran Mamdani"), PolicyFactory(name="Defund the NYPD")
    article = tmp_path / "mamdani-police.txt"
    article.write_text(ARTICLE, encoding="utf-8")

    log_in(page, "first-editor")
    page.goto("/admin/sources/source/")
    page.click("text=Bring in an article (upload or paste)")
    page.set_input_files("#id_file", str(article))
    page.click("input[value='Store the article']")
    page.wait_for_selector("#source-text")
    source = Source.objects.get(slug="mamdani-police")
    assert source.published_on.isoformat() == "2025-11-07"

    select_text(page, QUOTE, last=True)  # the second occurrence, after the 🗽
    page.click("#add-excerpt")
    page.wait_for_selector("#source-text mark")
    excerpt = Excerpt.objects.get()
    assert (excerpt.start, excerpt.end) == (ARTICLE.rindex(QUOTE), ARTICLE.rindex(QUOTE) + len(QUOTE))
    assert page.locator("#source-text mark").inner_text() == QUOTE
    save_screenshot(page, "desk-1-source-with-excerpt")

    page.click("a.new-stance")
    page.wait_for_url("**/admin/positions/stance/add/?excerpt=*")
    choose(page, "#id_actor", str(actor.pk), actor.name)
    choose(page, "#id_policy", str(policy.pk), policy.name)
    page.select_option("#id_position", str(Stance.Position.OPPOSE))
    page.fill("#id_summary", "Says he is not defunding the police")
    page.fill("#id_stated_on", "2025-08-01")
    page.select_option("#id_date_precision", "month")
    page.select_option("#id_evidence_kind", "own_words")
    page.fill("#id_change_reason", "From the City's article")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    stance = Stance.objects.get()
    assert list(stance.excerpts.all()) == [excerpt]

    run_page_action(page, "submit_for_review")
    page.wait_for_selector("text=Submitted for review: 1 stance.")
    run_page_action(page, "approve")
    page.wait_for_selector("text=You submitted it: a second editor must approve it.")
    save_screenshot(page, "desk-2-own-approval-refused")

    second = browser.new_context(viewport=VIEWPORT, base_url=live_server.url).new_page()
    log_in(second, "second-editor")
    queue = second.locator("#awaiting-review")
    assert "Awaiting your review (1)" in queue.inner_text()
    save_screenshot(second, "desk-3-awaiting-review")
    queue.locator("a").first.click()
    run_page_action(second, "approve")
    second.wait_for_selector("text=Approved and published: 1 stance.")
    save_screenshot(second, "desk-4-approved")

    published = second.request.get(f"/api/stances/{stance.pk}/").json()
    assert published["summary"] == "Says he is not defunding the police"
    assert [e["quote"] for e in published["excerpts"]] == [QUOTE]
    second.context.close()


def test_running_an_action_with_unsaved_edits_warns_and_keeps_them(page, transactional_db):
    make_editor("desk-editor")
    stance = StanceFactory(status=Stance.Status.DRAFT, summary="Before")
    log_in(page, "desk-editor")
    page.goto(f"/admin/positions/stance/{stance.pk}/change/")
    assert not page.locator(".unsaved-edits").is_visible()

    page.fill("#id_summary", "Edited but not saved")
    run_page_action(page, "submit_for_review")

    assert page.locator(".unsaved-edits").is_visible()
    assert page.input_value("#id_summary") == "Edited but not saved"
    stance.refresh_from_db()
    assert (stance.status, stance.summary) == (Stance.Status.DRAFT, "Before")

    page.fill("#id_summary", "Before")  # back as saved: the action runs
    run_page_action(page, "submit_for_review")
    page.wait_for_selector("text=Submitted for review: 1 stance.")
    assert not page.locator(".unsaved-edits").is_visible()


def columns_outside_the_viewport(tab, selector: str) -> list[str]:
    """The cells in ``selector`` that are not wholly on screen at this width, or hidden under the filters."""
    return tab.evaluate(
        """([selector, width]) => {
            const filters = document.getElementById("changelist-filter");
            const right = filters ? filters.getBoundingClientRect().left : width;
            return Array.from(document.querySelectorAll(selector))
                .filter((cell) => {
                    const box = cell.getBoundingClientRect();
                    return box.left < 0 || box.right > right;
                })
                .map((cell) => cell.innerText.trim() || cell.className);
        }""",
        [selector, VIEWPORT["width"]],
    )


@pytest.mark.parametrize(
    ("url", "columns"),
    [
        ("/admin/positions/stance/", ["Summary", "Actor", "Policy", "Position", "Stated", "Status", "Excerpts"]),
        ("/admin/sources/excerpt/", ["Excerpt", "Source", "Start", "End", "Stances"]),
        ("/admin/sources/source/", ["Title", "Published on", "Excerpts", "Missing"]),
    ],
)
def test_the_lists_an_editor_scans_fit_at_1400_pixels(page, live_seed, url, columns):
    make_editor("desk-editor")
    log_in(page, "desk-editor")
    page.goto(url)

    headers = page.locator("#result_list thead th").all_inner_texts()
    assert all(any(column.upper() in header.upper() for header in headers) for column in columns), headers
    assert columns_outside_the_viewport(page, "#result_list th, #result_list td") == []
    # Long summaries take one line or two, not ten: a screen shows many records.
    if "stance" in url:
        rows = page.locator("#result_list tbody tr")
        assert max(rows.nth(i).bounding_box()["height"] for i in range(rows.count())) < 100
        save_screenshot(page, "desk-5-stance-list")


def test_a_sources_excerpts_fit_on_its_page(page, live_seed):
    make_editor("desk-editor")
    log_in(page, "desk-editor")
    source = Source.objects.order_by("pk").first()
    page.goto(f"/admin/sources/source/{source.pk}/change/")

    assert columns_outside_the_viewport(page, "#excerpts-group th, #excerpts-group td") == []
    save_screenshot(page, "desk-6-source-page")
