"""When a stance counts: periods, known-from days and order in a series. Plain values, no database."""

import datetime
from dataclasses import dataclass

import pytest

from positions import chronology
from positions.constants import DatePrecision


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("text", "first", "last", "precision", "shown"),
    [
        ("2025-08-30", "2025-08-30", "2025-08-30", DatePrecision.DAY, "2025-08-30"),
        ("2025-08", "2025-08-01", "2025-08-31", DatePrecision.MONTH, "August 2025"),
        ("2024-02", "2024-02-01", "2024-02-29", DatePrecision.MONTH, "February 2024"),
        ("2025", "2025-01-01", "2025-12-31", DatePrecision.YEAR, "2025"),
        ("2025-09-01/2025-11-04", "2025-09-01", "2025-11-04", DatePrecision.RANGE, "2025-09-01 to 2025-11-04"),
    ],
)
def test_each_notation_names_a_period_of_days(text, first, last, precision, shown):
    span = chronology.parse(text)
    assert (span.first, span.last, span.precision) == (day(first), day(last), precision)
    assert str(span) == shown
    assert span.notation == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("June 2020", "it is not YYYY, YYYY-MM, YYYY-MM-DD or a range"),
        ("2025-13", "it is not YYYY"),
        ("2025-02-30", "it is not YYYY"),
        ("2025-11-04/2025-09-01", "A range cannot end before it starts"),
        ("2025-09-01/", "it is not YYYY"),
    ],
)
def test_a_date_that_is_not_a_period_is_refused_with_the_forms_it_may_take(text, message):
    with pytest.raises(ValueError, match=message):
        chronology.parse(text)


def test_a_month_or_year_keeps_its_first_day_whatever_day_is_given():
    assert chronology.period(day("2025-08-17"), DatePrecision.MONTH).first == day("2025-08-01")
    assert chronology.period(day("2025-08-17"), DatePrecision.YEAR).first == day("2025-01-01")


def test_a_range_needs_its_last_day():
    with pytest.raises(ValueError, match="needs its last day"):
        chronology.period(day("2025-09-01"), DatePrecision.RANGE)


@pytest.mark.parametrize(
    ("reports", "known"),
    [
        ([], "2025-08-31"),  # no dated report: the end of the period
        ([None], "2025-08-31"),  # an undated source says nothing about when
        (["2025-08-30"], "2025-08-30"),  # reported before the month is out
        (["2025-11-07", "2025-08-30"], "2025-08-30"),  # the earliest report counts
        (["2025-09-15"], "2025-08-31"),  # a later report changes nothing
    ],
)
def test_a_stance_is_known_from_its_periods_end_or_its_first_report_whichever_is_first(reports, known):
    span = chronology.parse("2025-08")
    assert chronology.known_from(span, [day(r) if r else None for r in reports]) == day(known)


def test_a_report_before_the_period_starts_is_a_problem_and_never_moves_the_known_from_day_before_it():
    span = chronology.parse("2025-08")
    assert "cannot report a stance" in chronology.report_problem(span, day("2025-07-31"))
    assert chronology.report_problem(span, day("2025-08-01")) is None
    assert chronology.report_problem(span, None) is None
    assert chronology.known_from(span, [day("2025-07-31")]) == day("2025-08-01")


def test_dates_after_today_or_before_1900_are_problems():
    today = day("2026-11-22")
    assert chronology.problems(chronology.parse("2026-11-22"), today=today) == []
    assert "after today" in chronology.problems(chronology.parse("2026-11-23"), today=today)[0]
    # A month or year that has begun may be recorded: it counts from its end or its first report.
    assert chronology.problems(chronology.parse("2026-11"), today=today) == []
    assert "before 1900-01-01" in chronology.problems(chronology.parse("1899"), today=today)[0]


def test_spacing_never_makes_two_scopes_of_one():
    assert chronology.normalize_qualifier("  federal   deployment ") == "federal deployment"
    assert chronology.normalize_qualifier(None) == ""


@dataclass(frozen=True)
class Point:
    pk: int
    stated_on: datetime.date
    known_from: datetime.date
    position: int = 1
    actor_id: int = 1
    policy_id: int = 1
    qualifier: str = ""


def test_a_series_is_an_actor_a_policy_and_a_scope_in_known_from_order():
    federal = Point(1, day("2025-08-01"), day("2025-08-31"), qualifier="federal")
    late = Point(2, day("2025-01-01"), day("2025-12-31"))
    early = Point(3, day("2025-06-01"), day("2025-06-01"))
    grouped = chronology.series([federal, late, early])
    assert grouped == {(1, 1, "federal"): [federal], (1, 1, ""): [early, late]}


def test_one_stance_surely_precedes_another_only_when_their_periods_do_not_overlap():
    june = Point(1, day("2025-06-01"), day("2025-06-30"))
    july = Point(2, day("2025-07-01"), day("2025-07-31"))
    year = Point(3, day("2025-01-01"), day("2025-12-31"))
    assert chronology.surely_before(june, july)
    assert not chronology.surely_before(july, june)
    assert not chronology.surely_before(june, year) and not chronology.surely_before(year, june)


def test_the_latest_stance_of_a_series_on_a_day_is_the_last_that_counts_by_then():
    first = Point(1, day("2020-06-01"), day("2020-06-30"), position=2)
    second = Point(2, day("2025-08-01"), day("2025-08-30"), position=-1)
    assert chronology.latest([first, second], day("2025-08-29")) == {(1, 1, ""): first}
    assert chronology.latest([first, second], day("2025-08-30")) == {(1, 1, ""): second}
    assert chronology.latest([first, second], day("2020-06-29")) == {}
    assert chronology.counts_within(second, day("2025-08-30"), day("2025-08-30"))
    assert not chronology.counts_within(second, day("2025-08-31"), None)
    assert not chronology.counts_within(second, None, day("2025-08-29"))
