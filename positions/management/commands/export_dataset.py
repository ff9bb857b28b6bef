from pathlib import Path

from django.core.management.base import BaseCommand

from positions.dataset import export_dataset


class Command(BaseCommand):
    help = (
        "Write the published dataset (what the public API shows: no drafts, notes or editors) into DIR as "
        "JSON Lines and CSV per resource, with manifest.json (counts, licence, SHA-256 of each file)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR", help="Folder to write into (created if missing).")

    def handle(self, *args, directory, **options):
        manifest = export_dataset(directory)
        counts = ", ".join(f"{count} {name}" for name, count in manifest["counts"].items())
        self.stdout.write(self.style.SUCCESS(f"Exported {counts} to {directory} (licence {manifest['licence']})."))
