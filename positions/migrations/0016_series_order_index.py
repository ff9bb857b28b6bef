"""The series index ends with the id, the order's last key: a page of one series is read from it in order, with no
sort, whatever plan the database keeps for a prepared statement. It carries the status after the id, so that a
series' published stances are counted from the index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("positions", "0015_stance_search_document_sqlite")]

    operations = [
        migrations.RemoveIndex(model_name="stance", name="stance_series_order"),
        migrations.AddIndex(
            model_name="stance",
            index=models.Index(
                fields=["actor", "policy", "qualifier", "known_from", "stated_on", "id", "status"],
                name="stance_series_order",
            ),
        ),
    ]
