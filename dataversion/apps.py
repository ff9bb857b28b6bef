from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def _install_triggers(sender, using="default", **kwargs) -> None:
    from .triggers import install

    install(using=using)


def _watch_connection(sender, connection, **kwargs) -> None:
    from .version import watch_writes

    # What ``connection.execute_wrapper()`` does for a block, for the connection's whole life (a wrapper
    # on every cursor it opens); added once, though the signal comes again on every reconnection.
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


class DataVersionConfig(AppConfig):
    name = "dataversion"
    verbose_name = "Data version"

    def ready(self) -> None:
        # After every migrate (and every flush, which empties the version table too): each watched table,
        # new ones included, gets its trigger, and the version row exists.
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="dataversion.install_triggers")
        connection_created.connect(_watch_connection, dispatch_uid="dataversion.watch_connection")
