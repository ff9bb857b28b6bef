"""The readers' pages stay small however much one actor or policy holds: an actor's policies come a page at a time,
each chart shows the latest stances of its series, and a policy's positions come a page at a time."""

import datetime
import re

import pytest

from tests.factories import ActorFactory, PolicyFactory, StanceFactory

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def headings(response) -> list[str]:
    return re.findall(r'<h2 id="policy-([^"]+)"', response.content.decode())


@pytest.fixture
def prolific(settings):
    """One actor with stances on five policies, and eight stances alternating sides on the first of them."""
    actor = ActorFactory(name="Prolific Speaker", slug="prolific")
    policies = [PolicyFactory(name=f"Policy {letter}", slug=f"policy-{letter}") for letter in "abcde"]
    for policy in policies[1:]:
        StanceFactory(actor=actor, policy=policy, position=1, stated_on=datetime.date(2024, 1, 1))
    for step in range(8):
        StanceFactory(
            actor=actor,
            policy=policies[0],
            position=2 if step % 2 else -2,
            stated_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=40 * step),
            summary=f"Statement number {step + 1}.",
        )
    return actor


def test_an_actor_page_pages_its_policies_by_name(client, prolific, monkeypatch):
    monkeypatch.setattr("web.views.SERIES_PER_PAGE", 2)

    first = client.get("/actors/prolific/")
    assert headings(first) == ["policy-a", "policy-b"]
    assert "Policies 1 to 2 of 5, by name." in text_of(first)
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert 'rel="prev"' not in first.content.decode()

    last = client.get("/actors/prolific/?page=3")
    assert headings(last) == ["policy-e"]
    assert 'rel="prev" href="?page=2"' in last.content.decode()
    assert 'rel="next"' not in last.content.decode()
    # A page past the end or not a number is the nearest page a reader can use, as Django's paginators give it.
    assert headings(client.get("/actors/prolific/?page=99")) == ["policy-e"]
    assert headings(client.get("/actors/prolific/?page=x")) == ["policy-a", "policy-b"]


def test_a_chart_shows_the_latest_stances_of_a_long_series_and_says_where_the_rest_are(client, prolific, monkeypatch):
    monkeypatch.setattr("web.views.POINTS_PER_CHART", 3)

    page = text_of(client.get("/actors/prolific/"))
    shown = re.findall(r"Statement number (\d+)\.", page)
    assert sorted(set(shown), key=int) == ["6", "7", "8"]
    assert "the latest 3 of 8; the whole timeline is in the API" in page
    # The first shown keeps its change from the stance before it, though that stance is not shown.
    assert "Reversal" in page or "reversal" in page


def test_a_policy_page_pages_its_positions_and_keeps_the_day(client, monkeypatch):
    monkeypatch.setattr("web.views.LIST_LIMIT", 2)
    policy = PolicyFactory(name="Crowded Policy", slug="crowded")
    for name in ("Ada", "Ben", "Cy", "Di", "Eve"):
        StanceFactory(actor=ActorFactory(name=name), policy=policy, position=1, stated_on=datetime.date(2024, 5, 1))

    first = client.get("/policies/crowded/?as_of=2025-01-01")
    assert "Actors 1 to 2 of 5, by name." in text_of(first)
    assert 'rel="next" href="?as_of=2025-01-01&amp;page=2"' in first.content.decode()
    rows = re.findall(r'<tr id="position-\d+">\s*<th scope="row"><a [^>]+>([^<]+)</a>', first.content.decode())
    assert rows == ["Ada", "Ben"]

    last = client.get("/policies/crowded/?as_of=2025-01-01&page=3")
    rows = re.findall(r'<tr id="position-\d+">\s*<th scope="row"><a [^>]+>([^<]+)</a>', last.content.decode())
    assert rows == ["Eve"]
    # Without a day, "today" is not written into the links.
    assert 'rel="next" href="?page=2"' in client.get("/policies/crowded/").content.decode()


def test_a_chart_of_a_long_series_draws_its_latest_stances_and_says_so(client, prolific, monkeypatch):
    monkeypatch.setattr("web.views.POINTS_PER_CHART", 3)

    svg = client.get("/actors/prolific/policies/policy-a/chart.svg").content.decode()
    assert '<title id="chart-title">Prolific Speaker on Policy a (the latest 3 of 8 stances)</title>' in svg
    assert len(set(re.findall(r'data-stance="(\d+)"', svg))) == 3
    embed = client.get("/embed/actors/prolific/policies/policy-a/").content.decode()
    assert "(the latest 3 of 8 stances)" in embed
    # A series that fits is drawn whole, under its plain title.
    short = client.get("/actors/prolific/policies/policy-b/chart.svg").content.decode()
    assert '<title id="chart-title">Prolific Speaker on Policy b</title>' in short
