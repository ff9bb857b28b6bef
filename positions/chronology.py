"""When a stance counts: the one module that reads and compares the dates of stances.

Pure functions over plain values and anything that looks like a stance; no database access, so they
are tested without one. Every endpoint, filter, page, the admin and the seed loader go through here.

The rules, as the README tells them:

- **A stance's time is a period** of days: one day (``2025-08-30``), a month (``2025-08``), a year
  (``2025``) or a range between two days (``2025-09-01/2025-11-04``, for "in the closing months of his
  campaign"). It is stored as its first and last day (``stated_on``, ``stated_by``) with its precision:
  an interval, like Wikidata's earliest/latest dates and Open Civic Data's fuzzy dates.
- **A stance counts from the day it is known to have been taken** (``known_from``): the last day of
  its period, or the publication date of the earliest dated source that reports it, whichever comes
  first. "In August" counts from 31 August, unless an article of 30 August already reports it.
  Snapshots "as of D", ``stated_after``/``stated_before``, timelines and shifts all use this day.
- **A series** is one actor on one policy in one scope: ``(actor, policy, qualifier)``. Stances with
  different qualifiers are never compared.
- **Within a series**, stances are ordered by the day they count from, then by their first day, then by
  record id. One stance surely precedes another only when its known-from day falls before the other's
  first day; when two consecutive stances with different positions overlap, their order is unknown and
  no shift is claimed between them.
- **Dates are sane**: no period starts after today or before ``EARLIEST_STANCE_DATE``, and no source
  reports a stance before the stance's first day.
"""

import calendar
import datetime
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Protocol

from .constants import EARLIEST_STANCE_DATE, DatePrecision


class StanceLike(Protocol):
    pk: int
    actor_id: int
    policy_id: int
    qualifier: str
    position: int
    stated_on: datetime.date
    known_from: datetime.date


# Database field names behind ``series_key`` and ``order_key``, for querysets that group and sort in SQL.
SERIES_FIELDS = ("actor_id", "policy_id", "qualifier")
ORDER_FIELDS = ("known_from", "stated_on", "pk")


@dataclass(frozen=True)
class Period:
    """The days a stated date may mean, both ends included."""

    first: datetime.date
    last: datetime.date
    precision: DatePrecision

    def __str__(self) -> str:
        """The date as precisely as it is known: ``2025-08-30``, ``August 2025``, ``2025``, or a range."""
        if self.precision == DatePrecision.DAY:
            return self.first.isoformat()
        if self.precision == DatePrecision.MONTH:
            return f"{self.first:%B %Y}"
        if self.precision == DatePrecision.YEAR:
            return f"{self.first:%Y}"
        return f"{self.first.isoformat()} to {self.last.isoformat()}"

    @property
    def notation(self) -> str:
        """The compact form the seed files and the loader use: ``2025``, ``2025-08``, ``2025-08-30``, ``a/b``."""
        if self.precision == DatePrecision.DAY:
            return self.first.isoformat()
        if self.precision == DatePrecision.MONTH:
            return f"{self.first:%Y-%m}"
        if self.precision == DatePrecision.YEAR:
            return f"{self.first:%Y}"
        return f"{self.first.isoformat()}/{self.last.isoformat()}"


def period(stated_on: datetime.date, precision: str, stated_by: datetime.date | None = None) -> Period:
    """The period a stated date covers. ``stated_on`` may be any day of a month or year (its first day is
    kept); ``stated_by`` is read only for a range, whose last day it is."""
    precision = DatePrecision(precision)
    if precision == DatePrecision.YEAR:
        return Period(stated_on.replace(month=1, day=1), stated_on.replace(month=12, day=31), precision)
    if precision == DatePrecision.MONTH:
        last_day = calendar.monthrange(stated_on.year, stated_on.month)[1]
        return Period(stated_on.replace(day=1), stated_on.replace(day=last_day), precision)
    if precision == DatePrecision.RANGE:
        if stated_by is None:
            raise ValueError("A range needs its last day as well as its first.")
        if stated_by < stated_on:
            raise ValueError("A range cannot end before it starts.")
        return Period(stated_on, stated_by, precision)
    return Period(stated_on, stated_on, precision)


_NOTATION = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
NOTATION_HELP = "YYYY, YYYY-MM, YYYY-MM-DD or a range YYYY-MM-DD/YYYY-MM-DD"


def parse(text: str) -> Period:
    """``2020`` is a year, ``2020-06`` a month, ``2020-06-15`` a day, ``2025-09-01/2025-11-04`` a range.

    Raises ``ValueError`` with a message naming the accepted forms.
    """
    if not isinstance(text, str):
        raise ValueError(f"a date must be written as text: {NOTATION_HELP}.")
    first, slash, last = text.strip().partition("/")
    try:
        if slash:
            return period(datetime.date.fromisoformat(first), DatePrecision.RANGE, datetime.date.fromisoformat(last))
        match = _NOTATION.match(first)
        if not match:
            raise ValueError
        year, month, day = match.groups()
        if day:
            return period(datetime.date(int(year), int(month), int(day)), DatePrecision.DAY)
        if month:
            return period(datetime.date(int(year), int(month), 1), DatePrecision.MONTH)
        return period(datetime.date(int(year), 1, 1), DatePrecision.YEAR)
    except ValueError as error:
        detail = str(error) if str(error).startswith("A range") else f"it is not {NOTATION_HELP}"
        raise ValueError(f"“{text}”: {detail}.") from None


def problems(span: Period, *, today: datetime.date) -> list[str]:
    """What is wrong with a stance's period, as messages for an editor; empty when it is sane."""
    found = []
    if span.first > today:
        found.append(f"The stance cannot be dated after today ({today.isoformat()}): it has not been taken yet.")
    if span.first < EARLIEST_STANCE_DATE:
        found.append(f"The stance cannot be dated before {EARLIEST_STANCE_DATE.isoformat()}: check the year.")
    return found


def report_problem(span: Period, published_on: datetime.date | None) -> str | None:
    """Why a source published on ``published_on`` cannot be evidence of a stance of ``span``, if it cannot."""
    if published_on is not None and published_on < span.first:
        return (
            f"A source published on {published_on.isoformat()} cannot report a stance taken on or after "
            f"{span.first.isoformat()}: check the stance's date or the source's."
        )
    return None


def known_from(span: Period, report_dates: Iterable[datetime.date | None] = ()) -> datetime.date:
    """The day a stance counts from: the end of its period, or the earliest publication date of a
    source that reports it if that is earlier (never before the period starts)."""
    reported = [day for day in report_dates if day is not None]
    earliest_report = min(reported, default=span.last)
    return max(span.first, min(span.last, earliest_report))


def normalize_qualifier(text: str) -> str:
    """Qualifiers are part of a series' identity: spacing never makes two series of one."""
    return " ".join((text or "").split())


def series_key(stance: StanceLike) -> tuple[Hashable, Hashable, str]:
    return (stance.actor_id, stance.policy_id, stance.qualifier)


def order_key(stance: StanceLike) -> tuple[datetime.date, datetime.date, int]:
    return (stance.known_from, stance.stated_on, stance.pk)


def surely_before(earlier: StanceLike, later: StanceLike) -> bool:
    """True when ``earlier`` is known to have been taken before ``later``: their periods do not overlap."""
    return earlier.known_from < later.stated_on


def held_during(
    start_on: datetime.date | None, end_on: datetime.date | None, first: datetime.date, last: datetime.date
) -> bool:
    """True when a role from ``start_on`` to ``end_on`` was held at some point from ``first`` to ``last``; an unknown
    end is open."""
    return (start_on is None or start_on <= last) and (end_on is None or first <= end_on)


def counts_by(stance: StanceLike, day: datetime.date) -> bool:
    """True when the stance counts in a snapshot at the end of ``day``."""
    return stance.known_from <= day


def counts_within(stance: StanceLike, after: datetime.date | None, before: datetime.date | None) -> bool:
    """True when the stance counts from ``after`` or later and by the end of ``before`` (either may be open):
    what ``stated_after`` and ``stated_before`` select."""
    return (after is None or stance.known_from >= after) and (before is None or counts_by(stance, before))


def series[S: StanceLike](stances: Iterable[S]) -> dict[tuple[Hashable, Hashable, str], list[S]]:
    """Stances grouped by series, each group in order."""
    grouped: dict[tuple[Hashable, Hashable, str], list[S]] = {}
    for stance in stances:
        grouped.setdefault(series_key(stance), []).append(stance)
    for group in grouped.values():
        group.sort(key=order_key)
    return grouped


def latest[S: StanceLike](stances: Iterable[S], day: datetime.date) -> dict[tuple[Hashable, Hashable, str], S]:
    """Where each series stood at the end of ``day``: its last stance that counts by then."""
    found: dict[tuple[Hashable, Hashable, str], S] = {}
    for key, group in series(stance for stance in stances if counts_by(stance, day)).items():
        found[key] = group[-1]
    return found
