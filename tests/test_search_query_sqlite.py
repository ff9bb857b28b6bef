"""Web-search queries as FTS5 expressions (``positions.search_sqlite.match_expression``): pure, no database; and
the SQLite search they drive."""

import pytest
from django.db import connection

from positions.search_sqlite import Match, match_expression


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("police", Match('("police")')),
        ("police budget", Match('("police" AND "budget")')),
        ('"city budget"', Match('("city budget")')),
        ('"city budget" police', Match('("city budget" AND "police")')),
        ("city -police", Match('(("city") NOT ("police"))')),
        ('city -"crisis teams" -ice', Match('(("city") NOT ("crisis teams" OR "ice"))')),
        ("police or budget", Match('("police") OR ("budget")')),
        ("police OR -ice", Match('("police")')),  # "everything but ice" cannot stand in an OR on FTS5
        ("-ice", Match(None, excluded='"ice"')),
        ("-ice -police", Match(None, excluded='"ice" OR "police"')),
        # Never FTS5 syntax: operators, quotes, stars and columns are only text, and only words count.
        ('NEAR(police budget) AND "x', Match('("NEAR police" AND "budget" AND "AND" AND "x")')),
        ("police* document:budget ^start", Match('("police" AND "document budget" AND "start")')),
        ("Mamdani's plan", Match('("Mamdani s" AND "plan")')),
        ('"unclosed phrase', Match('("unclosed phrase")')),
        ("", None),
        ("   ", None),
        ("!!! -- ''", None),
        ("or", None),
    ],
)
def test_a_web_search_query_becomes_an_fts5_expression_of_quoted_terms(query, expected):
    assert match_expression(query) == expected


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 document is SQLite's")
def test_on_sqlite_a_query_of_negations_lists_every_record_without_them_and_a_wordless_one_none(api_client):
    from tests.factories import ExcerptFactory, SourceFactory, StanceFactory

    source = SourceFactory(text="Cooperation with ICE will end. The budget grows.")
    with_ice = StanceFactory(summary="Ends ICE cooperation", excerpts=[ExcerptFactory(source=source, quote="ICE")])
    without = StanceFactory(summary="Grows the budget", excerpts=[ExcerptFactory(source=source, quote="budget")])

    def ids(query):
        response = api_client.get("/api/stances/", {"q": query})
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("-ice") == {without.pk}
    assert ids("ice") == {with_ice.pk}
    assert ids("cooperations") == {with_ice.pk}  # stemmed, as on PostgreSQL
    assert ids("!!!") == set()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 document is SQLite's")
def test_on_sqlite_a_common_and_a_rare_query_are_read_two_ways_with_the_same_answer(api_client, monkeypatch):
    from positions import search_sqlite
    from tests.factories import ExcerptFactory, SourceFactory, StanceFactory

    source = SourceFactory(text="The budget grows. The budget shrinks. Police patrols grow.")
    for quote in ("The budget grows", "The budget shrinks", "Police patrols grow"):
        StanceFactory(summary=f"Said: {quote}", excerpts=[ExcerptFactory(source=source, quote=quote)])

    def listed():
        return [row["id"] for row in api_client.get("/api/stances/", {"q": "budget -shrinks"}).json()["results"]]

    rare = listed()  # fewer matches than search_sqlite.COMMON: read by key and sorted
    monkeypatch.setattr(search_sqlite, "COMMON", 1)
    assert search_sqlite.is_common('"budget"')
    common = listed()  # walked in the list's order
    assert rare == common and len(rare) == 1
