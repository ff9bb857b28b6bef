from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


def _logged_in(sender, request, user, **kwargs) -> None:
    from .middleware import note_one_time_password

    note_one_time_password(request, user)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # A session learns at login whether its user still has a one-time password: the middleware asks the
        # database only for sessions that do (see accounts.middleware).
        user_logged_in.connect(_logged_in, dispatch_uid="accounts.logged_in")
