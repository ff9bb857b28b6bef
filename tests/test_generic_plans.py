"""Prepared statements keep one generic plan for every execution once PostgreSQL finds it no worse than planning
each time. Such a plan is made without the parameters' values, so a condition on a parameter (``status = $1``) can
use no partial index: the published-stance indexes are out of its reach, and on skewed data PostgreSQL switched the
actors list to a plan seven times slower (53 ms instead of 7 at a million stances) and a series' page to one that
sorted the whole series. The status is written into the statement (``stancetracker.expressions.Constant``) and the
series index holds the whole order of a series, so the generic plans are the good ones.

Each statement is prepared and explained with ``plan_cache_mode = force_generic_plan``; sequential scans are
turned off so that on a few test rows the planner still picks the index it would pick on many.
"""

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from django.db import connection

from positions.models import Stance
from stancetracker.expressions import Constant
from tests.factories import StanceFactory

pytestmark = pytest.mark.django_db


def _load_capture():
    """The benchmark's ``bench/capture.py`` (a folder of scripts, not a package)."""
    path = Path(__file__).resolve().parent.parent / "bench" / "capture.py"
    spec = importlib.util.spec_from_file_location("bench_capture", path)
    module = sys.modules["bench_capture"] = importlib.util.module_from_spec(spec)  # its dataclasses look it up
    spec.loader.exec_module(module)
    return module


capture = _load_capture()


def test_a_constant_is_written_into_the_statement():
    sql, params = Stance.objects.published().query.sql_with_params()
    assert "'published'" in sql
    assert "published" not in params


@pytest.mark.parametrize("value", ["published'; DROP TABLE x; --", "two words", "", 3])
def test_a_constant_is_only_a_plain_word(value):
    with pytest.raises(ValueError, match="plain word"):
        Constant(value)


def generic_plan(queryset) -> str:
    """The queryset's statement explained under its generic plan, as the benchmark report explains it."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return "\n".join(capture.generic_plan(cursor, sql, params))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements' plans are PostgreSQL's")
def test_the_latest_positions_of_a_page_of_actors_know_the_status_in_a_generic_plan():
    stance = StanceFactory(status="published")
    rows = (
        Stance.objects.as_of(None)
        .filter(actor__in=[stance.actor_id])
        .order_by("actor_id", "policy__name", "policy_id", "qualifier")
    )
    plan = generic_plan(rows)
    # The status is known to the plan (a partial index may serve it), not a parameter it must test each row for.
    assert "status" not in plan or "'published'" in plan, plan
    assert "(status)::text = $" not in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements' plans are PostgreSQL's")
def test_a_page_of_one_series_is_read_in_index_order_without_a_sort_in_a_generic_plan():
    stance = StanceFactory(status="published")
    page = (
        Stance.objects.published()
        .filter(actor=stance.actor_id, policy=stance.policy_id)
        .chronological(of=("actor", "policy"))
        .as_rows()[:50]
    )
    plan = generic_plan(page)
    assert "stance_series_order" in plan
    assert "Sort" not in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements' plans are PostgreSQL's")
def test_the_benchmark_explains_each_statement_with_the_plan_it_is_prepared_with(transactional_db, seeded, settings):
    settings.DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
    stance = Stance.objects.published().select_related("actor", "policy").first()
    url = f"/api/actors/{stance.actor.slug}/timeline/?policy={stance.policy.slug}"
    (recording,) = capture.record([("timeline", url)], explain=True)
    # The page: read to its end (the series fits on one page), in the series' order.
    page = next(plan for statement, plan in recording.plans if re.search(r'AS "pk", .* ORDER BY [^()]*$', statement))
    # The plan of the statement with its parameters left open ($n), then the time of the one made for its values.
    assert re.search(r"actor_id = \$\d", page), page
    assert re.search(r"^Planned for its values instead: execution time: [\d.]+ ms$", page, re.MULTILINE), page
