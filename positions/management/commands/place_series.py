"""Recompute every stance's stored place in its series, after writes that bypassed the models."""

from django.core.management.base import BaseCommand
from django.db import transaction

from positions import steps


class Command(BaseCommand):
    help = (
        "Recompute each published stance's stored place in its series (the stance before it, the day the next one "
        "counts from, the kind of step) from the stances themselves. Every save does this for its own series; run "
        "it after changing stances with raw SQL or QuerySet.update(). Rows already right are not written."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = steps.place()
        self.stdout.write(f"{changed:,} stances placed anew." if changed else "Every series was in place.")
