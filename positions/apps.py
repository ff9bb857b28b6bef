from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


def _sync_editors_group(sender, using="default", **kwargs) -> None:
    from .permissions import sync_editors_group

    sync_editors_group(using=using)


def _source_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    # A source's publication date is when the stances it reports are known from: the sources app does not
    # know stances, so this app follows its changes (in the same transaction as the save).
    if created or raw:
        return
    from .models import Stance

    for stance in Stance.objects.filter(excerpts__source=instance).distinct():
        stance.refresh_known_from(reason=f"Source “{instance.slug}” changed its publication date")


def _stance_deleted(sender, instance, using: str, **kwargs) -> None:
    # One stance gone (a draft: published stances are retracted, not deleted), its series placed again. Sent for
    # ``QuerySet.delete()`` too, which bypasses ``Stance.delete()``.
    from . import steps

    steps.place([instance.series_key], using=using)


class PositionsConfig(AppConfig):
    name = "positions"
    verbose_name = "Actors, policies and stances"

    def ready(self) -> None:
        # Sent after django.contrib.auth has created this app's permissions (auth is
        # installed first) and after the sources app's, which comes before this one.
        post_migrate.connect(_sync_editors_group, sender=self, dispatch_uid="positions.sync_editors_group")
        post_save.connect(_source_saved, sender="sources.Source", dispatch_uid="positions.source_saved")
        post_delete.connect(_stance_deleted, sender="positions.Stance", dispatch_uid="positions.stance_deleted")
