from django.core.management.base import BaseCommand, CommandError

from sources.models import Source


class Command(BaseCommand):
    help = "Check that every excerpt's quote stands in its source at the stored offsets. Exits 1 if any does not."

    def add_arguments(self, parser):
        parser.add_argument("--source", action="append", default=[], help="Only check this source slug (repeatable).")

    def handle(self, *args, source, **options):
        sources = Source.objects.prefetch_related("excerpts").order_by("slug")
        if source:
            sources = sources.filter(slug__in=source)
            unknown = set(source) - set(sources.values_list("slug", flat=True))
            if unknown:
                raise CommandError(f"Unknown source slug(s): {', '.join(sorted(unknown))}.")
        checked, failures = 0, []
        for document in sources:
            for excerpt in document.excerpts.all():
                checked += 1
                # The prefetched excerpts would each fetch the source again without this.
                excerpt.source = document
                if not excerpt.is_anchored:
                    failures.append(
                        f"excerpt {excerpt.pk} in “{document.slug}” [{excerpt.start}:{excerpt.end}]: "
                        f"expected “{excerpt.quote[:60]}”, found “{document.text[excerpt.start : excerpt.end][:60]}”"
                    )
        for failure in failures:
            self.stderr.write(failure)
        if failures:
            raise CommandError(f"{len(failures)} of {checked} excerpt(s) are not anchored in their source.")
        self.stdout.write(self.style.SUCCESS(f"All {checked} excerpt(s) are anchored in their source."))
