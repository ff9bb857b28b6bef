"""Review before publish: one editor submits a stance, a second approves it or sends it back; a published
stance leaves the public record only by retraction. Every step is in the stance's history and in the admin's
Recent actions."""

import html

import pytest
from django.contrib.admin.models import LogEntry
from django.db import IntegrityError, transaction
from django.urls import reverse

from positions.models import Stance
from positions.publishing import OWN_SUBMISSION
from tests.admin_forms import admin_url, run_action, stance_form
from tests.factories import ExcerptFactory, StanceFactory, UserFactory


def text_of(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def submitted(editor_client, editor):
    stance = StanceFactory(status=Stance.Status.DRAFT, summary="Will keep the commissioner")
    run_action(editor_client, "submit_for_review", [stance])
    stance.refresh_from_db()
    return stance


def test_an_editor_submits_a_draft_for_review_and_it_stays_out_of_the_api(editor_client, editor, api_client):
    stance = StanceFactory(status=Stance.Status.DRAFT)

    response = run_action(editor_client, "submit_for_review", [stance])

    assert "Submitted for review: 1 stance." in text_of(response)
    stance.refresh_from_db()
    assert stance.status == Stance.Status.IN_REVIEW
    assert stance.submitted_by == editor
    assert stance.history.first().history_change_reason == "Submitted for review"
    assert LogEntry.objects.get(object_id=str(stance.pk)).get_change_message() == "Submitted for review."
    assert api_client.get(f"/api/stances/{stance.pk}/").status_code == 404
    assert stance.pk not in [row["id"] for row in api_client.get("/api/stances/").json()["results"]]


def test_a_draft_without_excerpts_cannot_be_submitted(editor_client):
    bare = StanceFactory(status=Stance.Status.DRAFT, excerpts=[])

    response = run_action(editor_client, "submit_for_review", [bare])

    assert f"Not submitted for review: “{bare}”." in text_of(response)
    assert "needs at least one excerpt" in text_of(response)
    bare.refresh_from_db()
    assert bare.status == Stance.Status.DRAFT


def test_an_editor_cannot_approve_their_own_submission(editor_client, submitted):
    response = run_action(editor_client, "approve", [submitted])

    assert OWN_SUBMISSION in text_of(response)
    submitted.refresh_from_db()
    assert submitted.status == Stance.Status.IN_REVIEW


def test_a_second_editor_approves_and_the_stance_is_public(reviewer_client, reviewer, submitted, api_client):
    response = reviewer_client.post(
        admin_url(submitted, "change", submitted.pk),
        {"CHANGE_FORM-action": "approve", "index": 0, "_selected_action": submitted.pk},
        follow=True,
    )

    assert "Approved and published: 1 stance." in text_of(response)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reviewed_by) == (Stance.Status.PUBLISHED, reviewer)
    assert api_client.get(f"/api/stances/{submitted.pk}/").json()["summary"] == "Will keep the commissioner"
    recent = reviewer_client.get(reverse("admin:index")).content.decode()
    assert "Approved and published." in LogEntry.objects.filter(user=reviewer).get().get_change_message()
    assert str(submitted) in html.unescape(recent)  # listed under Recent actions


def test_sending_back_asks_for_a_comment_and_returns_a_draft_to_its_submitter(
    reviewer_client, editor_client, submitted
):
    asked = run_action(reviewer_client, "send_back", [submitted])
    assert "What should change before it is submitted again" in text_of(asked)

    empty = run_action(reviewer_client, "send_back", [submitted], apply=1, text="  ")
    assert "This field is required." in text_of(empty)
    submitted.refresh_from_db()
    assert submitted.status == Stance.Status.IN_REVIEW

    comment = "Date it by the interview, not the article."
    done = run_action(reviewer_client, "send_back", [submitted], apply=1, text=comment)

    assert "Sent back: 1 stance." in text_of(done)
    submitted.refresh_from_db()
    assert submitted.status == Stance.Status.DRAFT
    assert submitted.review_comment == "Date it by the interview, not the article."
    front_page = text_of(editor_client.get(reverse("admin:index")))
    sent_back = front_page[front_page.index('id="sent-back"') :]
    assert "Sent back to you (1)" in sent_back
    assert "Date it by the interview, not the article." in sent_back
    assert submitted.history.first().history_change_reason == "Sent back: Date it by the interview, not the article."


def test_the_front_page_lists_what_awaits_each_editors_review(reviewer_client, editor_client, submitted):
    theirs = text_of(reviewer_client.get(reverse("admin:index")))
    mine = text_of(editor_client.get(reverse("admin:index")))

    assert "Awaiting your review (1)" in theirs
    assert str(submitted) in theirs[theirs.index('id="awaiting-review"') : theirs.index('id="sent-back"')]
    assert "Awaiting your review (0)" in mine  # nobody reviews their own submission
    listed = text_of(reviewer_client.get(admin_url(Stance, "changelist") + "?review=awaiting"))
    assert "1 stance" in listed and "Will keep the commissioner" in listed


def test_editors_cannot_publish_alone_but_superusers_can_as_an_override(editor_client, admin_client):
    draft = StanceFactory(status=Stance.Status.DRAFT)

    refused = run_action(editor_client, "publish", [draft])
    assert "No action selected." in text_of(refused)
    assert "Publish without review" not in editor_client.get(admin_url(Stance, "changelist")).content.decode()
    draft.refresh_from_db()
    assert draft.status == Stance.Status.DRAFT

    done = run_action(admin_client, "publish", [draft])
    assert "Published: 1 stance." in text_of(done)
    draft.refresh_from_db()
    assert draft.status == Stance.Status.PUBLISHED
    assert draft.history.first().history_change_reason == "Published without review"


def test_the_form_cannot_publish_a_draft(editor_client):
    draft = StanceFactory(status=Stance.Status.DRAFT)

    response = editor_client.post(
        admin_url(draft, "change", draft.pk),
        stance_form(draft.actor, draft.policy, status=Stance.Status.PUBLISHED, stated_on=draft.stated_on.isoformat()),
    )

    assert "Change the status with the actions above the form" in text_of(response)
    draft.refresh_from_db()
    assert draft.status == Stance.Status.DRAFT


def test_staff_outside_the_editors_group_cannot_review(client, submitted):
    outsider = UserFactory(is_staff=True)
    client.force_login(outsider)

    response = run_action(client, "approve", [submitted], follow=False)

    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Stance.Status.IN_REVIEW


def test_retracting_asks_for_a_public_reason_and_lists_the_correction(editor_client, api_client):
    stance = StanceFactory()

    asked = run_action(editor_client, "retract", [stance])
    assert "Public reason for the retraction" in text_of(asked)
    assert "Unpublish" not in editor_client.get(admin_url(Stance, "changelist")).content.decode()

    done = run_action(editor_client, "retract", [stance], apply=1, text="The quote was from another speaker.")

    assert "Retracted: 1 stance." in text_of(done)
    stance.refresh_from_db()
    assert stance.status == Stance.Status.RETRACTED
    corrections = api_client.get("/api/corrections/").json()["results"]
    assert [c["retraction_reason"] for c in corrections] == ["The quote was from another speaker."]


def test_who_created_a_stance_is_named_without_a_link_editors_cannot_open(editor_client, editor):
    stance = StanceFactory(created_by=editor)

    page = editor_client.get(admin_url(stance, "change", stance.pk)).content.decode()

    assert editor.username in page
    assert reverse("admin:auth_user_change", args=[editor.pk]) not in page


def test_new_stance_from_this_quote_opens_the_form_with_the_excerpt_attached(editor_client):
    excerpt = ExcerptFactory()

    page = editor_client.get(admin_url(Stance, "add") + f"?excerpt={excerpt.pk}").content.decode()

    assert f'<option value="{excerpt.pk}" selected>' in page


def test_the_database_refuses_a_review_by_the_submitter(editor):
    stance = StanceFactory(status=Stance.Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stance.objects.filter(pk=stance.pk).update(submitted_by=editor, reviewed_by=editor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stance.objects.filter(pk=stance.pk).update(status=Stance.Status.IN_REVIEW)


def test_a_stance_is_sent_back_from_its_own_page(reviewer_client, submitted):
    page = admin_url(submitted, "change", submitted.pk)
    chosen = {"CHANGE_FORM-action": "send_back", "index": 0, "_selected_action": submitted.pk}

    asked = reviewer_client.post(page, chosen)
    assert 'name="CHANGE_FORM-action" value="send_back"' in asked.content.decode()

    done = reviewer_client.post(page, {**chosen, "apply": 1, "text": "Quote the interview itself."}, follow=True)

    assert "Sent back: 1 stance." in text_of(done)
    assert done.redirect_chain[-1][0] == page
    submitted.refresh_from_db()
    assert (submitted.status, submitted.review_comment) == (Stance.Status.DRAFT, "Quote the interview itself.")
    assert "Quote the interview itself." in text_of(done)  # shown on the stance's page
