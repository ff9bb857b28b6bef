"""Measure the public API: time per request and queries per request, per endpoint."""

import datetime
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from positions.models import Actor, Policy, Stance, StanceEvidence
from positions.seed import analyze_tables
from sources.models import Excerpt, Source

ENDPOINTS = [
    ("actors", "/api/actors/"),
    ("actor detail", "/api/actors/{actor}/"),
    ("policies", "/api/policies/"),
    ("sources", "/api/sources/"),
    ("stances", "/api/stances/"),
    ("stances, 500 a page", "/api/stances/?page_size=500"),
    ("stances, text search", "/api/stances/?q=police"),
    ("stances as CSV", "/api/stances/?format=csv"),
    ("actor timeline", "/api/actors/{actor}/timeline/"),
    ("actor timeline, one policy", "/api/actors/{actor}/timeline/?policy={policy}"),
    ("policy timeline", "/api/policies/{policy}/timeline/"),
    ("positions as of a day", "/api/positions/?as_of=2025-09-01"),
    ("positions today", "/api/positions/"),
    ("shifts", "/api/shifts/"),
]


class Command(BaseCommand):
    help = (
        "Time every public API endpoint against the configured database (median and 95th percentile "
        "of --repeat requests) and count its queries. --synthetic N adds N generated stances for the "
        "run only: they are rolled back afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20, help="Requests per endpoint (default 20).")
        parser.add_argument(
            "--synthetic", type=int, default=0, help="Generated published stances to add for this run (rolled back)."
        )
        parser.add_argument("--actor", default="zohran-mamdani", help="Actor slug for detail and timeline URLs.")
        parser.add_argument("--policy", default="defund-the-nypd", help="Policy slug for timeline URLs.")

    def handle(self, *args, repeat, synthetic, actor, policy, **options):
        if repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        with transaction.atomic():
            if synthetic:
                self.stdout.write(f"Generating {synthetic} synthetic stances (rolled back afterwards)…")
                actor, policy = generate(synthetic)
                analyze_tables()
            if not Actor.objects.filter(slug=actor).exists() or not Policy.objects.filter(slug=policy).exists():
                raise CommandError(f"Actor “{actor}” or policy “{policy}” not found: run load_seed first.")
            self.report(repeat, actor=actor, policy=policy)
            transaction.set_rollback(True)

    def report(self, repeat: int, **slugs) -> None:
        published = Stance.objects.published().count()
        self.stdout.write(
            f"Database: {connection.vendor}; {published} published stances; {repeat} requests per endpoint."
        )
        self.stdout.write(f"{'endpoint':32} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'bytes':>9}")
        client = Client()
        with override_settings(API_ANON_THROTTLE_RATE=None, ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
            for label, pattern in ENDPOINTS:
                url = pattern.format(**slugs)
                timings = []
                for _ in range(repeat):
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        response = client.get(url)
                        timings.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        raise CommandError(f"{url} answered {response.status_code}.")
                timings.sort()
                p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
                self.stdout.write(
                    f"{label:32} {statistics.median(timings):10.1f} {p95:8.1f} "
                    f"{len(queries.captured_queries):8d} {len(response.content):9d}"
                )


def generate(count: int) -> tuple[str, str]:
    """Add ``count`` published stances over 50 actors and 20 policies; return a busy actor and policy."""
    words = "The commissioner said we will expand crisis teams and keep officers on patrol in every borough. "
    source = Source(slug="benchmark-synthetic-source", title="Synthetic", text=words * max(1, count))
    source.save()
    actors = Actor.objects.bulk_create(
        Actor(slug=f"benchmark-actor-{i}", name=f"Benchmark actor {i}", kind=Actor.Kind.PERSON) for i in range(50)
    )
    policies = Policy.objects.bulk_create(
        Policy(slug=f"benchmark-policy-{i}", name=f"Benchmark policy {i}") for i in range(20)
    )
    step = len(words)
    excerpts = Excerpt.objects.bulk_create(
        Excerpt(source=source, quote=words.strip(), start=i * step, end=(i + 1) * step - 1) for i in range(count)
    )
    start = datetime.date(2020, 1, 1)
    # Day-dated stances from a source with no date: each counts from its own day (``positions.chronology``).
    days = [start + datetime.timedelta(days=i // (len(actors) * len(policies))) for i in range(count)]
    stances = Stance.objects.bulk_create(
        Stance(
            actor=actors[i % len(actors)],
            policy=policies[(i // len(actors)) % len(policies)],
            position=(i % 5) - 2,
            stated_on=days[i],
            stated_by=days[i],
            known_from=days[i],
            evidence_kind=Stance.EvidenceKind.OWN_WORDS,
            summary=f"Synthetic stance {i} on police patrols",
            status=Stance.Status.PUBLISHED,
        )
        for i in range(count)
    )
    StanceEvidence.objects.bulk_create(
        StanceEvidence(stance=stance, excerpt=excerpt) for stance, excerpt in zip(stances, excerpts, strict=True)
    )
    return actors[0].slug, policies[0].slug
