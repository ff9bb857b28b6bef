"""The one-row table that holds the data version."""

from django.db import models

ROW_ID = 1


class DataVersion(models.Model):
    """The version of the public data: a random token that database triggers replace on every write to a
    watched table, in the writing transaction (``dataversion.triggers``)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=ROW_ID)
    token = models.CharField(
        max_length=64, help_text="Replaced by a new random value whenever a watched table is written."
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=ROW_ID), name="dataversion_single_row")]

    def __str__(self) -> str:
        return self.token
