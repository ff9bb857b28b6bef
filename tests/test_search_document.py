"""Search over each stance's stored document of its summary and quotes, kept by triggers whatever writes: a
``tsvector`` column on PostgreSQL (``positions.search``), an FTS5 table on SQLite (``positions.search_sqlite``)."""

import datetime

import pytest
from django.db import connection, transaction

from positions.models import Stance, StanceEvidence
from positions.querysets import StoredSearchDocument
from tests.factories import ActorFactory, ExcerptFactory, PolicyFactory, SourceFactory, StanceFactory

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the tsvector column, its index and its bulk upkeep are PostgreSQL's"
)


@pytest.fixture
def records():
    actor = ActorFactory(name="Zohran Mamdani", slug="zohran-mamdani")
    policy = PolicyFactory(name="Department of Community Safety", slug="community-safety")
    budget = SourceFactory(
        slug="budget", text="The city budget moves money to crisis teams. Officers will still answer 911 calls."
    )
    ending = SourceFactory(slug="ending", text="He spoke about the city. Budget hearings start in March.")
    return {
        "budget": StanceFactory(
            actor=actor,
            policy=policy,
            position=2,
            stated_on=datetime.date(2025, 6, 1),
            summary="Backs a new department",
            excerpts=[ExcerptFactory(source=budget, quote="The city budget moves money to crisis teams")],
        ),
        "apart": StanceFactory(
            actor=actor,
            policy=policy,
            position=1,
            stated_on=datetime.date(2025, 7, 1),
            summary="Police officers keep answering calls",
            excerpts=[
                ExcerptFactory(source=ending, quote="He spoke about the city."),
                ExcerptFactory(source=ending, quote="Budget hearings start in March."),
            ],
        ),
    }


def found(api_client, text: str) -> set[str]:
    response = api_client.get("/api/stances/", {"q": text})
    assert response.status_code == 200, response.content
    return {row["summary"] for row in response.json()["results"]}


def test_one_word_or_phrase_is_found_in_summaries_and_quotes(api_client, records):
    assert found(api_client, "department") == {"Backs a new department"}
    assert found(api_client, "crisis teams") == {"Backs a new department"}
    assert found(api_client, "hearings") == {"Police officers keep answering calls"}
    assert found(api_client, "zeppelin") == set()


def test_words_may_stand_in_different_texts_of_a_record_but_a_phrase_only_in_one(api_client, records):
    # "police" is in the summary, "march" in the second quote: one record matches both words.
    assert found(api_client, "police march") == {"Police officers keep answering calls"}
    assert found(api_client, "department hearings") == set()
    # The phrase stands in the first stance's quote; in the second, "city." ends one quote and "Budget" starts the
    # next, which is no phrase.
    assert found(api_client, '"city budget"') == {"Backs a new department"}
    assert found(api_client, "city -police") == {"Backs a new department"}


def test_documents_follow_every_write_to_summaries_and_evidence(api_client, records):
    stance = records["budget"]
    stance.summary = "Wants a civilian safety agency"
    stance.save()
    assert found(api_client, "agency") == {"Wants a civilian safety agency"}
    assert found(api_client, "department") == set()
    extra = ExcerptFactory(
        source=SourceFactory(text="Mental health responders will go to those calls."), quote="Mental health responders"
    )
    StanceEvidence.objects.create(stance=stance, excerpt=extra)
    assert found(api_client, "responders") == {"Wants a civilian safety agency"}
    StanceEvidence.objects.filter(stance=stance).exclude(excerpt=extra).delete()
    assert found(api_client, "crisis teams") == set()
    assert found(api_client, "responders") == {"Wants a civilian safety agency"}


def test_a_rolled_back_write_leaves_the_document_as_it_was(api_client, records):
    with pytest.raises(RuntimeError), transaction.atomic():
        Stance.objects.filter(pk=records["budget"].pk).update(summary="Something else entirely")
        raise RuntimeError
    assert found(api_client, "department") == {"Backs a new department"}


@postgresql_only
def test_the_document_has_a_gin_index_over_published_stances_and_search_is_that_test(records):
    from django.contrib.postgres.search import SearchQuery

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'positions_stance_search_document'")
        (definition,) = cursor.fetchone()
    assert "USING gin (search_document) WHERE ((status)::text = 'published'::text)" in definition
    query = SearchQuery("police budget", search_type="websearch", config="english")
    searched = Stance.objects.published().search("police budget")
    assert '"positions_stance"."search_document" @@ (websearch_to_tsquery' in str(searched.query)
    documents = Stance.objects.published().alias(d=StoredSearchDocument()).filter(d=query)
    assert list(searched.order_by("pk")) == list(documents.order_by("pk"))


@postgresql_only
def test_a_bulk_write_fills_its_documents_after_it_and_the_triggers_are_back(api_client, records):
    from positions import search

    stance = records["budget"]
    with transaction.atomic(), search.maintained_after():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE positions_stance SET search_document = NULL WHERE id = %s", [stance.pk])
        Stance.objects.filter(pk=stance.pk).update(summary="Backs a civilian agency instead")  # no trigger now
    assert found(api_client, "agency") == {"Backs a civilian agency instead"}
    assert found(api_client, "crisis teams") == {"Backs a civilian agency instead"}
    Stance.objects.filter(pk=stance.pk).update(summary="Backs a new department")
    assert found(api_client, "agency") == set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE %s AND tgenabled = 'O'", ["%search%"])
        assert cursor.fetchone() == (sum(len(names) for names in search.TRIGGERS.values()),)
        cursor.execute("SELECT to_regclass(%s), to_regclass(%s)", [search.INDEX, search.STAGING])
        assert cursor.fetchone() == (search.INDEX, None)
