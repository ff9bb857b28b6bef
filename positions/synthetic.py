"""A large, realistic, deterministic dataset for benchmarks, bulk-loaded without per-row saves.

The same sizes and seed give the same rows in the same order (only ids and load timestamps differ):

- **Actors** take stances on a power-law (Zipf-Mandelbrot) curve: at 1,000,000 stances over 20,000 actors
  the median actor has about 7 and the heaviest about 13,000.
- **Policies** sit in a small hierarchy: about one topic for every 27 policies, each policy under a topic;
  some policies are far more discussed than others.
- **Sources** are spread from 2000 to 2025, more of them in recent years; about 3% are undated. Each
  stance is reported by one source and, for about 0.8 more excerpts on average, by the same or a later one.
- **Stances** are dated mostly by day, some by month, year or range, just before the source reporting
  them (sometimes years before: an archive quote); their ``known_from`` is ``positions.chronology``'s.
  Most repeat the actor's usual position on the policy, some move; about 5% are drafts.
- **Excerpts** are sentences of their source's text, anchored by ``sources.anchoring``.

Every row's slug (actors, policies, sources) starts with ``syn-``, so the data can be found and replaced.
Dates come from a fixed window ending 2025-12-31, so a seed gives the same rows whatever day it runs.
"""

from __future__ import annotations

import bisect
import datetime
import gc
import itertools
import queue
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from dataversion.version import changed
from sources import anchoring
from sources.models import Excerpt, Source
from stancetracker import bulkload

from . import chronology, search, steps
from .constants import DatePrecision, EvidenceKind, Status
from .models import Actor, Policy, Stance, StanceEvidence
from .seed import analyze_tables


class _Choice:
    """Values drawn with given weights (``random.choices`` for one value, without its per-call overhead)."""

    def __init__(self, pairs):
        self.values, weights = zip(*pairs, strict=True)
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random):
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


SLUG_PREFIX = "syn-"
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)

# Zipf-Mandelbrot over actor ranks, weight (rank + q)^-s, with q growing with the number of actors: fitted so
# that 1M stances over 20,000 actors give a median of about 7 and a heaviest actor of about 13,000.
ACTOR_EXPONENT = 1.22
ACTOR_OFFSET_PER_ACTOR = 0.001
POLICY_EXPONENT = 1.0
POLICIES_PER_TOPIC = 27
EXCERPTS_PER_STANCE = _Choice(((1, 0.45), (2, 0.35), (3, 0.15), (4, 0.05)))  # 1.8 on average
FOLLOW_UP_SOURCES = 30  # a later report of a stance comes from one of the next this many sources
PRECISIONS = _Choice(
    ((DatePrecision.DAY, 0.84), (DatePrecision.MONTH, 0.08), (DatePrecision.YEAR, 0.05), (DatePrecision.RANGE, 0.03))
)
EVIDENCE_KINDS = _Choice(
    (
        (EvidenceKind.OWN_WORDS, 0.40),
        (EvidenceKind.REPORTED_WORDS, 0.30),
        (EvidenceKind.CHARACTERIZATION, 0.15),
        (EvidenceKind.ACTION, 0.10),
        (EvidenceKind.CLAIM_BY_OTHER, 0.05),
    )
)
KIND_NUMBERS = {kind: number for number, kind in enumerate(EvidenceKind)}
DRAFT_SHARE = 0.05
UNDATED_SOURCE_SHARE = 0.03
QUALIFIED_SHARE = 0.08
QUALIFIERS = (
    "civil immigration enforcement only",
    "in public schools",
    "for first-time offenders",
    "outside Manhattan",
    "subject to state funding",
    "during the pilot year",
)
ACTOR_KINDS = _Choice(
    (
        (Actor.Kind.PERSON, 0.70),
        (Actor.Kind.ORGANIZATION, 0.15),
        (Actor.Kind.GOVERNMENT_BODY, 0.10),
        (Actor.Kind.GROUP, 0.05),
    )
)

FIRST_NAMES = (
    "Ana Ben Carla Dev Elena Farid Grace Hector Ines Jamal Keiko Luis Maya Nadia Omar Priya Quinn Rosa Sam "
    "Tariq Uma Victor Wen Ximena Yusuf Zoe"
).split()
LAST_NAMES = (
    "Adams Baptiste Chen Diaz Ekwueme Fischer Garcia Haddad Ivanova Jones Kaur Lopez Martin Nguyen Okafor "
    "Park Quintero Rivera Singh Torres Ueda Vargas Williams Xu Yilmaz Zhang"
).split()
ORG_WORDS = "Citizens Neighbors Workers Tenants Riders Parents Taxpayers Residents Families Advocates".split()
ORG_KINDS = "Coalition Alliance Council Union Association Network Committee Project".split()
TOPICS = (
    "Public safety|Housing|Transit|Education|Health|Immigration|Budget|Environment|Labor|Elections|"
    "Parks|Sanitation|Technology|Courts|Welfare"
).split("|")
POLICY_VERBS = "Expand Fund Cut Ban Reform Freeze Audit Legalize Require Limit Repeal Create".split()
POLICY_OBJECTS = (
    "crisis response teams|rent-stabilized leases|congestion pricing|school police officers|free bus routes|"
    "cash bail|broken-windows policing|shelter capacity|charter schools|the rainy-day fund|plastic bag fees|"
    "street vendor permits|facial recognition|gang databases|tenant right to counsel|public campaign financing|"
    "composting|speed cameras|solitary confinement|universal child care|city-run grocery stores|sanctuary rules"
).split("|")
PUBLISHERS = (
    "The City Ledger|Metro Daily|Borough Courier|Evening Standard-Times|Civic Wire|Harbor Gazette|"
    "Public Radio News|Neighborhood Post|The Statehouse Report|Downtown Dispatch"
).split("|")
VOCABULARY = (
    "city budget police housing rent transit schools families workers neighborhoods safety funding program "
    "council mayor commissioner borough tenants landlords officers residents plan vote hearing community "
    "crisis response teams patrol shelters buses subway fares taxes federal state agency reform audit data "
    "year month week people money jobs streets parks clinics teachers nurses drivers courts jail bail "
    "immigration enforcement cooperation contracts union contract overtime deficit revenue proposal law"
).split()
# Words are drawn one random byte each: 256 entries, the first words more often (real text is skewed too).
VOCABULARY = list(itertools.islice(itertools.cycle(VOCABULARY), 256))
OPENINGS = {
    2: ("We have to", "I will fight to", "It is long past time to", "We are going to"),
    1: ("I support efforts to", "We should", "It makes sense to", "I am open to plans to"),
    0: (
        "We need to study whether to",
        "There are good arguments on both sides about whether to",
        "I have not decided whether to",
        "It depends on the details whether we",
    ),  # fmt: skip
    -1: ("I do not think we should", "It would be a mistake to", "We cannot afford to", "I have doubts about"),
    -2: ("I will never", "We will fight any plan to", "It would be reckless to", "I flatly refuse to"),
}
SUMMARIES = {
    2: "Strongly supports",
    1: "Supports",
    0: "Is undecided on",
    -1: "Opposes",
    -2: "Strongly opposes",
}


@dataclass(frozen=True)
class Sizes:
    """How much to generate."""

    stances: int
    actors: int
    policies: int
    sources: int


@dataclass(frozen=True)
class Report:
    """What a generation wrote, counted per kind of record."""

    counts: dict[str, int]
    seconds: float

    def line(self) -> str:
        counted = ", ".join(f"{count:,} {kind}" for kind, count in self.counts.items())
        return f"Generated {counted} in {self.seconds:.1f} s."


class _StanceRow(NamedTuple):
    """A drawn stance, held until every stance is drawn: then each is written with its place in its series."""

    id: int
    actor_id: int
    policy_id: int
    position: int
    stated_on: datetime.date
    stated_by: datetime.date
    date_precision: DatePrecision
    known_from: datetime.date
    evidence_kind: EvidenceKind
    qualifier: str
    summary: str
    status: Status
    editor_notes: str
    retraction_reason: str
    created_at: str
    updated_at: str

    @property
    def pk(self) -> int:
        return self.id


# The columns written per model, in the order the generator's row tuples give them.
COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Policy: ("id", "name", "slug", "description", "parent_id"),
    Actor: ("id", "name", "slug", "kind", "description", "parent_id", "wikidata_id"),
    Source: (
        "id", "title", "slug", "publisher", "byline", "published_on", "url", "supplied_fields", "note", "text",
        "sha256", "original_filename", "ingested_at", "updated_at",
    ),
    Excerpt: ("id", "source_id", "quote", "start", "end", "prefix", "suffix", "created_at"),
    Stance: (*_StanceRow._fields, *steps.Placement._fields),
    StanceEvidence: ("id", "stance_id", "excerpt_id"),
}  # fmt: skip
LABELS = {
    Stance: "stances",
    Actor: "actors",
    Policy: "policies",
    Source: "sources",
    Excerpt: "excerpts",
    StanceEvidence: "evidence links",
}


class SyntheticDataExists(Exception):
    """Synthetic rows are already in the database and replacing them was not asked for."""


class _Stopped(Exception):
    """The database side failed: the generating thread stops at its next row."""


class _Writer:
    """Rows in large batches: the generator fills them in a thread of its own while this (the connection's)
    thread writes the previous ones, COPY on PostgreSQL and bulk_create elsewhere, so drawing rows in Python
    and storing them in the database overlap.

    Foreign keys are checked at commit (Django creates them deferrable), so models may be written in any order.
    """

    def __init__(self, batch_size: int):
        self.batch_size = batch_size
        self.buffers: dict[type[models.Model], list[tuple]] = {model: [] for model in COLUMNS}
        self.batches: queue.Queue = queue.Queue(maxsize=8)  # bounds the rows waiting in memory
        self.stopped = False
        self.counts: Counter = Counter()
        self.copy = connection.vendor == "postgresql"
        self.tables = {model: model._meta.db_table for model in COLUMNS}  # where COPY writes
        # COPY takes values as the driver adapts them: JSON columns need the field's own preparation.
        self.prepared = {
            model: [
                (position, field)
                for position, name in enumerate(names)
                if isinstance(field := model._meta.get_field(name), models.JSONField)
            ]
            for model, names in COLUMNS.items()
        }

    def add(self, model: type[models.Model], row: tuple) -> None:
        """Called by the generating thread."""
        buffer = self.buffers[model]
        buffer.append(row)
        if len(buffer) >= self.batch_size:
            self.hand_over(model)

    def hand_over(self, model: type[models.Model]) -> None:
        if self.stopped:
            raise _Stopped
        rows, self.buffers[model] = self.buffers[model], []
        if rows:
            self.batches.put((model, rows))

    def load(self, generate: Callable[[], None]) -> None:
        """Run ``generate`` in a thread and write every row it adds, in this thread; re-raise its errors."""
        failures: list[BaseException] = []

        def produce() -> None:
            try:
                generate()
                for model in COLUMNS:
                    self.hand_over(model)
            except _Stopped:
                pass
            except BaseException as error:
                failures.append(error)
            finally:
                self.batches.put(None)

        # The generator holds millions of small objects, none in a cycle: Python's cyclic garbage collector would walk
        # them again and again as they grow (a sixth of the drawing time at 200,000 stances, more beyond).
        collecting = gc.isenabled()
        gc.disable()
        thread = threading.Thread(target=produce, name="generate_synthetic", daemon=True)
        thread.start()
        try:
            while (batch := self.batches.get()) is not None:
                self.write(*batch)
        except BaseException:
            self.stopped = True
            while self.batches.get() is not None:
                pass
            raise
        finally:
            thread.join()
            if collecting:
                gc.enable()
        if failures:
            raise failures[0]

    def write(self, model: type[models.Model], rows: list[tuple]) -> None:
        self.counts[model] += len(rows)
        names = COLUMNS[model]
        if not self.copy:
            model.objects.bulk_create(model(**dict(zip(names, row, strict=True))) for row in rows)
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
        sql = f"COPY {quote(self.tables[model])} ({columns}) FROM STDIN"
        prepared = self.prepared[model]
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                if prepared:
                    row = list(row)
                    for position, field in prepared:
                        row[position] = field.get_db_prep_save(row[position], connection)
                copy.write_row(row)
        # COPY goes past the cursors the data version watches: say that this transaction wrote.
        changed(using=connection.alias)


def _zipf_cumulative(count: int, exponent: float, offset: float) -> list[float]:
    return list(itertools.accumulate((rank + offset) ** -exponent for rank in range(1, count + 1)))


def synthetic_counts() -> dict[str, int]:
    """How many synthetic actors, policies and sources the database holds."""
    return {
        "actors": Actor.objects.filter(slug__startswith=SLUG_PREFIX).count(),
        "policies": Policy.objects.filter(slug__startswith=SLUG_PREFIX).count(),
        "sources": Source.objects.filter(slug__startswith=SLUG_PREFIX).count(),
    }


def delete_synthetic() -> None:
    """Delete every synthetic row in a few set-wise statements.

    Not ``QuerySet.delete()``: the history signals would make it fetch every row and write a history row
    for each deletion, which generated data never had.
    """
    quote = connection.ops.quote_name

    def table(model):
        return quote(model._meta.db_table)

    # One plain ``IN (subquery)`` per statement: PostgreSQL turns each into a hash semi-join, where an ``OR`` of
    # two would re-run a subquery too large for memory once per row.
    marked = {model: f"SELECT id FROM {table(model)} WHERE slug LIKE %s" for model in (Actor, Policy, Source)}
    stances = [
        f"SELECT id FROM {table(Stance)} WHERE {column} IN ({marked[model]})"
        for column, model in (("actor_id", Actor), ("policy_id", Policy))
    ]
    excerpts = f"SELECT id FROM {table(Excerpt)} WHERE source_id IN ({marked[Source]})"
    statements = [
        *(f"DELETE FROM {table(StanceEvidence)} WHERE stance_id IN ({chosen})" for chosen in stances),
        f"DELETE FROM {table(StanceEvidence)} WHERE excerpt_id IN ({excerpts})",
        *(f"DELETE FROM {table(Stance)} WHERE id IN ({chosen})" for chosen in stances),
        f"DELETE FROM {table(Excerpt)} WHERE id IN ({excerpts})",
        *(f"DELETE FROM {table(model)} WHERE slug LIKE %s" for model in (Source, Policy, Actor)),
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, [f"{SLUG_PREFIX}%"] * statement.count("%s"))


def generate_synthetic(
    *,
    sizes: Sizes,
    seed: int,
    replace: bool = False,
    batch_size: int = 20_000,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Generate and load the dataset in one transaction; refuse if synthetic rows exist unless ``replace``.

    The seconds reported include the commit, where PostgreSQL checks the deferred foreign keys.
    """
    started = time.perf_counter()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Ids are given explicitly: keep other writers (and their sequence values) out until the load commits.
            tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in COLUMNS)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
        existing = synthetic_counts()
        if any(existing.values()) and not replace:
            found = ", ".join(f"{count:,} {kind}" for kind, count in existing.items() if count)
            raise SyntheticDataExists(f"Synthetic data already exists ({found}).")
        writer = _Writer(batch_size)
        if any(existing.values()):
            with search.maintained_after():
                delete_synthetic()
        with bulkload.built_after(COLUMNS):
            # Search documents are made once, after the rows and their evidence are in, before the indexes are
            # built again (``positions.search``); the stances wait in a table of their own until then. Rows written
            # in bulk bypass ``Stance.save()``: the generator places every series itself (``steps.placements``).
            with search.maintained_after(staged=True) as stances:
                writer.tables[Stance] = stances
                writer.load(_Generator(sizes=sizes, seed=seed, writer=writer, progress=progress).run)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(COLUMNS)):
                cursor.execute(statement)
        analyze_tables()
    counts = {LABELS[model]: writer.counts[model] for model in LABELS}
    return Report(counts=counts, seconds=time.perf_counter() - started)


class _Generator:
    """Draws the rows; all randomness comes from one ``random.Random(seed)``, consumed in one fixed order."""

    def __init__(self, *, sizes: Sizes, seed: int, writer: _Writer, progress):
        if min(sizes.stances, sizes.actors, sizes.policies, sizes.sources) < 1:
            raise ValueError("Every size must be at least 1.")
        self.sizes, self.writer, self.progress = sizes, writer, progress
        self.rng = random.Random(seed)
        # The moment every row is stamped with, as text: psycopg takes microseconds to write each datetime, and a
        # million stances have millions of them. ``bulk_create`` stamps these ``auto_now`` fields itself.
        self.now = str(timezone.now())
        self.next_id = {model: (model.objects.aggregate(top=models.Max("id"))["top"] or 0) + 1 for model in COLUMNS}

    def new_id(self, model: type[models.Model]) -> int:
        self.next_id[model] += 1
        return self.next_id[model] - 1

    def run(self) -> None:
        self.make_policies()
        self.make_actors()
        self.make_stances_and_sources()
        self.write_stances()

    def make_policies(self) -> None:
        rng, sizes = self.rng, self.sizes
        topic_count = max(1, round(sizes.policies / POLICIES_PER_TOPIC))
        topics = []
        for index in range(topic_count):
            name = TOPICS[index % len(TOPICS)] + (f" {index // len(TOPICS) + 1}" if index >= len(TOPICS) else "")
            topics.append((self.new_id(Policy), name))
            self.writer.add(Policy, (topics[-1][0], name, f"{SLUG_PREFIX}topic-{index + 1:04d}", "", None))
        self.policies = [name for _, name in topics]
        self.policy_ids = [pk for pk, _ in topics]
        seen = Counter()
        for index in range(sizes.policies):
            name = f"{rng.choice(POLICY_VERBS)} {rng.choice(POLICY_OBJECTS)}"
            seen[name] += 1
            name += f" ({seen[name]})" if seen[name] > 1 else ""
            pk = self.new_id(Policy)
            parent = topics[rng.randrange(topic_count)][0]
            description = f"Supporting means wanting the city to {name.lower()}."
            self.writer.add(Policy, (pk, name, f"{SLUG_PREFIX}policy-{index + 1:05d}", description, parent))
            self.policies.append(name)
            self.policy_ids.append(pk)
        order = list(range(len(self.policy_ids)))
        rng.shuffle(order)
        self.policy_by_rank = order
        self.policy_cumulative = _zipf_cumulative(len(order), POLICY_EXPONENT, 1.0)

    def make_actors(self) -> None:
        rng, sizes = self.rng, self.sizes
        self.actor_names, self.actor_ids = [], []
        organizations = []
        for index in range(sizes.actors):
            kind = ACTOR_KINDS.draw(rng)
            pk = self.new_id(Actor)
            parent = None
            if kind == Actor.Kind.PERSON:
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                description = "A synthetic public figure."
            else:
                name = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_KINDS)} of {rng.choice(LAST_NAMES)} Street"
                description = "A synthetic organization."
                if organizations and rng.random() < 0.1:
                    parent = rng.choice(organizations)
                organizations.append(pk)
            self.writer.add(Actor, (pk, name, f"{SLUG_PREFIX}actor-{index + 1:06d}", kind, description, parent, ""))
            self.actor_names.append(name)
            self.actor_ids.append(pk)
        order = list(range(sizes.actors))
        rng.shuffle(order)
        self.actor_by_rank = order
        self.actor_cumulative = _zipf_cumulative(sizes.actors, ACTOR_EXPONENT, ACTOR_OFFSET_PER_ACTOR * sizes.actors)

    def source_dates(self) -> list[datetime.date]:
        """Publication dates in order, denser in later years (the density grows linearly)."""
        span = (LAST_DAY - FIRST_DAY).days
        days = sorted(int(span * self.rng.random() ** 0.5) for _ in range(self.sizes.sources))
        return [FIRST_DAY + datetime.timedelta(days=day) for day in days]

    def make_stances_and_sources(self) -> None:
        rng, sizes = self.rng, self.sizes
        dates = self.source_dates()
        undated = {index for index in range(sizes.sources) if rng.random() < UNDATED_SOURCE_SHARE}
        published_on = [None if index in undated else day for index, day in enumerate(dates)]
        stances_per_source = [0] * sizes.sources
        for _ in range(sizes.stances):
            stances_per_source[rng.randrange(sizes.sources)] += 1
        # The quotes each source must contain, added by the stances it reports; a source is written once all of
        # them are known, which is when the stances of the sources up to it have been drawn.
        pending: dict[int, list[tuple[int, int, int, int]]] = {}
        self.seen: set[int] = set()
        self.stances: list[_StanceRow] = []
        made, reported = 0, 0
        for index in range(sizes.sources):
            for _ in range(stances_per_source[index]):
                self.make_stance(index, dates, published_on, pending)
                made += 1
            self.make_source(index, published_on[index], pending.pop(index, []))
            if self.progress and (made - reported >= 10_000 or index == sizes.sources - 1):
                self.progress(made, sizes.stances)
                reported = made

    def draw_period(self, reported: datetime.date, precision: DatePrecision) -> chronology.Period:
        rng = self.rng
        lag = int(rng.expovariate(1.0)) if rng.random() > 0.05 else rng.randrange(30, 3 * 365)
        day = reported - datetime.timedelta(days=lag)
        if precision == DatePrecision.RANGE:
            first = day - datetime.timedelta(days=rng.randrange(7, 120))
            last = min(LAST_DAY, day + datetime.timedelta(days=rng.randrange(0, 60)))
            return chronology.period(first, precision, last)
        return chronology.period(day, precision)

    def make_stance(self, source: int, dates, published_on, pending) -> None:
        rng, sizes = self.rng, self.sizes
        actor = self.actor_by_rank[bisect.bisect(self.actor_cumulative, rng.random() * self.actor_cumulative[-1])]
        policy = self.policy_by_rank[bisect.bisect(self.policy_cumulative, rng.random() * self.policy_cumulative[-1])]
        qualifier = rng.randrange(len(QUALIFIERS)) + 1 if rng.random() < QUALIFIED_SHARE else 0
        kind = EVIDENCE_KINDS.draw(rng)
        span = self.draw_period(dates[source], PRECISIONS.draw(rng))
        # Two records of one statement are refused (the unique constraint): move a clash to the day before.
        while (key := self.key(actor, policy, qualifier, kind, span.first)) in self.seen:
            span = chronology.period(span.first - datetime.timedelta(days=1), DatePrecision.DAY)
        self.seen.add(key)
        # An actor mostly keeps its usual position on a policy; sometimes it moves one step, rarely anywhere.
        usual = (actor * 7919 + policy * 104729) % 5 - 2
        draw = rng.random()
        position = usual if draw < 0.85 else max(-2, min(2, usual + rng.choice((-1, 1)))) if draw < 0.97 else None
        position = rng.randrange(-2, 3) if position is None else position
        reports = [source]
        for _ in range(EXCERPTS_PER_STANCE.draw(rng) - 1):
            reports.append(min(sizes.sources - 1, source + rng.randrange(FOLLOW_UP_SOURCES)))
        stance_id = self.new_id(Stance)
        qualifier_text = QUALIFIERS[qualifier - 1] if qualifier else ""
        status = Status.DRAFT if rng.random() < DRAFT_SHARE else Status.PUBLISHED
        summary = f"{SUMMARIES[position]} {self.policies[policy][0].lower()}{self.policies[policy][1:]}"
        summary += f" ({qualifier_text})" if qualifier else ""
        known_from = chronology.known_from(span, [published_on[report] for report in reports])
        self.stances.append(
            _StanceRow(
                stance_id, self.actor_ids[actor], self.policy_ids[policy], position, span.first, span.last,
                span.precision, known_from, kind, qualifier_text, summary, status, "", "", self.now, self.now,
            )
        )  # fmt: skip
        for report in reports:
            excerpt_id = self.new_id(Excerpt)
            pending.setdefault(report, []).append((excerpt_id, actor, policy, position))
            self.writer.add(StanceEvidence, (self.new_id(StanceEvidence), stance_id, excerpt_id))

    def write_stances(self) -> None:
        """Every stance with its place in its series, as ``steps.place`` would store it: the rows are written once."""
        placed = steps.placements(self.stances)
        for stance in self.stances:
            self.writer.add(Stance, (*stance, *placed[stance.id]))

    def key(self, actor: int, policy: int, qualifier: int, kind: EvidenceKind, first: datetime.date) -> int:
        """The unique constraint's columns packed into one int (a million tuples would weigh far more)."""
        series = (actor * len(self.policy_ids) + policy) * (len(QUALIFIERS) + 1) + qualifier
        return ((series * len(EvidenceKind) + KIND_NUMBERS[kind]) << 20) + first.toordinal()

    def sentence(self, low: int, high: int) -> str:
        """Between ``low`` and ``high`` words: one random byte picks each word, and the first one how many."""
        drawn = self.rng.randbytes(high)
        words = map(VOCABULARY.__getitem__, drawn[1 : 1 + low + drawn[0] % (high - low)])
        return " ".join(words).capitalize() + "."

    def make_source(self, index: int, published_on: datetime.date | None, quotes: list) -> None:
        rng = self.rng
        slug = f"{SLUG_PREFIX}source-{index + 1:07d}"
        publisher = rng.choice(PUBLISHERS)
        if quotes:
            _, actor, policy, _ = quotes[0]
            title = f"{self.actor_names[actor]} on {self.policies[policy].lower()}"
        else:
            title = self.sentence(4, 9)[:-1]
        parts = [title, "\n\n", self.sentence(12, 30), " "]
        length = sum(map(len, parts))
        placed = []
        for excerpt_id, actor, policy, position in quotes:
            opening = rng.choice(OPENINGS[position])
            quote = f"{opening} {self.policies[policy].lower()}, {self.sentence(8, 16)[:-1].lower()}."
            lead = f"\n\n{self.actor_names[actor]} said: "
            placed.append((excerpt_id, length + len(lead), quote))
            parts += [lead, quote, " ", self.sentence(10, 25)]
            length += len(lead) + len(quote) + 1 + len(parts[-1])
        text = "".join(parts)
        source_id = self.new_id(Source)
        for excerpt_id, start, quote in placed:
            found = anchoring.anchor(text, quote)
            if found.start != start:
                raise AssertionError(f"generated quote not where it was placed in {slug}: {quote}")
            self.writer.add(
                Excerpt, (excerpt_id, source_id, quote, start, found.end, found.prefix, found.suffix, self.now)
            )
        url = f"https://news.example/{slug}" if rng.random() < 0.9 else ""
        byline = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        self.writer.add(
            Source,
            (
                source_id, title, slug, publisher, byline, published_on, url, [], "", text, Source.digest(text), "",
                self.now, self.now,
            ),
        )  # fmt: skip


def stderr_progress() -> Callable[[int, int], None]:
    """A one-line progress report on stderr: stances made, share done, seconds so far."""
    started = time.perf_counter()

    def report(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        elapsed = time.perf_counter() - started
        sys.stderr.write(f"\rstances {done:,}/{total:,} ({100 * done / total:.0f}%) {elapsed:.0f} s{end}")
        sys.stderr.flush()

    return report
