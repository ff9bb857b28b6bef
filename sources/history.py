"""How every curated record keeps its change history (django-simple-history), in one place.

Each change is attributed to the account that made it by the account's id, held as a plain number rather
than a foreign key: deleting an account leaves the history as it was (a change made in the admin stays an
editor's change, which the seed loader respects) and no history row points at a missing user, so
``dumpdata --natural-foreign`` and a load of the dump work as well after an editor leaves as before. The
admin shows such a change as made by no known user; user ids are never reused (Django's SQLite tables use
AUTOINCREMENT, PostgreSQL sequences never go back).
"""

from django.conf import settings
from django.db import migrations, models
from simple_history.models import HistoricalRecords


def change_history(**options) -> HistoricalRecords:
    """``HistoricalRecords(**options)`` with the account kept by id (a new field for every model)."""
    account = models.IntegerField(
        null=True, blank=True, db_index=True, help_text="Id of the account that made the change, if any."
    )
    return HistoricalRecords(history_user_id_field=account, **options)


def forget_quotes_of(source) -> int:
    """Blank the quotes that history rows of ``source``'s excerpts hold, once the source is deleted.

    A source's text is never in its history (``Source.history`` excludes it); this takes out the passages
    of it that excerpts quoted, so a deleted article leaves no text behind. The rows themselves stay: when
    each excerpt was made and removed, and its offsets, are still on record. Returns the rows blanked.
    """
    return source.excerpts.model.history.filter(source_id=source.pk).update(quote="", prefix="", suffix="")


def by_account_id(model_name: str) -> list:
    """Migration operations turning a history model's ``history_user`` foreign key into ``history_user_id``, a
    plain number, keeping the column's values: its constraint is dropped, then the field is renamed in
    Django's state only. Used by the migrations that made the change: keep it as it is."""
    return [
        migrations.AlterField(
            model_name=model_name,
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=models.DO_NOTHING,
                related_name="+",
                db_constraint=False,
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name=model_name, name="history_user"),
                migrations.AddField(
                    model_name=model_name,
                    name="history_user_id",
                    field=models.IntegerField(
                        blank=True,
                        db_index=True,
                        help_text="Id of the account that made the change, if any.",
                        null=True,
                    ),
                ),
            ],
        ),
    ]
