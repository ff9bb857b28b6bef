"""Who may use the editors' admin, and the Editors group's exact permissions."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal
from django.urls import reverse

from positions.permissions import sync_editors_group
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CURATED = ["source", "excerpt", "actor", "role", "policy", "stance", "stanceevidence"]
APP_OF = {
    "source": "sources",
    "excerpt": "sources",
    "actor": "positions",
    "role": "positions",
    "policy": "positions",
    "stance": "positions",
    "stanceevidence": "positions",
}
EXPECTED_PERMISSIONS = {
    (APP_OF[model], f"{action}_{model}") for model in CURATED for action in ("add", "change", "delete", "view")
} | {(APP_OF[model], f"view_historical{model}") for model in CURATED}


def group_permissions(group: Group) -> set[tuple[str, str]]:
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_the_editors_group_exists_after_migrating_with_exactly_the_editor_permissions():
    group = Group.objects.get(name="Editors")

    assert group_permissions(group) == EXPECTED_PERMISSIONS
    assert len(EXPECTED_PERMISSIONS) == 35


def test_editors_cannot_manage_users_groups_or_permissions():
    group = Group.objects.get(name="Editors")

    assert not group.permissions.filter(content_type__app_label__in=["auth", "contenttypes", "sessions", "admin"])
    assert not group.permissions.filter(codename__in=["change_historicalstance", "delete_historicalsource"])


def test_syncing_again_resets_the_group_to_exactly_the_editor_permissions():
    group = Group.objects.get(name="Editors")
    group.permissions.add(Permission.objects.get(codename="change_user"))
    group.permissions.remove(Permission.objects.get(codename="view_historicalstance"))

    sync_editors_group()

    assert Group.objects.filter(name="Editors").count() == 1
    assert group_permissions(group) == EXPECTED_PERMISSIONS


def test_migrating_again_resets_the_group_through_post_migrate():
    group = Group.objects.get(name="Editors")
    group.permissions.add(Permission.objects.get(codename="delete_group"))

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert group_permissions(group) == EXPECTED_PERMISSIONS


def test_an_editor_sees_the_curated_models_on_the_admin_index_and_not_users(editor_client):
    response = editor_client.get(reverse("admin:index"))

    content = response.content.decode()
    for label in ["Sources", "Excerpts", "Actors", "Policies", "Stances"]:
        assert f">{label}</a>" in content
    assert ">Users</a>" not in content
    assert ">Groups</a>" not in content


@pytest.mark.parametrize(
    "url_name", ["admin:auth_user_changelist", "admin:auth_group_changelist", "admin:auth_user_add"]
)
def test_an_editor_cannot_open_user_or_group_management(editor_client, editor, url_name):
    response = editor_client.get(reverse(url_name))

    assert response.status_code == 403
    assert b"403 Forbidden" in response.content
    assert editor.username.encode() not in response.content


@pytest.mark.parametrize("url_name", ["admin:index", "admin:positions_stance_changelist", "admin:sources_source_add"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, url_name):
    url = reverse(url_name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


@pytest.mark.parametrize("url_name", ["admin:index", "admin:positions_stance_changelist", "admin:sources_source_add"])
def test_a_logged_in_user_who_is_not_staff_is_sent_to_the_login_page(client, url_name):
    client.force_login(UserFactory(is_staff=False))
    url = reverse(url_name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


def test_a_user_who_is_not_staff_cannot_log_into_the_admin(client):
    user = UserFactory(is_staff=False)

    response = client.post(
        reverse("admin:login"), {"username": user.username, "password": "correct horse battery staple"}
    )

    assert "Please enter the correct username and password for a staff account" in response.content.decode()
    assert "_auth_user_id" not in client.session
