"""One actor's positions on one policy as a chart: the geometry, computed without a database or a drawing library.

A stance holds its series' position from the day it counts (``known_from``) until the next stance of the series
counts: the chart draws those holds as steps on the −2…+2 scale. Each stance is also a mark: a day-dated stance
is a point on the day it counts; a stance dated by a month, a year or a range is a band over its period with
its point where it starts to count. Marks are coloured *and* shaped by evidence kind (never colour alone), and a
reversal is labelled where it happens. The SVG template (``web/templates/web/chart.svg``) and the PNG renderer
(``web.png``) both draw this geometry, so the download is the picture on the page.
"""

import datetime
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from positions.chronology import period
from positions.constants import DatePrecision, EvidenceKind, Position

WIDTH = 760
PLOT_TOP = 24
PLOT_HEIGHT = 220
LEFT = 170  # room for the scale's labels
RIGHT = 24
LEGEND_TOP = PLOT_TOP + PLOT_HEIGHT + 44
LEGEND_ROW = 22
MARK_RADIUS = 7
DODGE = 2 * MARK_RADIUS + 3  # the least distance between the centres of two points on one level

REVERSAL = "reversal"
ORDER_UNKNOWN = "order_unknown"


@dataclass(frozen=True)
class Style:
    """How marks of one evidence kind look: a colour of the Okabe–Ito palette (safe for colour-blind readers)
    and a shape of their own, so the legend reads in grey too."""

    colour: str
    shape: str


STYLES = {
    EvidenceKind.OWN_WORDS: Style("#0072B2", "circle"),
    EvidenceKind.REPORTED_WORDS: Style("#B35C00", "square"),
    EvidenceKind.CHARACTERIZATION: Style("#007A5A", "diamond"),
    EvidenceKind.ACTION: Style("#A4457F", "triangle"),
    EvidenceKind.CLAIM_BY_OTHER: Style("#5A5A5A", "cross"),
}


class ChartStance(Protocol):
    pk: int
    position: int
    stated_on: datetime.date
    stated_by: datetime.date | None
    date_precision: str
    known_from: datetime.date
    evidence_kind: str
    qualifier: str
    step: str
    summary: str


@dataclass(frozen=True)
class Mark:
    """One stance drawn: its point (a polygon of its kind's shape), its period's band when it spans days, the
    link to its quote and the words a screen reader or tooltip gives."""

    stance_id: int
    x: float
    y: float
    shape: list[tuple[float, float]]
    colour: str
    kind: str
    band: tuple[float, float] | None  # left and right x of the period, for stances not dated to a day
    href: str
    label: str

    @property
    def points(self) -> str:
        return " ".join(f"{px:.1f},{py:.1f}" for px, py in self.shape)

    @property
    def band_top(self) -> float:
        return self.y - 5

    @property
    def band_width(self) -> float:
        return self.band[1] - self.band[0] if self.band else 0.0


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str
    x: float
    y: float
    shape: list[tuple[float, float]]

    @property
    def points(self) -> str:
        return " ".join(f"{px:.1f},{py:.1f}" for px, py in self.shape)


@dataclass(frozen=True)
class Reversal:
    """Where a series crossed from one side of the scale to the other: a line between the two positions."""

    x: float
    y_from: float
    y_to: float
    label: str


@dataclass
class Chart:
    title: str
    description: str
    width: int = WIDTH
    height: int = LEGEND_TOP + LEGEND_ROW
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = PLOT_TOP
    plot_bottom: int = PLOT_TOP + PLOT_HEIGHT
    steps: list[list[tuple[float, float]]] = field(default_factory=list)  # one polyline per series
    marks: list[Mark] = field(default_factory=list)
    reversals: list[Reversal] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    legend: list[LegendEntry] = field(default_factory=list)

    @property
    def step_paths(self) -> list[str]:
        return [" ".join(f"{x:.1f},{y:.1f}" for x, y in line) for line in self.steps]


def shape(kind: str, x: float, y: float, r: float = MARK_RADIUS) -> list[tuple[float, float]]:
    """The polygon of a mark of this shape centred on (x, y)."""
    if kind == "circle":
        return [(x + r * math.cos(a * math.pi / 8), y + r * math.sin(a * math.pi / 8)) for a in range(16)]
    if kind == "square":
        s = r * 0.85
        return [(x - s, y - s), (x + s, y - s), (x + s, y + s), (x - s, y + s)]
    if kind == "diamond":
        return [(x, y - r * 1.15), (x + r * 1.15, y), (x, y + r * 1.15), (x - r * 1.15, y)]
    if kind == "triangle":
        return [(x, y - r * 1.1), (x + r * 1.1, y + r * 0.8), (x - r * 1.1, y + r * 0.8)]
    t = r * 0.35  # a plus sign
    return [
        (x - t, y - r), (x + t, y - r), (x + t, y - t), (x + r, y - t), (x + r, y + t), (x + t, y + t),
        (x + t, y + r), (x - t, y + r), (x - t, y + t), (x - r, y + t), (x - r, y - t), (x - t, y - t),
    ]  # fmt: skip


def _date_ticks(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Year starts when the chart spans years, else month starts; never more than about eight."""
    years = list(range(first.year + 1, last.year + 1))
    if len(years) >= 2:
        every = max(1, math.ceil(len(years) / 8))
        return [datetime.date(year, 1, 1) for year in years[::every]]
    months = []
    day = datetime.date(first.year, first.month, 1)
    while day <= last:
        if day >= first:
            months.append(day)
        day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    every = max(1, math.ceil(len(months) / 8))
    return months[::every]


def _tick_label(day: datetime.date, by_year: bool) -> str:
    return str(day.year) if by_year else f"{day:%b %Y}"


def build(
    stances: Iterable[ChartStance],
    *,
    title: str,
    href: Callable[[ChartStance], str],
    until: datetime.date,
) -> Chart:
    """The chart of these stances (one actor, one policy; each qualifier its own series), in their series order.

    ``until`` is the day the last position is drawn to (today, as "latest" means everywhere); ``href`` gives the
    address of a stance's quote."""
    stances = list(stances)
    chart = Chart(title=title, description=describe(stances, title))
    top, bottom = chart.plot_top, chart.plot_bottom
    chart.y_ticks = [Tick(_y(value, top, bottom), f"{value:+d} {label}" if value else f"0 {label}")
                     for value, label in reversed(Position.choices)]  # fmt: skip
    chart.legend = _legend(chart)
    if not stances:
        return chart
    periods = {s.pk: period(s.stated_on, s.date_precision, s.stated_by) for s in stances}
    first = min(p.first for p in periods.values())
    last = max(until, *(s.known_from for s in stances), *(p.last for p in periods.values()))
    pad = max(datetime.timedelta(days=15), (last - first) * 0.04)
    first, last = first - pad, last + pad

    def x(day: datetime.date) -> float:
        return chart.plot_left + (day - first).days / (last - first).days * (chart.plot_right - chart.plot_left)

    by_year = len(range(first.year + 1, last.year + 1)) >= 2
    chart.x_ticks = [Tick(x(day), _tick_label(day, by_year)) for day in _date_ticks(first, last)]

    series: dict[str, list[ChartStance]] = {}
    for stance in stances:
        series.setdefault(stance.qualifier, []).append(stance)
    for group in series.values():
        line: list[tuple[float, float]] = []
        for stance in group:
            here, level = x(stance.known_from), _y(stance.position, top, bottom)
            if line:
                line.append((here, line[-1][1]))
            line.append((here, level))
        line.append((x(until), line[-1][1]) if x(until) > line[-1][0] else line[-1])
        chart.steps.append(line)
        for before, after in zip(group, group[1:], strict=False):
            if after.step == REVERSAL:
                chart.reversals.append(
                    Reversal(
                        x(after.known_from),
                        _y(before.position, top, bottom),
                        _y(after.position, top, bottom),
                        f"Reversal, {after.known_from:%-d %b %Y}",
                    )
                )
    placed: dict[float, float] = {}  # the right-most point drawn so far on each level
    for stance in sorted(stances, key=lambda s: (s.known_from, s.pk)):
        span = periods[stance.pk]
        style = STYLES.get(stance.evidence_kind, STYLES[EvidenceKind.CLAIM_BY_OTHER])
        at_x, at_y = x(stance.known_from), _y(stance.position, top, bottom)
        # Points a day or two apart would hide one another, and a hidden point is a quote nobody can reach: a
        # point is nudged right of its neighbour; its step and band stay on its day.
        at_x = max(at_x, placed.get(at_y, -DODGE) + DODGE)
        placed[at_y] = at_x
        band = None
        if span.precision != DatePrecision.DAY:
            band = (x(span.first), x(span.last + datetime.timedelta(days=1)))
        chart.marks.append(
            Mark(
                stance_id=stance.pk,
                x=at_x,
                y=at_y,
                shape=shape(style.shape, at_x, at_y),
                colour=style.colour,
                kind=stance.evidence_kind,
                band=band,
                href=href(stance),
                label=point_label(stance, str(span)),
            )
        )
    return chart


def _y(position: int, top: int, bottom: int) -> float:
    return top + (2 - position) / 4 * (bottom - top)


def _legend(chart: Chart) -> list[LegendEntry]:
    entries = []
    column = (chart.width - 20) / 3
    for index, (kind, label) in enumerate(EvidenceKind.choices):
        style = STYLES[kind]
        ex = 20 + MARK_RADIUS + (index % 3) * column
        ey = LEGEND_TOP + (index // 3) * LEGEND_ROW
        entries.append(LegendEntry(label, style.colour, ex + 14, ey + 4, shape(style.shape, ex, ey)))
    chart.height = LEGEND_TOP + LEGEND_ROW * math.ceil(len(entries) / 3) + 6
    return entries


def point_label(stance: ChartStance, when: str) -> str:
    position = Position(stance.position).label.lower()
    kind = EvidenceKind(stance.evidence_kind).label.lower() if stance.evidence_kind in EvidenceKind.values else ""
    change = {REVERSAL: ", a reversal", ORDER_UNKNOWN: ", order relative to the previous stance unknown"}.get(
        stance.step, ""
    )
    return f"{when}: {position} ({kind}){change}. {stance.summary}"


def describe(stances: list[ChartStance], title: str) -> str:
    """The chart in one sentence or two, for ``<desc>`` and readers who cannot see it."""
    if not stances:
        return f"{title}: no published stance."
    moves = [
        f"{Position(s.position).label.lower()} from {s.known_from:%-d %B %Y}"
        + (" (a reversal)" if s.step == REVERSAL else "")
        for s in stances
    ]
    return f"{title}: {len(stances)} published stance{'s' if len(stances) != 1 else ''}; " + "; then ".join(moves) + "."
