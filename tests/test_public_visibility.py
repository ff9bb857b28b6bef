"""Only published stances reach the public, never editor data, and nothing can be written."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from positions.models import Stance
from tests.factories import ActorFactory, ExcerptFactory, PolicyFactory, SourceFactory, StanceFactory

pytestmark = pytest.mark.django_db

DRAFT_SUMMARY = "DRAFT: not yet checked"
EDITOR_NOTE = "call the campaign to confirm"


@pytest.fixture
def published_and_draft():
    """One published series with a later draft (which would be a reversal) and a draft-only excerpt."""
    # No password: hashing one would only slow every test down.
    editor = get_user_model().objects.create(username="editor-jane")
    actor = ActorFactory(slug="zohran-mamdani", name="Zohran Mamdani")
    policy = PolicyFactory(slug="defund-the-nypd", name="Defund the NYPD")
    source = SourceFactory(slug="cnn-mamdani", publisher="CNN")
    published_excerpt = ExcerptFactory(source=source, quote="we will fund crisis teams")
    draft_excerpt = ExcerptFactory(source=source, quote="would not work")
    published = StanceFactory(
        actor=actor,
        policy=policy,
        position=1,
        stated_on=datetime.date(2020, 6, 1),
        excerpts=[published_excerpt],
        editor_notes=EDITOR_NOTE,
        created_by=editor,
        updated_by=editor,
    )
    draft = StanceFactory(
        actor=actor,
        policy=policy,
        position=-2,
        stated_on=datetime.date(2025, 8, 1),
        status=Stance.Status.DRAFT,
        summary=DRAFT_SUMMARY,
        excerpts=[draft_excerpt],
        editor_notes=EDITOR_NOTE,
        created_by=editor,
    )
    return published, draft


ENDPOINTS = [
    "/api/actors/",
    "/api/actors/zohran-mamdani/",
    "/api/actors/zohran-mamdani/timeline/",
    "/api/policies/",
    "/api/policies/defund-the-nypd/",
    "/api/policies/defund-the-nypd/timeline/",
    "/api/sources/",
    "/api/sources/cnn-mamdani/",
    "/api/stances/",
    "/api/positions/",
    "/api/shifts/",
]
PUBLIC_URLS = [
    *ENDPOINTS,
    "/api/actors/zohran-mamdani/timeline/?policy=defund-the-nypd",
    "/api/stances/?q=DRAFT",
    "/api/stances/?format=csv",
    "/api/positions/?as_of=2025-12-01",
    "/api/positions/?format=csv",
    "/api/shifts/?format=csv",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_draft_stance_and_editor_data_are_invisible_on_every_endpoint(api_client, published_and_draft, url):
    published, draft = published_and_draft
    response = api_client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for secret in [DRAFT_SUMMARY, EDITOR_NOTE, "editor-jane", "editor_notes", "created_by", "updated_by", "status"]:
        assert secret not in body
    # The draft's excerpt and its quote are not shown: its source's full text (detail only) aside.
    if url != "/api/sources/cnn-mamdani/":
        assert "would not work" not in body
    assert f'"id":{draft.pk},' not in body.replace(" ", "")


def test_a_draft_is_not_counted_not_latest_and_not_a_shift(api_client, published_and_draft):
    published, draft = published_and_draft
    actor = api_client.get("/api/actors/zohran-mamdani/").json()
    policy = api_client.get("/api/policies/defund-the-nypd/").json()
    assert actor["published_stance_count"] == policy["published_stance_count"] == 1
    assert [p["stance"] for p in actor["latest_positions"]] == [published.pk]
    assert api_client.get("/api/shifts/").json()["results"] == []
    positions = api_client.get("/api/positions/", {"as_of": "2025-12-01"}).json()["results"]
    assert [p["id"] for p in positions] == [published.pk]
    timeline = api_client.get("/api/actors/zohran-mamdani/timeline/").json()["results"]
    assert [entry["id"] for entry in timeline] == [published.pk]


def test_a_draft_stance_has_no_detail_page(api_client, published_and_draft):
    published, draft = published_and_draft
    assert api_client.get(f"/api/stances/{published.pk}/").status_code == 200
    response = api_client.get(f"/api/stances/{draft.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_source_shows_only_excerpts_backing_a_published_stance(api_client, published_and_draft):
    published, draft = published_and_draft
    source = api_client.get("/api/sources/cnn-mamdani/").json()
    assert [(e["quote"], e["stances"]) for e in source["excerpts"]] == [("we will fund crisis teams", [published.pk])]


def test_an_excerpt_shared_with_a_draft_lists_only_the_published_stance(api_client, published_and_draft):
    published, draft = published_and_draft
    draft.excerpts.add(published.excerpts.get())
    source = api_client.get("/api/sources/cnn-mamdani/").json()
    assert [e["stances"] for e in source["excerpts"]] == [[published.pk]]


WRITE_TARGETS = ["/api/", *ENDPOINTS, "/api/stances/{id}/"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", WRITE_TARGETS)
def test_every_write_method_is_refused_on_every_endpoint(api_client, published_and_draft, method, url):
    published, draft = published_and_draft
    count_before = Stance.objects.count()
    response = getattr(api_client, method)(
        url.format(id=published.pk), {"summary": "vandalized"}, format="json", HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 405
    body = response.json()
    assert body["status"] == 405
    assert body["code"] == "method_not_allowed"
    assert method.upper() in body["message"]
    assert "POST" not in response["Allow"] and "GET" in response["Allow"]
    assert Stance.objects.count() == count_before
    published.refresh_from_db()
    assert published.summary != "vandalized"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/", "/api/docs/redoc/"])
def test_the_schema_and_docs_refuse_writes_too(api_client, method, url):
    response = getattr(api_client, method)(url, {"summary": "vandalized"}, format="json")
    assert response.status_code == 405
    assert "POST" not in response["Allow"] and "GET" in response["Allow"]


def test_a_logged_in_editor_sees_no_more_than_the_public(client, published_and_draft):
    published, draft = published_and_draft
    client.force_login(get_user_model().objects.create(username="admin", is_staff=True, is_superuser=True))
    body = client.get("/api/stances/").content.decode()
    assert DRAFT_SUMMARY not in body
    assert client.post("/api/stances/", {"summary": "x"}).status_code == 405
