from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from positions.synthetic import Sizes, SyntheticDataExists, generate_synthetic, stderr_progress


class Command(BaseCommand):
    help = (
        "Bulk-load a large, realistic, deterministic dataset for benchmarks: skewed actors, a policy "
        "hierarchy, dated sources with anchored excerpts, stances with mixed date precisions and drafts. "
        "Its slugs start with syn-. One transaction; refused if synthetic data exists, unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stances", type=int, default=1_000_000, help="Stances to generate (default 1,000,000).")
        parser.add_argument("--actors", type=int, default=20_000, help="Actors (default 20,000).")
        parser.add_argument(
            "--policies", type=int, default=400, help="Policies, besides about one topic per 27 (default 400)."
        )
        parser.add_argument("--sources", type=int, default=100_000, help="Sources (default 100,000).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed: the same seed gives the same rows.")
        parser.add_argument(
            "--replace", action="store_true", help="Delete the synthetic rows already loaded before generating."
        )

    def handle(self, *args, stances, actors, policies, sources, seed, replace, verbosity, **options):
        sizes = Sizes(stances=stances, actors=actors, policies=policies, sources=sources)
        if min(stances, actors, policies, sources) < 1:
            raise CommandError("--stances, --actors, --policies and --sources must each be at least 1.")
        try:
            report = generate_synthetic(
                sizes=sizes, seed=seed, replace=replace, progress=stderr_progress() if verbosity > 0 else None
            )
        except SyntheticDataExists as error:
            raise CommandError(f"{error} Pass --replace to delete it and generate anew.") from error
        vacuum_lists()
        self.stdout.write(self.style.SUCCESS(report.line()))


def vacuum_lists() -> None:
    """After a bulk load on PostgreSQL, mark the listed tables' pages all-visible (VACUUM), so counting a list of
    sources or actors reads an index, not every row. The big tables are left to autovacuum: it is the load's
    slowest step. Inside a transaction (tests) there is nothing to do: VACUUM cannot run there."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) sources_source, positions_actor, positions_policy")
