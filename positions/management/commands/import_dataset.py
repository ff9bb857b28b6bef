from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from positions.dataset import DatasetError, import_dataset


class Command(BaseCommand):
    help = (
        "Load a dataset written by export_dataset from DIR into an empty database: every file checked against "
        "manifest.json, every record validated and every excerpt against its source, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR", help="Folder holding manifest.json and its files.")

    def handle(self, *args, directory, **options):
        try:
            counts = import_dataset(directory)
        except DatasetError as error:
            raise CommandError(f"{error}\nNothing was imported.") from error
        listing = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Imported {listing} from {directory}."))
