"""Evidence cannot be deleted from under the stances that rely on it."""

import html

import pytest

from positions.models import Actor, Policy, Stance
from sources.models import Excerpt, Source
from tests.admin_forms import admin_url, management_form, source_form
from tests.factories import PolicyFactory, SourceFactory, StanceFactory

pytestmark = pytest.mark.django_db

PROTECTED = "would require deleting the following protected related objects"


@pytest.fixture
def stance():
    return StanceFactory(summary="Backs crisis teams")


def protected_cases(stance: Stance) -> dict[str, tuple]:
    """For each kind of record: the record, and the text naming what depends on it."""
    excerpt = stance.excerpts.get()
    return {
        "source": (
            excerpt.source,
            f'Excerpt: <a href="{admin_url(excerpt, "change", excerpt.pk)}">{html.escape(str(excerpt))}',
        ),
        "excerpt": (excerpt, f'Stance: <a href="{admin_url(stance, "change", stance.pk)}">{html.escape(str(stance))}'),
        "actor": (
            stance.actor,
            f'Stance: <a href="{admin_url(stance, "change", stance.pk)}">{html.escape(str(stance))}',
        ),
        "policy": (
            stance.policy,
            f'Stance: <a href="{admin_url(stance, "change", stance.pk)}">{html.escape(str(stance))}',
        ),
    }


def everything_is_still_there(stance: Stance) -> bool:
    return (
        Source.objects.count() == 1
        and Excerpt.objects.count() == 1
        and Actor.objects.filter(pk=stance.actor_id).exists()
        and Policy.objects.filter(pk=stance.policy_id).exists()
        and stance.excerpts.count() == 1
    )


KINDS = ["source", "excerpt", "actor", "policy"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_delete_page_names_what_depends_on_the_record_and_offers_no_confirmation(editor_client, stance, kind):
    record, dependant = protected_cases(stance)[kind]

    response = editor_client.get(admin_url(record, "delete", record.pk))

    content = html.unescape(response.content.decode())
    assert PROTECTED in content
    assert html.unescape(dependant) in content
    assert "Yes, I’m sure" not in content


@pytest.mark.parametrize("kind", KINDS)
def test_confirming_the_delete_page_anyway_deletes_nothing(editor_client, stance, kind):
    record, _ = protected_cases(stance)[kind]

    response = editor_client.post(admin_url(record, "delete", record.pk), {"post": "yes"})

    assert PROTECTED in response.content.decode()
    assert everything_is_still_there(stance)


@pytest.mark.parametrize("kind", KINDS)
def test_the_bulk_delete_action_names_what_depends_on_the_records_and_deletes_nothing(editor_client, stance, kind):
    record, dependant = protected_cases(stance)[kind]
    changelist = admin_url(record, "changelist")
    selection = {"action": "delete_selected", "_selected_action": [record.pk]}

    shown = editor_client.post(changelist, selection)
    confirmed = editor_client.post(changelist, {**selection, "post": "yes"})

    for response in (shown, confirmed):
        content = html.unescape(response.content.decode())
        assert PROTECTED in content
        assert html.unescape(dependant) in content
    assert everything_is_still_there(stance)


def test_an_excerpt_used_by_a_stance_cannot_be_removed_from_its_source_page(editor_client, stance):
    excerpt = stance.excerpts.get()
    source = excerpt.source
    data = source_form(
        source,
        **management_form("excerpts", total=1, initial=1),
        **{"excerpts-0-id": excerpt.pk, "excerpts-0-quote": excerpt.quote, "excerpts-0-DELETE": "on"},
    )

    response = editor_client.post(admin_url(source, "change", source.pk), data)

    content = html.unescape(response.content.decode())
    assert f"“{excerpt.quote}” cannot be deleted: the stance “{stance}” relies on it." in content
    assert everything_is_still_there(stance)


def test_records_nothing_depends_on_can_be_deleted(editor_client):
    source = SourceFactory()
    policy = PolicyFactory()
    draft = StanceFactory(status=Stance.Status.DRAFT)

    editor_client.post(admin_url(source, "delete", source.pk), {"post": "yes"})
    editor_client.post(admin_url(policy, "delete", policy.pk), {"post": "yes"})
    editor_client.post(admin_url(draft, "delete", draft.pk), {"post": "yes"})

    assert not Source.objects.filter(pk=source.pk).exists()
    assert not Policy.objects.filter(pk=policy.pk).exists()
    assert not Stance.objects.filter(pk=draft.pk).exists()
    assert Excerpt.objects.count() == 1  # the deleted stance's excerpt stays, as evidence
