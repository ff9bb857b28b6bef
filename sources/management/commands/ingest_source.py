from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sources.ingest import IngestError, ingest_file


class Command(BaseCommand):
    help = "Store article text files as sources. All files are ingested, or none."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="UTF-8 text files to ingest.")
        parser.add_argument("--slug", help="Slug for the source (only with a single file).")

    def handle(self, *args, files, slug, **options):
        if slug and len(files) > 1:
            raise CommandError("--slug can only be given with a single file.")
        try:
            with transaction.atomic():
                results = [ingest_file(path=path, slug=slug) for path in files]
        except IngestError as error:
            raise CommandError(f"{error} Nothing was ingested.") from error
        for result in results:
            source = result.source
            line = f"{result.action}: {source.slug} ({len(source.text)} characters)"
            if source.missing_fields:
                line += f"; needs attention: {', '.join(source.missing_fields)} unknown"
            self.stdout.write(line)
