"""Giving a user a one-time password, and telling whether they still have it."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from .models import OneTimePassword


@transaction.atomic
def give_one_time_password(user: AbstractBaseUser, password: str) -> None:
    """Set ``user``'s password to one chosen for them and save the user (a new one is created): it lets them log
    in once, and then they must choose their own. The password should have been validated already."""
    user.set_password(password)
    user.save()
    OneTimePassword.objects.update_or_create(user=user, defaults={"password": user.password})


def has_one_time_password(user: AbstractBaseUser) -> bool:
    """Whether ``user``'s password is still the one they were given (one query). A mark whose password has been
    changed since is deleted."""
    given = OneTimePassword.objects.filter(user_id=user.pk).values_list("password", flat=True).first()
    if given is None:
        return False
    if given == user.password:
        return True
    OneTimePassword.objects.filter(user_id=user.pk, password=given).delete()
    return False
