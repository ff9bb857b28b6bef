from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_editors_group(sender, using="default", **kwargs) -> None:
    from .permissions import sync_editors_group

    sync_editors_group(using=using)


class PositionsConfig(AppConfig):
    name = "positions"
    verbose_name = "Actors, policies and stances"

    def ready(self) -> None:
        # Sent after django.contrib.auth has created this app's permissions (auth is
        # installed first) and after the sources app's, which comes before this one.
        post_migrate.connect(_sync_editors_group, sender=self, dispatch_uid="positions.sync_editors_group")
