"""How positions change over time: steps in a series and the shifts between them.

Pure functions over anything that looks like a stance (see ``positions.chronology.StanceLike``); no
database access, so they are tested on plain objects.

What a series is and how its stances are ordered is ``positions.chronology``'s to say. A *shift* is a
change of position between two consecutive stances of a series, the first surely taken before the
second. Its kind says which way the actor moved on the −2…+2 scale:

- **reversal**: ``from`` and ``to`` are on opposite sides of 0, both nonzero (support → oppose);
- **softening**: otherwise, ``|to| < |from|``: a move toward 0 (strong support → support,
  support → mixed);
- **hardening**: otherwise, ``|to| > |from|``: a move away from 0, including from 0 (mixed or
  noncommittal → support is hardening: the actor took a side).

Two different positions with the same sign and the same magnitude do not exist on this scale,
so every change of position is exactly one of the three. A restatement of the same position is
not a shift; in a timeline its step is marked ``unchanged``. When two consecutive stances with
different positions have overlapping periods (both "in August 2025"), which came first is unknown: the
step is marked ``order_unknown`` and no shift is claimed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from .chronology import StanceLike, series, surely_before


class ShiftKind(StrEnum):
    REVERSAL = "reversal"
    SOFTENING = "softening"
    HARDENING = "hardening"


class StepChange(StrEnum):
    """How a timeline step relates to the step before it in its series."""

    FIRST = "first"
    UNCHANGED = "unchanged"
    ORDER_UNKNOWN = "order_unknown"
    REVERSAL = ShiftKind.REVERSAL.value
    SOFTENING = ShiftKind.SOFTENING.value
    HARDENING = ShiftKind.HARDENING.value


def shift_kind(from_position: int, to_position: int) -> ShiftKind | None:
    """The kind of a move from one position to another; ``None`` when the position is the same."""
    if from_position == to_position:
        return None
    if from_position * to_position < 0:
        return ShiftKind.REVERSAL
    if abs(to_position) < abs(from_position):
        return ShiftKind.SOFTENING
    return ShiftKind.HARDENING


# The steps that are shifts: a change of position, surely in this order.
SHIFT_STEPS = tuple(kind.value for kind in ShiftKind)


@dataclass(frozen=True)
class Step[S: StanceLike]:
    """A stance in its series, with the stance before it (``None`` for the first)."""

    stance: S
    previous: S | None

    @cached_property  # read again by ``size``
    def change(self) -> StepChange:
        if self.previous is None:
            return StepChange.FIRST
        kind = shift_kind(self.previous.position, self.stance.position)
        if kind is None:
            return StepChange.UNCHANGED
        if not surely_before(self.previous, self.stance):
            return StepChange.ORDER_UNKNOWN
        return StepChange(kind.value)

    @property
    def size(self) -> int | None:
        """Signed move on the scale (``to − from``); ``None`` for the first step and when the order is unknown."""
        if self.previous is None or self.change == StepChange.ORDER_UNKNOWN:
            return None
        return self.stance.position - self.previous.position


@dataclass(frozen=True)
class Shift[S: StanceLike]:
    """A change of position between two consecutive stances of one series."""

    before: S
    after: S
    kind: ShiftKind

    @property
    def size(self) -> int:
        """Signed move on the scale (``to − from``): negative toward opposition."""
        return self.after.position - self.before.position

    @property
    def magnitude(self) -> int:
        return abs(self.size)


def steps[S: StanceLike](stances: Iterable[S]) -> list[Step[S]]:
    """Every stance as a step of its series, each knowing the stance before it."""
    result: list[Step[S]] = []
    for group in series(stances).values():
        result.extend(Step(stance, previous) for previous, stance in zip([None, *group], group, strict=False))
    return result


def shifts[S: StanceLike](stances: Iterable[S]) -> list[Shift[S]]:
    """Every change of position between consecutive stances of a series, the first surely before the second."""
    result: list[Shift[S]] = []
    for group in series(stances).values():
        for before, after in zip(group, group[1:], strict=False):
            kind = shift_kind(before.position, after.position)
            if kind is not None and surely_before(before, after):
                result.append(Shift(before, after, kind))
    return result
