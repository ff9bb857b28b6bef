from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from positions.seed import DEFAULT_DIRECTORY, SeedError, load_seed


class Command(BaseCommand):
    help = (
        "Ingest the seed articles and load the curated actors, policies and stances. "
        "All or nothing; running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=DEFAULT_DIRECTORY,
            help="Folder holding sources.json, policies.json, actors.json and stances.json (default: fixtures/).",
        )

    def handle(self, *args, directory, **options):
        try:
            report = load_seed(directory=directory)
        except SeedError as error:
            raise CommandError(f"{error}\nNothing was loaded.") from error
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS("Seed loaded." if report.changed else "Seed already loaded: nothing changed.")
        )
