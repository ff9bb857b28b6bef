"""Passwords that someone else chose for a user, who must replace them."""

from django.conf import settings
from django.db import models


class OneTimePassword(models.Model):
    """A password given to a user (``create_editor``), which they must replace with their own at the first login.

    It is theirs until ``password`` differs from the user's: any way of changing it (the admin's form,
    ``changepassword``, ``set_password()``) ends it, and nothing has to remember to.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        related_name="one_time_password",
        on_delete=models.CASCADE,  # a mark on a deleted account means nothing
    )
    password = models.CharField(
        max_length=128,
        help_text="The user's password hash as it was given: while theirs is the same, they must choose their own.",
    )

    def __str__(self) -> str:
        return f"One-time password of user #{self.user_id}"
