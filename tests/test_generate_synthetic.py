"""generate_synthetic: a large, skewed, deterministic dataset for benchmarks, loaded in bulk (small sizes here)."""

import datetime
import hashlib
import io
import statistics
from collections import Counter
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Min

from positions import chronology, search, steps
from positions.models import Actor, Policy, Stance, StanceEvidence
from sources.models import Excerpt, Source

SIZES = {"stances": 2000, "actors": 50, "policies": 20, "sources": 200}


def generate(**options) -> str:
    out = io.StringIO()
    call_command("generate_synthetic", **{**SIZES, "seed": 42, **options}, stdout=out, verbosity=0)
    return out.getvalue()


def digest() -> str:
    """Every generated value that does not depend on ids or the time of the load, in creation order."""
    rows = [
        list(Policy.objects.order_by("slug").values_list("slug", "name", "description", "parent__slug")),
        list(Actor.objects.order_by("slug").values_list("slug", "name", "kind", "description", "parent__slug")),
        list(
            Source.objects.order_by("slug").values_list(
                "slug", "title", "publisher", "byline", "published_on", "url", "sha256"
            )
        ),
        list(
            Excerpt.objects.order_by("source__slug", "start").values_list(
                "source__slug", "start", "end", "quote", "prefix", "suffix"
            )
        ),
        list(
            Stance.objects.order_by("pk").values_list(
                "actor__slug",
                "policy__slug",
                "position",
                "stated_on",
                "stated_by",
                "date_precision",
                "known_from",
                "evidence_kind",
                "qualifier",
                "summary",
                "status",
            )
        ),
        list(
            StanceEvidence.objects.order_by("pk").values_list(
                "stance__actor__slug", "stance__stated_on", "excerpt__source__slug", "excerpt__start"
            )
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture
def generated(db):
    generate()


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows(db):
    generate(seed=7)
    first = digest()
    generate(seed=7, replace=True)
    assert digest() == first
    generate(seed=8, replace=True)
    assert digest() != first


def test_it_makes_what_was_asked_for_and_says_so(db):
    summary = generate()
    assert Stance.objects.count() == 2000
    assert Actor.objects.count() == 50
    assert Source.objects.count() == 200
    # One topic for about every 27 policies, each policy under a topic.
    assert Policy.objects.filter(parent=None).count() == 1
    assert Policy.objects.exclude(parent=None).count() == 20
    excerpts = Excerpt.objects.count()
    assert StanceEvidence.objects.count() == excerpts
    assert 1.7 <= excerpts / 2000 <= 1.9
    assert summary.startswith("Generated 2,000 stances, 50 actors, 21 policies, 200 sources,")


def test_a_few_actors_hold_most_stances(generated):
    per_actor = sorted(Counter(Stance.objects.values_list("actor_id", flat=True)).values())
    assert per_actor[-1] >= 8 * statistics.median(per_actor)


def test_drafts_sources_without_dates_and_every_date_precision_are_mixed_in(generated):
    statuses = Counter(Stance.objects.values_list("status", flat=True))
    assert 0.02 < statuses[Stance.Status.DRAFT] / 2000 < 0.08
    precisions = Counter(Stance.objects.values_list("date_precision", flat=True))
    assert set(precisions) == set(Stance.DatePrecision)
    assert precisions[Stance.DatePrecision.DAY] > 0.7 * 2000
    assert Source.objects.filter(published_on=None).exists()
    assert Stance.objects.exclude(qualifier="").exists()


def test_every_stance_keeps_the_chronology_rules(generated):
    reports: dict[int, list] = {}
    for stance_id, published_on in StanceEvidence.objects.values_list("stance_id", "excerpt__source__published_on"):
        reports.setdefault(stance_id, []).append(published_on)
    for stance in Stance.objects.all():
        span = stance.period
        assert (span.first, span.last) == (stance.stated_on, stance.stated_by)
        assert stance.known_from == chronology.known_from(span, reports[stance.pk])
        assert not [day for day in reports[stance.pk] if chronology.report_problem(span, day)]
    assert not Stance.objects.annotate(links=Count("evidence")).filter(links=0).exists()


def test_every_excerpt_verifies_and_is_anchored_as_an_editor_would_anchor_it(generated):
    out = io.StringIO()
    call_command("verify_excerpts", stdout=out)
    assert f"All {Excerpt.objects.count()} excerpt(s) are anchored" in out.getvalue()
    for excerpt in Excerpt.objects.select_related("source").order_by("pk")[:100]:
        saved = (excerpt.start, excerpt.end, excerpt.prefix, excerpt.suffix)
        excerpt.full_clean()
        assert (excerpt.start, excerpt.end, excerpt.prefix, excerpt.suffix) == saved


def test_the_public_api_answers_on_the_generated_data(generated, api_client):
    heaviest = Actor.objects.annotate(n=Count("stances")).order_by("-n").first()
    for url in (
        "/api/stances/",
        "/api/positions/",
        "/api/shifts/",
        f"/api/actors/{heaviest.slug}/",
        f"/api/actors/{heaviest.slug}/timeline/",
        f"/api/policies/{Policy.objects.exclude(parent=None).first().slug}/timeline/",
    ):
        response = api_client.get(url)
        assert response.status_code == 200, url
        body = response.json()
        assert body.get("results") or body.get("latest_positions"), url
    assert api_client.get("/api/shifts/").json()["results"]


def test_it_refuses_to_load_twice_unless_asked_to_replace(generated):
    before = (Stance.objects.count(), Stance.objects.aggregate(first=Min("pk"))["first"])
    with pytest.raises(CommandError, match="Synthetic data already exists.*--replace"):
        generate()
    assert (Stance.objects.count(), Stance.objects.aggregate(first=Min("pk"))["first"]) == before
    generate(replace=True, stances=500)
    assert Stance.objects.count() == 500
    assert Actor.objects.count() == 50


def test_generated_stances_are_found_by_their_summaries_and_quotes(generated, api_client):
    # On PostgreSQL the load sets the search-document triggers aside and fills every document after it
    # (``positions.search``); a replacing load fills those of the rows it writes.
    stance = Stance.objects.published().exclude(summary="").prefetch_related("excerpts").order_by("pk")[7]
    quote_word = max(stance.excerpts.first().quote.split(), key=len).strip(".,;:!?\"'")
    summary_word = max(stance.summary.split(), key=len).strip(".,;:!?\"'")
    for word in (quote_word, summary_word):
        ids = set()
        url, params = "/api/stances/", {"q": word, "page_size": 500}
        while url:
            body = api_client.get(url, params).json()
            ids |= {row["id"] for row in body["results"]}
            url, params = body["next"], None
        assert stance.pk in ids, word
    if connection.vendor == "postgresql":
        generate(replace=True, stances=300)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM positions_stance WHERE search_document IS NULL")
            assert cursor.fetchone() == (0,)


def test_placements_are_the_timeline_rules_over_the_published_stances():
    """``steps.placements``, which the generator writes every stance with, on plain values: no database."""

    def stance(pk, day, position, status="published", qualifier=""):
        return SimpleNamespace(
            pk=pk, actor_id=1, policy_id=1, qualifier=qualifier, position=position, status=status,
            stated_on=day, known_from=day,
        )  # fmt: skip

    january = stance(3, datetime.date(2024, 1, 10), 1)
    draft = stance(2, datetime.date(2024, 2, 10), 2, status="draft")
    scoped = stance(4, datetime.date(2024, 2, 1), 2, qualifier="in public schools")
    march = stance(1, datetime.date(2024, 3, 10), -1)
    assert steps.placements([march, draft, january, scoped]) == {
        3: (None, datetime.date(2024, 3, 10), "first"),
        1: (3, None, "reversal"),
        2: (None, None, ""),
        4: (None, None, "first"),
    }


def test_every_stance_is_written_already_placed_in_its_series(generated):
    # Nothing places the series after the load: the generator writes what ``steps.place`` would store.
    assert steps.place() == 0
    assert Stance.objects.filter(step="reversal").exclude(previous=None).exists()


def test_the_documents_are_those_the_triggers_would_make_and_nothing_of_the_load_is_left(generated):
    if connection.vendor != "postgresql":
        pytest.skip("the stored search document is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM positions_stance WHERE search_document IS DISTINCT FROM "
            "positions_stance_document(id, summary)"
        )
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT to_regclass(%s), to_regclass(%s)", [search.STAGED, search.STAGING])
        assert cursor.fetchone() == (None, None)
