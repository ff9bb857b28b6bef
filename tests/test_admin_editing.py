"""Editors curate sources, excerpts, actors, policies and stances in the admin."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from positions.models import Actor, Policy, Stance
from sources.models import Excerpt, Source
from tests.admin_forms import admin_url, excerpt_form, management_form, source_form, stance_form
from tests.factories import (
    ActorFactory,
    ExcerptFactory,
    PolicyFactory,
    RoleFactory,
    SourceFactory,
    StanceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# Pages render ------------------------------------------------------------------------------


@pytest.fixture
def curated():
    """One published stance with its actor (holding a role), policy, excerpt and source."""
    stance = StanceFactory(summary="Backs crisis teams", qualifier="civil enforcement only")
    RoleFactory(actor=stance.actor, title="Mayor-elect")
    return stance


@pytest.mark.parametrize(
    ("model", "columns"),
    [
        (Source, ["Title", "Publisher", "Published on", "Excerpts", "Missing", "needs attention"]),
        (Excerpt, ["Source", "Start", "End", "Anchored", "Stances"]),
        (Actor, ["Name", "Kind", "Parent", "Wikidata ID", "Stances"]),
        (Policy, ["Name", "Parent", "Stances"]),
        (Stance, ["Summary", "Actor", "Policy", "Position", "Stated", "Status", "Excerpts", "Awaiting your review"]),
    ],
)
def test_an_editor_sees_each_list_with_its_columns_and_records(editor_client, curated, model, columns):
    record = {
        Source: curated.excerpts.get().source,
        Excerpt: curated.excerpts.get(),
        Actor: curated.actor,
        Policy: curated.policy,
        Stance: curated,
    }[model]

    response = editor_client.get(admin_url(model, "changelist"))

    content = response.content.decode()
    for column in columns:
        assert column in content
    displays = [record.summary, record.actor.name, record.policy.name] if model is Stance else [str(record)]
    for display in displays:
        assert display.replace("“", "&ldquo;").replace("”", "&rdquo;") in content or display in content


@pytest.mark.parametrize(
    ("model", "labels"),
    [
        (Source, ["Add source", "Title:", "Text:", "Stored text"]),
        (Excerpt, ["Add excerpt", "Source:", "Quote:", "Prefix:", "Disambiguation"]),
        (Actor, ["Add actor", "Name:", "Wikidata ID:", "Roles"]),
        (Policy, ["Add policy", "Name:", "Parent:"]),
        (
            Stance,
            ["Add stance", "Actor:", "Stated on or after:", "Stated on or before:", "Date precision:", "Excerpts"],
        ),
    ],
)
def test_an_editor_can_open_each_add_page(editor_client, model, labels):
    response = editor_client.get(admin_url(model, "add"))

    content = response.content.decode()
    for label in labels:
        assert label in content


def test_the_source_page_shows_the_text_read_only_with_its_fingerprint_and_excerpts(editor_client, curated):
    excerpt = curated.excerpts.get()
    source = excerpt.source

    response = editor_client.get(admin_url(source, "change", source.pk))

    content = response.content.decode()
    assert 'name="text"' not in content
    assert "we will fund crisis teams" in content
    assert source.sha256 in content
    assert source.original_filename in content
    assert 'name="excerpts-0-quote"' in content
    assert f"{excerpt.start}" in content


def test_the_excerpt_page_shows_its_offsets_and_the_stances_using_it(editor_client, curated):
    excerpt = curated.excerpts.get()

    response = editor_client.get(admin_url(excerpt, "change", excerpt.pk))

    content = response.content.decode()
    assert "Used by stances" in content
    assert admin_url(curated, "change", curated.pk) in content
    assert f'<div class="readonly">{excerpt.start}</div>' in content
    assert f'<div class="readonly">{excerpt.end}</div>' in content
    assert 'alt="True"' in content  # anchored


def test_the_actor_page_shows_roles_inline_and_links_its_stances(editor_client, curated):
    actor = curated.actor

    response = editor_client.get(admin_url(actor, "change", actor.pk))

    content = response.content.decode()
    assert 'value="Mayor-elect"' in content
    assert admin_url(curated, "change", curated.pk) in content
    assert "published" in content


def test_the_policy_page_links_its_narrower_policies_and_stances(editor_client, curated):
    narrower = PolicyFactory(name="NYPD cooperation with ICE", parent=curated.policy)

    response = editor_client.get(admin_url(curated.policy, "change", curated.policy.pk))

    content = response.content.decode()
    assert admin_url(narrower, "change", narrower.pk) in content
    assert "NYPD cooperation with ICE" in content
    assert admin_url(curated, "change", curated.pk) in content


def test_the_stance_page_shows_its_excerpts_and_who_created_it(editor_client, curated, editor):
    curated.created_by = editor
    curated.save()

    response = editor_client.get(admin_url(curated, "change", curated.pk))

    content = response.content.decode()
    assert "Backs crisis teams" in content
    assert 'name="evidence-0-excerpt"' in content
    assert "we will fund crisis teams" in content
    assert editor.username in content


def test_the_stance_list_shows_coarse_dates_at_their_precision(editor_client):
    StanceFactory(stated_on=datetime.date(2020, 6, 1), date_precision=Stance.DatePrecision.MONTH)

    response = editor_client.get(admin_url(Stance, "changelist"))

    assert "June 2020" in response.content.decode()


def list_column(page: str, name: str) -> list[str]:
    """The texts of one column of a rendered change list, top to bottom."""
    cells = re.findall(rf'<t[dh] class="field-{name}"[^>]*>(.*?)</t[dh]>', page, flags=re.DOTALL)
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def sort_parameter(page: str, name: str) -> int:
    """What ``?o=`` calls the column ``name``: its place among the list's column headers."""
    headers = re.findall(r'<th scope="col" class="([^"]*)"', page)
    return next(place for place, classes in enumerate(headers) if f"column-{name}" in classes.split())


# Three stances whose actors and policies come in different orders.
ABE = ("Abe Brown", "Zoning reform", "Wants taller buildings")
BEA = ("Bea Chen", "Budget cuts", "Opposes the cuts")
CARLA = ("Carla Diaz", "Transit fares", "Backs free buses")


@pytest.mark.parametrize(
    ("column", "ascending"), [("actor_name", [ABE, BEA, CARLA]), ("policy_name", [BEA, CARLA, ABE])]
)
def test_the_stance_list_sorts_by_actor_and_by_policy(editor_client, column, ascending):
    for actor, policy, summary in [CARLA, ABE, BEA]:
        StanceFactory(actor=ActorFactory(name=actor), policy=PolicyFactory(name=policy), summary=summary)
    url = admin_url(Stance, "changelist")
    place = sort_parameter(editor_client.get(url).content.decode(), column)

    for order, rows in [(f"{place}", ascending), (f"-{place}", ascending[::-1])]:
        page = editor_client.get(url, {"o": order}).content.decode()
        shown = zip(*(list_column(page, name) for name in ["actor_name", "policy_name", "short_summary"]), strict=True)
        assert list(shown) == rows, order


def test_the_stance_list_is_in_actor_then_policy_order_until_sorted_otherwise(editor_client):
    abe = ActorFactory(name="Abe Brown")
    for actor, policy in [
        (ActorFactory(name="Bea Chen"), "Budget cuts"),
        (abe, "Zoning reform"),
        (abe, "Arts funding"),
    ]:
        StanceFactory(actor=actor, policy=PolicyFactory(name=policy))

    page = editor_client.get(admin_url(Stance, "changelist")).content.decode()

    assert list_column(page, "actor_name") == ["Abe Brown", "Abe Brown", "Bea Chen"]
    assert list_column(page, "policy_name") == ["Arts funding", "Zoning reform", "Budget cuts"]


def test_sources_missing_metadata_are_listed_as_needing_attention(editor_client):
    SourceFactory(title="Complete article")
    SourceFactory(title="", slug="untitled-note", byline="", published_on=None)

    response = editor_client.get(admin_url(Source, "changelist"), {"needs_attention": "yes"})

    content = response.content.decode()
    assert "untitled-note" in content
    assert "title, byline, published on" in content
    assert "Complete article" not in content


def test_stances_can_be_found_by_words_of_their_excerpts(editor_client):
    StanceFactory(summary="Found by its quote")
    StanceFactory(summary="Not about it", excerpts=[ExcerptFactory(quote="Critics said the plan")])

    response = editor_client.get(admin_url(Stance, "changelist"), {"q": "crisis teams"})

    content = response.content.decode()
    assert "Found by its quote" in content
    assert "Not about it" not in content


def test_excerpts_autocomplete_by_quote_and_source_title(editor_client):
    excerpt = ExcerptFactory(source=SourceFactory(title="Mamdani's safety plan"))
    ExcerptFactory(quote="Critics said the plan")

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "positions", "model_name": "stanceevidence", "field_name": "excerpt", "term": "safety plan"},
    )

    assert [result["id"] for result in response.json()["results"]] == [str(excerpt.pk)]


# Adding an excerpt by pasting its quote -----------------------------------------------------


def test_pasting_a_quote_stores_the_excerpt_at_its_offsets(editor_client):
    source = SourceFactory()

    response = editor_client.post(admin_url(Excerpt, "add"), excerpt_form(source, "Critics said the plan"))

    excerpt = Excerpt.objects.get(source=source)
    assert response.status_code == 302
    assert excerpt.start == source.text.index("Critics said the plan")
    assert source.text[excerpt.start : excerpt.end] == "Critics said the plan"
    assert excerpt.is_anchored


def test_a_quote_pasted_with_straight_quotes_and_hyphens_matches_the_typographic_source(editor_client):
    source = SourceFactory()

    editor_client.post(
        admin_url(Excerpt, "add"),
        excerpt_form(source, '"we will fund crisis teams" on Monday. Critics said the plan -'),
    )

    excerpt = Excerpt.objects.get(source=source)
    assert excerpt.quote == "“we will fund crisis teams” on Monday. Critics said the plan —"
    assert source.text[excerpt.start : excerpt.end] == excerpt.quote
    assert excerpt.start == source.text.index("“we will")


def test_a_quote_not_in_the_source_is_refused_with_its_message(editor_client):
    source = SourceFactory(title="The plan")

    response = editor_client.post(admin_url(Excerpt, "add"), excerpt_form(source, "we will defund the police"))

    assert "This quote was not found in the source “The plan”." in response.content.decode()
    assert not Excerpt.objects.exists()


def test_an_ambiguous_quote_is_refused_until_a_prefix_picks_one(editor_client):
    source = SourceFactory(text="First, the mayor said no. Later, the mayor said no. The end.")

    refused = editor_client.post(admin_url(Excerpt, "add"), excerpt_form(source, "the mayor said no"))

    assert "This quote occurs 2 times in the source" in refused.content.decode()
    assert "give a prefix or suffix" in refused.content.decode()
    assert not Excerpt.objects.exists()

    editor_client.post(admin_url(Excerpt, "add"), excerpt_form(source, "the mayor said no", prefix="Later,"))

    assert Excerpt.objects.get(source=source).start == source.text.index("the mayor said no. The end")


def test_the_same_passage_cannot_be_stored_twice(editor_client):
    excerpt = ExcerptFactory()

    response = editor_client.post(admin_url(Excerpt, "add"), excerpt_form(excerpt.source, excerpt.quote))

    assert "is already an excerpt: use that one." in response.content.decode()
    assert Excerpt.objects.count() == 1


def test_an_excerpt_pasted_on_its_source_page_is_anchored(editor_client):
    source = SourceFactory()

    response = editor_client.post(
        admin_url(source, "change", source.pk), source_form(source, **{"excerpts-0-quote": "as written"})
    )

    assert response.status_code == 302
    excerpt = source.excerpts.get()
    assert source.text[excerpt.start : excerpt.end] == "as written"


def test_a_quote_not_found_on_the_source_page_is_refused_and_nothing_is_saved(editor_client):
    source = SourceFactory()

    response = editor_client.post(
        admin_url(source, "change", source.pk),
        source_form(source, title="Changed title", **{"excerpts-0-quote": "not in this article"}),
    )

    assert "This quote was not found in the source" in response.content.decode()
    source.refresh_from_db()
    assert source.title != "Changed title"
    assert not source.excerpts.exists()


def test_the_same_passage_pasted_twice_on_the_source_page_is_refused(editor_client):
    source = SourceFactory()
    data = source_form(
        source,
        **management_form("excerpts", total=2),
        **{"excerpts-0-quote": "as written", "excerpts-1-quote": "as written"},
        **{"excerpts-1-prefix": "", "excerpts-1-suffix": ""},
    )

    response = editor_client.post(admin_url(source, "change", source.pk), data)

    assert "is already an excerpt: use that one." in html.unescape(response.content.decode())
    assert not source.excerpts.exists()


def test_the_text_of_a_stored_source_cannot_be_changed(editor_client):
    source = SourceFactory()
    original = source.text

    editor_client.post(admin_url(source, "change", source.pk), source_form(source, text="Replaced text"))

    source.refresh_from_db()
    assert source.text == original
    assert source.sha256 == Source.digest(original)


def test_a_source_added_by_hand_gets_its_fingerprint(editor_client):
    response = editor_client.post(
        admin_url(Source, "add"),
        {
            "title": "Press release",
            "slug": "press-release",
            "publisher": "",
            "byline": "",
            "published_on": "",
            "url": "",
            "text": "We support crisis teams.",
        },
    )

    source = Source.objects.get(slug="press-release")
    assert response.status_code == 302
    assert source.sha256 == Source.digest("We support crisis teams.")
    assert source.missing_fields == ["publisher", "byline", "published on"]


# Saving stances ------------------------------------------------------------------------------


def test_saving_a_stance_with_an_excerpt_records_who_and_keeps_history(editor_client, editor):
    actor, policy, excerpt = ActorFactory(), PolicyFactory(), ExcerptFactory()

    response = editor_client.post(
        admin_url(Stance, "add"),
        stance_form(actor, policy, **{"evidence-0-excerpt": excerpt.pk}),
    )

    assert response.status_code == 302
    stance = Stance.objects.get(actor=actor, policy=policy)
    assert stance.status == Stance.Status.DRAFT
    assert list(stance.excerpts.all()) == [excerpt]
    assert stance.created_by == editor
    assert stance.updated_by == editor
    # The stance's own history says when its evidence changed, and who changed it.
    assert [(record.history_type, record.history_change_reason) for record in stance.history.all()] == [
        ("~", f"Excerpt added: {excerpt}"),
        ("+", None),
    ]
    assert {record.history_user for record in stance.history.all()} == {editor}
    assert stance.evidence.get().history.get().history_user == editor


def test_removing_an_excerpt_from_a_stance_shows_in_its_history(editor_client, editor):
    kept, removed = ExcerptFactory(), ExcerptFactory()
    stance = StanceFactory(status=Stance.Status.DRAFT, excerpts=[kept, removed])
    links = list(stance.evidence.order_by("pk"))
    data = stance_form(
        stance.actor,
        stance.policy,
        stated_on=stance.stated_on.isoformat(),
        **management_form("evidence", total=2, initial=2),
        **{f"evidence-{n}-id": link.pk for n, link in enumerate(links)},
        **{f"evidence-{n}-stance": stance.pk for n in range(2)},
        **{f"evidence-{n}-excerpt": link.excerpt_id for n, link in enumerate(links)},
        **{"evidence-1-DELETE": "on"},
    )

    editor_client.post(admin_url(stance, "change", stance.pk), data)

    assert list(stance.excerpts.all()) == [kept]
    latest = stance.history.first()
    assert (latest.history_change_reason, latest.history_user) == (f"Excerpt removed: {removed}", editor)


def test_changing_a_stance_sets_who_changed_it_but_keeps_who_created_it(editor_client, editor):
    author = UserFactory(is_staff=True)
    stance = StanceFactory(status=Stance.Status.DRAFT, excerpts=[])
    stance.created_by = author
    stance.save()
    data = stance_form(stance.actor, stance.policy, summary="Reworded summary")

    editor_client.post(admin_url(stance, "change", stance.pk), data)

    stance.refresh_from_db()
    assert stance.summary == "Reworded summary"
    assert stance.created_by == author
    assert stance.updated_by == editor
    assert stance.history.first().history_user == editor


def test_a_month_precision_date_is_stored_as_the_first_of_the_month(editor_client):
    actor, policy = ActorFactory(), PolicyFactory()

    editor_client.post(
        admin_url(Stance, "add"),
        stance_form(actor, policy, stated_on="2020-06-15", date_precision=Stance.DatePrecision.MONTH),
    )

    assert Stance.objects.get(actor=actor).stated_on == datetime.date(2020, 6, 1)


def test_the_last_excerpt_of_a_published_stance_cannot_be_removed(editor_client):
    stance = StanceFactory()
    link = stance.evidence.get()
    data = stance_form(
        stance.actor,
        stance.policy,
        status=Stance.Status.PUBLISHED,
        stated_on=stance.stated_on.isoformat(),
        **management_form("evidence", total=1, initial=1),
        **{"evidence-0-id": link.pk, "evidence-0-stance": stance.pk, "evidence-0-excerpt": link.excerpt_id},
        **{"evidence-0-DELETE": "on"},
    )

    response = editor_client.post(admin_url(stance, "change", stance.pk), data)

    assert "A published stance needs at least one excerpt" in response.content.decode()
    assert stance.evidence.exists()


def test_the_history_page_lists_each_change_with_its_editor(editor_client, editor):
    actor, policy, excerpt = ActorFactory(), PolicyFactory(), ExcerptFactory()
    editor_client.post(admin_url(Stance, "add"), stance_form(actor, policy, **{"evidence-0-excerpt": excerpt.pk}))
    stance = Stance.objects.get(actor=actor)
    link = stance.evidence.get()
    editor_client.post(
        admin_url(stance, "change", stance.pk),
        stance_form(
            actor,
            policy,
            summary="Supports crisis teams, as the mayor-elect",
            **management_form("evidence", total=1, initial=1),
            **{"evidence-0-id": link.pk, "evidence-0-stance": stance.pk, "evidence-0-excerpt": excerpt.pk},
        ),
    )

    response = editor_client.get(admin_url(stance, "history", stance.pk))

    content = response.content.decode()
    assert "Changed by" in content
    assert "<td>Created</td>" in content
    assert "<td>Changed</td>" in content
    start = content.index('<table id="change-history"')
    table = content[start : content.index("</table>", start)]
    assert table.count(editor.username) == 3  # created, its excerpt added, then its summary changed
    assert "Excerpt added: " in table
    assert reverse("admin:auth_user_change", args=[editor.pk]) not in content  # editors cannot open accounts
    assert "<strong>Summary:</strong>" in content


def test_reverting_a_stance_from_its_history_cannot_publish_it_without_excerpts(editor_client):
    stance = StanceFactory(status=Stance.Status.PUBLISHED)
    published_version = stance.history.first()
    stance.evidence.all().delete()
    stance.status = Stance.Status.DRAFT
    stance.save()

    response = editor_client.post(
        reverse("admin:positions_stance_simple_history", args=[stance.pk, published_version.history_id]),
        stance_form(
            stance.actor, stance.policy, status=Stance.Status.PUBLISHED, stated_on=stance.stated_on.isoformat()
        ),
    )

    assert "Change the status with the actions" in response.content.decode()
    stance.refresh_from_db()
    assert stance.status == Stance.Status.DRAFT


@pytest.mark.parametrize(
    ("model", "shown"),
    [
        (Source, "5 sources"),
        (Excerpt, "5 excerpts"),
        (Actor, "10 actors"),
        (Policy, "5 policies"),
        (Stance, "5 stances"),
    ],
)
def test_each_list_takes_a_fixed_number_of_queries(editor_client, django_assert_max_num_queries, model, shown):
    editor_client.get(admin_url(model, "changelist"))  # the session and permissions are cached from here on
    for _ in range(5):
        StanceFactory(actor__parent=ActorFactory())

    with django_assert_max_num_queries(11):
        response = editor_client.get(admin_url(model, "changelist"))

    assert shown in response.content.decode()


def test_a_source_page_takes_a_fixed_number_of_queries_however_many_excerpts(
    editor_client, django_assert_max_num_queries
):
    source = SourceFactory()
    for quote in ["Article", "The mayor said", "on Monday", "Critics said", "would not work"]:
        ExcerptFactory(source=source, quote=quote)
    editor_client.get(admin_url(source, "change", source.pk))  # the session and permissions are cached from here on

    with django_assert_max_num_queries(8):
        response = editor_client.get(admin_url(source, "change", source.pk))

    assert response.content.decode().count('name="excerpts-') > 5 * 3
