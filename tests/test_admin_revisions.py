"""Changes to a published stance wait for a second editor: an editor's save becomes a pending revision, readers
keep the published version, and approving the revision writes it onto the stance (series, shifts and history
follow)."""

import html

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.db import IntegrityError, transaction
from django.urls import reverse

from positions import revisions
from positions.models import Stance
from positions.publishing import OWN_SUBMISSION, publish_stances, retract
from tests.admin_forms import admin_url, management_form, run_action, saved_stance_form
from tests.factories import ExcerptFactory, StanceFactory


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def edit(client, stance: Stance, *, replace_excerpt=None, **changes):
    """Post the stance's change form as an editor would: its current values, with ``changes``; with
    ``replace_excerpt``, its one excerpt is removed and that one added."""
    data = saved_stance_form(stance, **changes)
    if replace_excerpt is not None:
        data |= management_form("evidence", total=2, initial=1)
        data |= {"evidence-0-DELETE": "on", "evidence-1-excerpt": replace_excerpt.pk}
    return client.post(admin_url(stance, "change", stance.pk), data, follow=True)


@pytest.fixture
def published(db):
    return StanceFactory(position=Stance.Position.STRONGLY_OPPOSE, summary="Against it")


def test_an_editors_change_to_a_published_stance_waits_as_a_revision(editor_client, published, api_client):
    new_excerpt = ExcerptFactory()
    old_excerpt = published.evidence.get().excerpt

    response = edit(
        editor_client,
        published,
        replace_excerpt=new_excerpt,
        position=Stance.Position.OPPOSE,
        summary="Against it, with exceptions",
        change_reason="Softer in the full interview",
    )

    revision = Stance.objects.get(revises=published)
    assert response.redirect_chain[-1][0] == admin_url(revision, "change", revision.pk)
    assert "are saved as a revision, a draft: readers see the published version" in text_of(response)
    assert (revision.status, revision.position, revision.summary) == (
        Stance.Status.DRAFT,
        Stance.Position.OPPOSE,
        "Against it, with exceptions",
    )
    assert list(revision.excerpts.all()) == [new_excerpt]
    assert revision.history.earliest().history_change_reason == "Softer in the full interview"
    # Readers still see the published version, and never the revision.
    published.refresh_from_db()
    assert (published.position, published.summary) == (Stance.Position.STRONGLY_OPPOSE, "Against it")
    assert list(published.excerpts.all()) == [old_excerpt]
    shown = api_client.get(f"/api/stances/{published.pk}/").json()
    assert (shown["position"], shown["summary"]) == (-2, "Against it")
    assert api_client.get(f"/api/stances/{revision.pk}/").status_code == 404
    # Both pages say where the other is; the change is in Recent actions.
    assert f'A revision of the published stance <a href="{admin_url(published, "change", published.pk)}">' in (
        text_of(response)
    )
    original_page = text_of(editor_client.get(admin_url(published, "change", published.pk)))
    assert f'Changes wait for review in the revision <a href="{admin_url(revision, "change", revision.pk)}">' in (
        original_page
    )
    assert LogEntry.objects.get(object_id=str(revision.pk)).action_flag == ADDITION


def test_a_reviewer_sees_what_the_revision_would_change(editor_client, reviewer_client, published):
    old_excerpt, new_excerpt = published.evidence.get().excerpt, ExcerptFactory()
    edit(editor_client, published, replace_excerpt=new_excerpt, position=Stance.Position.OPPOSE)
    revision = Stance.objects.get(revises=published)

    page = text_of(reviewer_client.get(admin_url(revision, "change", revision.pk)))

    changes = page[page.index('class="review-changes"') :]
    changes = changes[: changes.index("</table>")]
    assert "<td>Strongly oppose</td><td>Oppose</td>" in changes
    assert f"<td>—</td><td>{new_excerpt}</td>" in changes
    assert f"<td>{old_excerpt}</td><td>— (removed)</td>" in changes
    assert "Summary" not in changes  # unchanged fields are not listed


def test_approving_a_revision_writes_it_onto_the_published_stance(
    editor_client, reviewer_client, reviewer, published, api_client
):
    new_excerpt = ExcerptFactory()
    edit(editor_client, published, replace_excerpt=new_excerpt, position=Stance.Position.OPPOSE, summary="Softer")
    revision = Stance.objects.get(revises=published)
    run_action(editor_client, "submit_for_review", [revision])

    refused = run_action(editor_client, "approve", [revision])
    assert OWN_SUBMISSION in text_of(refused)
    front_page = text_of(reviewer_client.get(reverse("admin:index")))
    queue = front_page[front_page.index('id="awaiting-review"') : front_page.index('id="sent-back"')]
    assert f"a revision of the published #{published.pk}" in queue
    page = admin_url(revision, "change", revision.pk)
    approved = reviewer_client.post(
        page, {"CHANGE_FORM-action": "approve", "index": 0, "_selected_action": revision.pk}, follow=True
    )

    # The revision's page is gone: the reviewer lands on the published stance, which now reads as revised.
    assert approved.redirect_chain[-1][0] == admin_url(published, "change", published.pk)
    assert "Approved and published: 1 stance." in text_of(approved)
    assert "Nothing: it reads as readers last saw it." in text_of(approved)
    assert not Stance.objects.filter(pk=revision.pk).exists()
    published.refresh_from_db()
    assert (published.status, published.position, published.summary) == (Stance.Status.PUBLISHED, -1, "Softer")
    assert list(published.excerpts.all()) == [new_excerpt]
    assert published.reviewed_by == reviewer
    shown = api_client.get(f"/api/stances/{published.pk}/").json()
    assert (shown["position"], shown["summary"]) == (-1, "Softer")
    assert [e["quote"] for e in shown["excerpts"]] == [new_excerpt.quote]
    history = text_of(reviewer_client.get(admin_url(published, "history", published.pk)))
    assert revisions.APPROVED in history and f"Excerpt added: {new_excerpt}" in history


def test_a_revision_changes_the_series_its_stance_is_in(editor_client, reviewer_client, api_client, published):
    later = StanceFactory(
        actor=published.actor,
        policy=published.policy,
        stated_on=published.stated_on.replace(year=published.stated_on.year + 1),
        position=Stance.Position.SUPPORT,
    )
    shifts = api_client.get(f"/api/shifts/?actor={published.actor.slug}").json()["results"]
    assert [(s["from_stance"]["position"], s["to_stance"]["position"]) for s in shifts] == [(-2, 1)]

    edit(editor_client, later, position=Stance.Position.STRONGLY_OPPOSE)
    assert len(api_client.get(f"/api/shifts/?actor={published.actor.slug}").json()["results"]) == 1
    revision = Stance.objects.get(revises=later)
    run_action(editor_client, "submit_for_review", [revision])
    run_action(reviewer_client, "approve", [revision])

    assert api_client.get(f"/api/shifts/?actor={published.actor.slug}").json()["results"] == []


def test_one_pending_revision_per_stance(editor_client, reviewer_client, published):
    edit(editor_client, published, summary="First try")
    revision = Stance.objects.get(revises=published)

    again = edit(reviewer_client, published, summary="Second try")

    assert revisions.ALREADY_PENDING in text_of(again)
    assert f'<a href="{admin_url(revision, "change", revision.pk)}">Open the revision</a>' in text_of(again)
    assert Stance.objects.filter(revises=published).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Stance.objects.filter(pk=revision.pk).update(revises=None)  # would repeat the published statement
    with pytest.raises(IntegrityError), transaction.atomic():
        StanceFactory(revises=published, status=Stance.Status.DRAFT, excerpts=[])


def test_the_database_never_publishes_a_revision(editor_client, published):
    edit(editor_client, published, summary="Revised")
    revision = Stance.objects.get(revises=published)

    with pytest.raises(IntegrityError), transaction.atomic():
        Stance.objects.filter(pk=revision.pk).update(status=Stance.Status.PUBLISHED)


def test_internal_notes_need_no_second_editor(editor_client, published):
    response = edit(editor_client, published, editor_notes="Check the video too.")

    assert not Stance.objects.filter(revises=published).exists()
    published.refresh_from_db()
    assert published.editor_notes == "Check the video too."
    assert "was changed successfully" in text_of(response)


def test_saving_unchanged_makes_no_revision(editor_client, published):
    edit(editor_client, published)

    assert not Stance.objects.filter(revises=published).exists()


def test_superusers_change_published_stances_in_place_as_an_override(admin_client, published):
    edit(admin_client, published, summary="Corrected by the chief editor")

    assert not Stance.objects.filter(revises=published).exists()
    published.refresh_from_db()
    assert published.summary == "Corrected by the chief editor"
    page = text_of(admin_client.get(admin_url(published, "change", published.pk)))
    assert "<td>Against it</td><td>Corrected by the chief editor</td>" in page  # unreviewed: shown as such


def test_a_revision_of_a_stance_retracted_meanwhile_is_refused(editor_client, reviewer_client, editor, published):
    edit(editor_client, published, summary="Revised")
    revision = Stance.objects.get(revises=published)
    run_action(editor_client, "submit_for_review", [revision])
    retract(stances=[published], user=editor, reason="Another speaker.")

    response = run_action(reviewer_client, "approve", [revision])

    assert "The stance it revises is retracted: only a published stance takes a revision." in text_of(response)
    revision.refresh_from_db()
    assert revision.status == Stance.Status.IN_REVIEW


def test_a_revision_that_would_record_a_statement_twice_is_refused(editor_client, reviewer_client, published):
    other = StanceFactory(actor=published.actor, policy=published.policy)
    edit(editor_client, published, stated_on=other.stated_on.isoformat())
    revision = Stance.objects.get(revises=published)
    run_action(editor_client, "submit_for_review", [revision])

    response = run_action(reviewer_client, "approve", [revision])

    assert "already has a stance on this policy on this date" in text_of(response)
    published.refresh_from_db()
    assert published.stated_on != other.stated_on


def test_a_revision_is_sent_back_and_deleted_like_a_draft(editor_client, reviewer_client, published):
    edit(editor_client, published, summary="Revised")
    revision = Stance.objects.get(revises=published)
    run_action(editor_client, "submit_for_review", [revision])

    run_action(reviewer_client, "send_back", [revision], apply=1, text="Keep the original wording.")
    revision.refresh_from_db()
    assert (revision.status, revision.review_comment) == (Stance.Status.DRAFT, "Keep the original wording.")
    listed = text_of(editor_client.get(admin_url(Stance, "changelist") + "?review=revisions"))
    assert f"revision of #{published.pk}" in listed and "1 stance" in listed

    editor_client.post(admin_url(revision, "delete", revision.pk), {"post": "yes"})
    assert not Stance.objects.filter(pk=revision.pk).exists()
    published.refresh_from_db()
    assert published.summary == "Against it"


def test_superusers_publish_a_revision_without_review(admin_client, editor_client, published):
    edit(editor_client, published, summary="Revised")
    revision = Stance.objects.get(revises=published)

    publish_stances(stances=[revision], user=None)

    published.refresh_from_db()
    assert published.summary == "Revised"
    assert published.history.first().history_change_reason == revisions.PUBLISHED_WITHOUT_REVIEW
    assert reverse("admin:positions_stance_change", args=[published.pk])
