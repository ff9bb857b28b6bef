"""The chart's geometry, computed from plain objects: no database, no drawing library."""

import datetime
from dataclasses import dataclass

from web import chart

TODAY = datetime.date(2025, 12, 31)


@dataclass
class FakeStance:
    pk: int
    position: int
    stated_on: datetime.date
    known_from: datetime.date
    date_precision: str = "day"
    stated_by: datetime.date | None = None
    evidence_kind: str = "own_words"
    qualifier: str = ""
    step: str = "first"
    summary: str = "Said so."


def build(*stances):
    return chart.build(stances, title="A on B", href=lambda s: f"/quote/{s.pk}", until=TODAY)


def mamdani():
    return (
        FakeStance(1, 2, datetime.date(2020, 6, 1), datetime.date(2020, 6, 1)),
        FakeStance(2, -1, datetime.date(2025, 8, 1), datetime.date(2025, 8, 31), "month", step="reversal",
                   evidence_kind="reported_words"),
    )  # fmt: skip


def test_positions_are_steps_held_until_the_next_stance_counts_and_then_until_today():
    figure = build(*mamdani())

    [line] = figure.steps
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = line
    assert y0 == y1 == figure.y_ticks[0].at  # +2 held ...
    assert x1 == x2 and y2 == figure.y_ticks[3].at  # ... until the drop to −1 on the day it counts
    assert y3 == y2 and x3 > x2  # −1 held to today
    assert figure.marks[1].x == x1


def test_a_day_dated_stance_is_a_point_and_a_month_dated_one_a_band_over_its_month():
    figure = build(*mamdani())
    day, month = figure.marks

    assert day.band is None
    left, right = month.band
    assert left < month.x <= right  # the band covers August; the point sits where it counts (31 August)
    days_per_unit = (right - left) / 31
    assert abs((month.x - left) / days_per_unit - 30) < 0.01


def test_a_reversal_is_marked_between_the_two_positions_where_it_happens():
    figure = build(*mamdani())

    [reversal] = figure.reversals
    assert reversal.x == figure.marks[1].x
    assert (reversal.y_from, reversal.y_to) == (figure.marks[0].y, figure.marks[1].y)
    assert reversal.label == "Reversal, 31 Aug 2025"


def test_evidence_kinds_differ_in_shape_as_well_as_colour_and_the_legend_names_each():
    figure = build(*mamdani())

    own, reported = figure.marks
    assert own.colour != reported.colour and len(own.shape) != len(reported.shape)
    assert [entry.label for entry in figure.legend] == [
        "The actor's own words", "A report of the actor's words", "The publisher's characterization",
        "An action the actor took", "A claim by another actor",
    ]  # fmt: skip
    assert len({entry.colour for entry in figure.legend}) == len({style.shape for style in chart.STYLES.values()}) == 5


def test_each_point_links_to_its_quote_and_says_what_it_shows():
    figure = build(*mamdani())

    assert [mark.href for mark in figure.marks] == ["/quote/1", "/quote/2"]
    assert figure.marks[1].label == "August 2025: oppose (a report of the actor's words), a reversal. Said so."


def test_the_description_tells_the_story_for_readers_who_cannot_see_the_chart():
    assert build(*mamdani()).description == (
        "A on B: 2 published stances; strongly support from 1 June 2020; then oppose from 31 August 2025 (a reversal)."
    )
    assert build().description == "A on B: no published stance."


def test_each_qualifier_is_its_own_series_line():
    figure = build(
        FakeStance(1, 1, datetime.date(2024, 1, 1), datetime.date(2024, 1, 1)),
        FakeStance(2, -1, datetime.date(2024, 3, 1), datetime.date(2024, 3, 1), qualifier="civil only"),
    )

    assert len(figure.steps) == 2
    assert figure.reversals == []


def test_time_ticks_are_years_over_a_long_span_and_months_over_a_short_one():
    long = build(*mamdani())
    short = build(FakeStance(1, 1, datetime.date(2025, 9, 1), datetime.date(2025, 9, 1)))

    assert [tick.label for tick in long.x_ticks] == [
        "2021",
        "2022",
        "2023",
        "2024",
        "2025",
        "2026",
    ]  # padded past today
    assert short.x_ticks[0].label == "Sep 2025" and len(short.x_ticks) <= 8
    assert all(a.at < b.at for a, b in zip(long.x_ticks, long.x_ticks[1:], strict=False))


def test_points_a_day_apart_are_nudged_apart_so_each_can_be_clicked_while_their_steps_keep_their_days():
    figure = build(
        FakeStance(1, -1, datetime.date(2025, 8, 30), datetime.date(2025, 8, 30)),
        FakeStance(2, -1, datetime.date(2025, 8, 31), datetime.date(2025, 8, 31), step="unchanged"),
    )

    first, second = figure.marks
    assert second.x - first.x == chart.DODGE
    assert figure.steps[0][0][0] == first.x and figure.steps[0][1][0] < second.x
