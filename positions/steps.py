"""Each published stance's place in its series, stored on the stance and kept up to date by SQL.

``positions.chronology`` and ``positions.timeline`` say what a series is, how it is ordered and what
kind of step each stance makes; they are the rules, in Python. Reading a million stances through them
on every request is too slow, so every stance also stores what they say of it:

- ``previous``: the stance before it in its series (``None`` for the first);
- ``next_known_from``: the day the stance after it counts from (``None`` for the last), so "where did
  the series stand at the end of day D" is one row test: ``known_from <= D < next_known_from``;
- ``step``: ``timeline.StepChange`` of the stance against the one before it.

Only published stances are placed; every other stance has all three empty (``step`` is ``""``). The statement below
recomputes the columns for the series given (or all of them) with window functions, in the
transaction of the write that may have moved them. It runs unchanged on SQLite and PostgreSQL.
``tests/test_stored_steps.py`` checks it against ``positions.timeline`` on generated series.

A bulk load that holds all its stances before writing them (``positions.synthetic``) takes the same columns from
``placements`` instead, straight from the rules: its rows are written once, already placed, rather than written
and then rewritten by the statement.
"""

import datetime
from collections.abc import Collection
from typing import NamedTuple, Protocol

from django.db import connections

from . import timeline
from .chronology import SERIES_FIELDS, StanceLike, series
from .constants import Status
from .timeline import StepChange

SeriesKey = tuple[int, int, str]


class Placement(NamedTuple):
    """The stored columns of one stance."""

    previous_id: int | None
    next_known_from: datetime.date | None
    step: str


UNPLACED = Placement(None, None, "")


class Placeable(StanceLike, Protocol):
    status: str


def placements(stances: Collection[Placeable]) -> dict[int, Placement]:
    """What ``place`` would store for each of ``stances`` (by pk), if they were every stance of their series."""
    placed = dict.fromkeys((stance.pk for stance in stances), UNPLACED)
    published = (stance for stance in stances if stance.status == Status.PUBLISHED)
    for group in series(published).values():
        for previous, stance, following in zip([None, *group[:-1]], group, [*group[1:], None], strict=True):
            placed[stance.pk] = Placement(
                None if previous is None else previous.pk,
                None if following is None else following.known_from,
                timeline.Step(stance, previous).change.value,
            )
    return placed


# The window computes, per published stance, its neighbours in series order (``chronology.order_key``);
# the CASE is ``timeline.Step.change``, spelled in SQL.
_PLACE = """
UPDATE positions_stance
SET previous_id = stepped.previous_id, next_known_from = stepped.next_known_from, step = stepped.step
FROM (
    SELECT placed.id, placed.previous_id, placed.next_known_from,
           CASE
               WHEN placed.previous_id IS NULL THEN %s
               WHEN placed.previous_position = stance.position THEN %s
               WHEN NOT (placed.previous_known_from < stance.stated_on) THEN %s
               WHEN placed.previous_position * stance.position < 0 THEN %s
               WHEN ABS(stance.position) < ABS(placed.previous_position) THEN %s
               ELSE %s
           END AS step
    FROM (
        SELECT id,
               LAG(id) OVER series AS previous_id,
               LAG(position) OVER series AS previous_position,
               LAG(known_from) OVER series AS previous_known_from,
               LEAD(known_from) OVER series AS next_known_from
        FROM positions_stance
        WHERE status = %s {series}
        WINDOW series AS (PARTITION BY actor_id, policy_id, qualifier ORDER BY known_from, stated_on, id)
    ) AS placed
    JOIN positions_stance AS stance ON stance.id = placed.id
) AS stepped
WHERE positions_stance.id = stepped.id
  AND (positions_stance.step <> stepped.step
       OR positions_stance.previous_id IS NULL AND stepped.previous_id IS NOT NULL
       OR positions_stance.previous_id <> stepped.previous_id
       OR stepped.previous_id IS NULL AND positions_stance.previous_id IS NOT NULL
       OR positions_stance.next_known_from IS NULL AND stepped.next_known_from IS NOT NULL
       OR positions_stance.next_known_from <> stepped.next_known_from
       OR stepped.next_known_from IS NULL AND positions_stance.next_known_from IS NOT NULL)
"""

_UNPLACE = """
UPDATE positions_stance SET previous_id = NULL, next_known_from = NULL, step = ''
WHERE status <> %s AND (step <> '' OR previous_id IS NOT NULL OR next_known_from IS NOT NULL) {series}
"""

_STEP_ORDER = (
    StepChange.FIRST,
    StepChange.UNCHANGED,
    StepChange.ORDER_UNKNOWN,
    StepChange.REVERSAL,
    StepChange.SOFTENING,
    StepChange.HARDENING,
)

# Keys per statement: well under SQLite's limit of 32,766 parameters.
_BATCH = 2_000


def _series_condition(keys: Collection[SeriesKey]) -> tuple[str, list]:
    one = "(" + " AND ".join(f"{field} = %s" for field in SERIES_FIELDS) + ")"
    return "AND (" + " OR ".join([one] * len(keys)) + ")", [value for key in keys for value in key]


def place(keys: Collection[SeriesKey] | None = None, *, using: str = "default") -> int:
    """Recompute ``previous``, ``next_known_from`` and ``step`` of every stance of the series ``keys``
    (``(actor_id, policy_id, qualifier)``), or of every series when ``keys`` is ``None``. Returns how many
    stances changed: rows already right are not written."""
    changed = 0
    batches: list[Collection[SeriesKey] | None] = [None] if keys is None else []
    if keys is not None:
        unique = sorted(set(keys))
        batches = [unique[start : start + _BATCH] for start in range(0, len(unique), _BATCH)]
    with connections[using].cursor() as cursor:
        for batch in batches:
            condition, params = _series_condition(batch) if batch is not None else ("", [])
            cursor.execute(
                _PLACE.format(series=condition),
                [*(change.value for change in _STEP_ORDER), Status.PUBLISHED, *params],
            )
            changed += max(cursor.rowcount, 0)
            cursor.execute(_UNPLACE.format(series=condition), [Status.PUBLISHED, *params])
            changed += max(cursor.rowcount, 0)
    return changed
