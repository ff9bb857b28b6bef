"""Shift computation between consecutive stances: plain objects, no database."""

import datetime
from dataclasses import dataclass

import pytest

from positions.timeline import ShiftKind, StepChange, shift_kind, shifts, steps


@dataclass(frozen=True)
class Point:
    pk: int
    actor_id: int
    policy_id: int
    position: int
    stated_on: datetime.date
    known_from: datetime.date
    qualifier: str = ""


def point(
    pk: int, position: int, day: str, actor: int = 1, policy: int = 1, qualifier: str = "", known: str = ""
) -> Point:
    """A stance of ``day`` (its first day), known from ``known`` (the same day when not given)."""
    first = datetime.date.fromisoformat(day)
    return Point(pk, actor, policy, position, first, datetime.date.fromisoformat(known) if known else first, qualifier)


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        (1, -1, ShiftKind.REVERSAL),
        (-2, 1, ShiftKind.REVERSAL),
        (2, -2, ShiftKind.REVERSAL),
        (2, 1, ShiftKind.SOFTENING),
        (-2, -1, ShiftKind.SOFTENING),
        (1, 0, ShiftKind.SOFTENING),
        (-2, 0, ShiftKind.SOFTENING),
        (1, 2, ShiftKind.HARDENING),
        (-1, -2, ShiftKind.HARDENING),
        (0, 1, ShiftKind.HARDENING),
        (0, -2, ShiftKind.HARDENING),
    ],
)
def test_a_change_of_position_has_exactly_one_kind(before, after, kind):
    assert shift_kind(before, after) is kind


@pytest.mark.parametrize("position", [-2, -1, 0, 1, 2])
def test_keeping_the_same_position_is_not_a_shift(position):
    assert shift_kind(position, position) is None


def test_every_pair_of_different_positions_on_the_scale_is_classified():
    scale = range(-2, 3)
    kinds = {(a, b): shift_kind(a, b) for a in scale for b in scale if a != b}
    assert None not in kinds.values()
    assert {kind for kind in kinds.values()} == set(ShiftKind)


def test_shifts_pair_consecutive_stances_of_one_actor_on_one_policy_in_date_order():
    # Given out of order on purpose: the series is sorted by date, not by input order.
    later = point(3, -1, "2025-08-01")
    first = point(1, 1, "2020-06-01")
    middle = point(2, 1, "2021-03-01")
    found = shifts([later, first, middle])
    assert len(found) == 1
    (shift,) = found
    assert (shift.before, shift.after, shift.kind, shift.size, shift.magnitude) == (
        middle,
        later,
        ShiftKind.REVERSAL,
        -2,
        2,
    )


def test_shifts_never_pair_stances_of_different_actors_or_policies():
    stances = [
        point(1, 1, "2024-01-01", actor=1, policy=1),
        point(2, -1, "2024-02-01", actor=2, policy=1),
        point(3, -2, "2024-03-01", actor=1, policy=2),
    ]
    assert shifts(stances) == []


def test_shifts_never_pair_stances_of_different_scopes():
    stances = [
        point(1, -1, "2025-08-01", qualifier="federal deployment"),
        point(2, 1, "2025-09-01", qualifier="the Governor's own deployment"),
    ]
    assert shifts(stances) == []
    assert [step.change for step in steps(stances)] == [StepChange.FIRST, StepChange.FIRST]


def test_stances_on_the_same_day_with_different_positions_have_no_known_order_and_no_shift():
    stances = [point(8, 0, "2025-01-01"), point(5, 2, "2025-01-01")]
    assert shifts(stances) == []
    found = steps(stances)
    assert [(step.stance.pk, step.change, step.size) for step in found] == [
        (5, StepChange.FIRST, None),
        (8, StepChange.ORDER_UNKNOWN, None),
    ]


def test_overlapping_periods_with_different_positions_have_no_known_order():
    # Both "in August 2025": the earlier report does not make the earlier statement.
    threat = point(1, 2, "2025-08-01", known="2025-08-31")
    remark = point(2, 0, "2025-08-01", known="2025-08-28")
    assert shifts([threat, remark]) == []
    assert [(step.stance.pk, step.change) for step in steps([threat, remark])] == [
        (2, StepChange.FIRST),
        (1, StepChange.ORDER_UNKNOWN),
    ]


def test_overlapping_periods_with_the_same_position_are_a_restatement():
    found = steps([point(1, -1, "2025-01-01", known="2025-12-31"), point(2, -1, "2025-08-01", known="2025-08-30")])
    assert [(step.stance.pk, step.change) for step in found] == [(2, StepChange.FIRST), (1, StepChange.UNCHANGED)]


def test_a_stance_is_placed_by_the_day_it_counts_from_not_the_day_its_period_starts():
    # A year-dated stance known only at the year's end follows a day-dated one from within that year.
    year = point(1, 1, "2024-01-01", known="2024-12-31")
    day = point(2, -1, "2024-03-01")
    later = point(3, 2, "2025-02-01")
    found = steps([year, day, later])
    assert [(step.stance.pk, step.change) for step in found] == [
        (2, StepChange.FIRST),
        (1, StepChange.ORDER_UNKNOWN),
        (3, StepChange.HARDENING),
    ]
    assert [(s.before.pk, s.after.pk, s.kind) for s in shifts([year, day, later])] == [(1, 3, ShiftKind.HARDENING)]


def test_a_series_of_one_stance_has_no_shifts():
    assert shifts([point(1, 2, "2025-01-01")]) == []
    assert shifts([]) == []


def test_steps_mark_the_change_from_the_step_before():
    stances = [
        point(1, 0, "2025-08-01"),
        point(2, 0, "2025-09-01"),
        point(3, 1, "2025-11-01"),
        point(4, 2, "2025-12-01"),
        point(5, 1, "2026-01-01"),
        point(6, -1, "2026-02-01"),
    ]
    found = steps(reversed(stances))
    assert [(step.stance.pk, step.change, step.size) for step in found] == [
        (1, StepChange.FIRST, None),
        (2, StepChange.UNCHANGED, 0),
        (3, StepChange.HARDENING, 1),
        (4, StepChange.HARDENING, 1),
        (5, StepChange.SOFTENING, -1),
        (6, StepChange.REVERSAL, -2),
    ]
    assert [step.previous.pk if step.previous else None for step in found] == [None, 1, 2, 3, 4, 5]


def test_steps_start_afresh_for_each_series():
    found = steps([point(1, 1, "2025-01-01", policy=1), point(2, -1, "2025-02-01", policy=2)])
    assert [step.change for step in found] == [StepChange.FIRST, StepChange.FIRST]
