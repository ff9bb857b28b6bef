"""How positions change over time: steps in a series and the shifts between them.

Pure functions over anything that looks like a stance (``pk``, ``actor_id``, ``policy_id``,
``position``, ``stated_on``); no database access, so they are tested on plain objects.

A *series* is every stance of one actor on one policy, ordered by ``stated_on`` and then by
``pk`` (two stances on one day, with different qualifiers, keep the order they were recorded in).
A *shift* is a change of position between two consecutive stances of a series. Its kind says
which way the actor moved on the −2…+2 scale:

- **reversal**: ``from`` and ``to`` are on opposite sides of 0, both nonzero (support → oppose);
- **softening**: otherwise, ``|to| < |from|``: a move toward 0 (strong support → support,
  support → mixed);
- **hardening**: otherwise, ``|to| > |from|``: a move away from 0, including from 0 (mixed or
  noncommittal → support is hardening: the actor took a side).

Two different positions with the same sign and the same magnitude do not exist on this scale,
so every change of position is exactly one of the three. A restatement of the same position is
not a shift; in a timeline its step is marked ``unchanged``.
"""

import datetime
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class StanceLike(Protocol):
    pk: int
    actor_id: int
    policy_id: int
    position: int
    stated_on: datetime.date


class ShiftKind(StrEnum):
    REVERSAL = "reversal"
    SOFTENING = "softening"
    HARDENING = "hardening"


class StepChange(StrEnum):
    """How a timeline step relates to the step before it in its series."""

    FIRST = "first"
    UNCHANGED = "unchanged"
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


@dataclass(frozen=True)
class Step[S: StanceLike]:
    """A stance in its series, with the stance before it (``None`` for the first)."""

    stance: S
    previous: S | None

    @property
    def change(self) -> StepChange:
        if self.previous is None:
            return StepChange.FIRST
        kind = shift_kind(self.previous.position, self.stance.position)
        return StepChange.UNCHANGED if kind is None else StepChange(kind.value)

    @property
    def size(self) -> int | None:
        """Signed move on the scale (``to − from``); ``None`` for the first step."""
        return None if self.previous is None else self.stance.position - self.previous.position


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


def series_key(stance: StanceLike) -> tuple[Hashable, Hashable]:
    return (stance.actor_id, stance.policy_id)


def _chronological(stance: StanceLike) -> tuple[datetime.date, int]:
    return (stance.stated_on, stance.pk)


def series[S: StanceLike](stances: Iterable[S]) -> dict[tuple[Hashable, Hashable], list[S]]:
    """Stances grouped by (actor, policy), each group in date order."""
    grouped: dict[tuple[Hashable, Hashable], list[S]] = {}
    for stance in stances:
        grouped.setdefault(series_key(stance), []).append(stance)
    for group in grouped.values():
        group.sort(key=_chronological)
    return grouped


def steps[S: StanceLike](stances: Iterable[S]) -> list[Step[S]]:
    """Every stance as a step of its series, each knowing the stance before it."""
    result: list[Step[S]] = []
    for group in series(stances).values():
        result.extend(Step(stance, previous) for previous, stance in zip([None, *group], group, strict=False))
    return result


def shifts[S: StanceLike](stances: Iterable[S]) -> list[Shift[S]]:
    """Every change of position between consecutive stances of the same actor and policy."""
    result: list[Shift[S]] = []
    for group in series(stances).values():
        for before, after in zip(group, group[1:], strict=False):
            kind = shift_kind(before.position, after.position)
            if kind is not None:
                result.append(Shift(before, after, kind))
    return result
