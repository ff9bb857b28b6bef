"""Retract, never delete: a published stance is withdrawn in public, with its reason, and listed as a correction."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError

from positions.models import Stance
from tests.admin_forms import admin_url, management_form, stance_form
from tests.factories import ActorFactory, PolicyFactory, StanceFactory

pytestmark = pytest.mark.django_db


def retract_in_admin(client, stance: Stance, reason: str):
    links = list(stance.evidence.order_by("pk"))
    data = stance_form(
        stance.actor,
        stance.policy,
        position=stance.position,
        stated_on=stance.stated_on.isoformat(),
        status=Stance.Status.RETRACTED,
        retraction_reason=reason,
        **management_form("evidence", total=len(links), initial=len(links)),
        **{f"evidence-{n}-id": link.pk for n, link in enumerate(links)},
        **{f"evidence-{n}-stance": stance.pk for n in range(len(links))},
        **{f"evidence-{n}-excerpt": link.excerpt_id for n, link in enumerate(links)},
    )
    return client.post(admin_url(stance, "change", stance.pk), data)


def test_an_editor_cannot_delete_a_published_stance_one_by_one_or_in_bulk(editor_client):
    published, draft = StanceFactory(summary="Published one"), StanceFactory(status=Stance.Status.DRAFT)

    page = editor_client.get(admin_url(published, "delete", published.pk)).content.decode()
    assert "retract it with a public reason instead" in page
    editor_client.post(admin_url(published, "delete", published.pk), {"post": "yes"})
    bulk = editor_client.post(
        admin_url(Stance, "changelist"),
        {"action": "delete_selected", "_selected_action": [published.pk, draft.pk], "post": "yes"},
        follow=True,
    )
    assert "retract it with a public reason instead" in bulk.content.decode()
    assert Stance.objects.filter(pk__in=[published.pk, draft.pk]).count() == 2


def test_a_draft_can_still_be_deleted(editor_client):
    draft = StanceFactory(status=Stance.Status.DRAFT)
    editor_client.post(admin_url(draft, "delete", draft.pk), {"post": "yes"})
    assert not Stance.objects.filter(pk=draft.pk).exists()


def test_retracting_needs_a_public_reason(editor_client):
    stance = StanceFactory()
    response = retract_in_admin(editor_client, stance, reason="")
    assert "Say publicly why the stance is retracted." in response.content.decode()
    stance.refresh_from_db()
    assert stance.status == Stance.Status.PUBLISHED


def test_a_retracted_stance_leaves_the_story_and_appears_among_the_corrections(editor_client, api_client, editor):
    actor, policy = ActorFactory(slug="a"), PolicyFactory(slug="p")
    first = StanceFactory(actor=actor, policy=policy, position=2, stated_on=datetime.date(2024, 1, 1))
    wrong = StanceFactory(actor=actor, policy=policy, position=-2, stated_on=datetime.date(2024, 6, 1))
    assert len(api_client.get("/api/shifts/").json()["results"]) == 1

    response = retract_in_admin(editor_client, wrong, reason="The quote was from another speaker.")
    assert response.status_code == 302

    wrong.refresh_from_db()
    assert wrong.status == Stance.Status.RETRACTED and wrong.retracted_at is not None
    assert wrong.history.first().history_user == editor
    assert api_client.get("/api/shifts/").json()["results"] == []
    assert [s["id"] for s in api_client.get("/api/stances/").json()["results"]] == [first.pk]
    positions = api_client.get("/api/positions/", {"as_of": "2024-12-31"}).json()["results"]
    assert [item["id"] for item in positions] == [first.pk]
    assert api_client.get(f"/api/stances/{wrong.pk}/").status_code == 404

    (correction,) = api_client.get("/api/corrections/").json()["results"]
    assert (correction["id"], correction["position"], correction["retraction_reason"]) == (
        wrong.pk,
        -2,
        "The quote was from another speaker.",
    )
    assert correction["excerpts"] and correction["retracted_at"]
    assert api_client.get(f"/api/corrections/{wrong.pk}/").json()["id"] == wrong.pk

    csv_rows = list(csv.DictReader(io.StringIO(api_client.get("/api/corrections/?format=csv").content.decode())))
    assert [(row["id"], row["position"], row["retraction_reason"]) for row in csv_rows] == [
        (str(wrong.pk), "-2", "The quote was from another speaker.")
    ]
    assert csv_rows[0]["retracted_at"] == correction["retracted_at"]

    feed = api_client.get("/api/corrections/feed/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert "The quote was from another speaker." in body and f"/api/corrections/{wrong.pk}/" in body


def test_a_retraction_stays_and_only_a_published_stance_can_be_retracted():
    draft = StanceFactory(status=Stance.Status.DRAFT)
    draft.status, draft.retraction_reason = Stance.Status.RETRACTED, "Never mind."
    with pytest.raises(ValidationError, match="Only a published stance can be retracted"):
        draft.full_clean()

    stance = StanceFactory()
    stance.status, stance.retraction_reason = Stance.Status.RETRACTED, "Misattributed."
    stance.full_clean()
    stance.save()
    stance.status = Stance.Status.PUBLISHED
    with pytest.raises(ValidationError, match="stays retracted"):
        stance.full_clean()
