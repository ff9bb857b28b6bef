"""The admin in a real browser: an editor logs in through the login form."""

from django.contrib.auth.models import Group

from tests.factories import UserFactory


def test_editor_logs_in_through_the_form_and_sees_the_desk(page, transactional_db):
    editor = UserFactory(username="desk-editor", is_staff=True)
    editor.set_password("a long enough passphrase")
    editor.save()
    editor.groups.add(Group.objects.get(name="Editors"))

    page.goto("/admin/")
    assert "/admin/login/" in page.url
    page.fill("#id_username", "desk-editor")
    page.fill("#id_password", "a wrong passphrase entirely")
    page.click("input[type=submit]")
    assert page.locator(".errornote").is_visible()

    page.fill("#id_password", "a long enough passphrase")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    assert page.locator("#user-tools").inner_text().upper().startswith("WELCOME")
    assert page.get_by_role("link", name="Stances").first.is_visible()
