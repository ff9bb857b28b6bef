from django.apps import AppConfig
from django.db.models.signals import post_delete


def _forget_quotes(sender, instance, **kwargs):
    from .history import forget_quotes_of

    forget_quotes_of(instance)


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Sources and excerpts"

    def ready(self):
        # However a source is deleted (admin, bulk, shell), its quoted passages leave the history with it.
        post_delete.connect(_forget_quotes, sender="sources.Source", dispatch_uid="sources-forget-quotes")
