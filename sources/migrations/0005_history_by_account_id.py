"""History rows name the account behind each change by its id (sources.history). A source's text is no longer copied into its
history rows: the copies kept so far are dropped.
"""

from django.conf import settings
from django.db import migrations

from sources.history import by_account_id


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("sources", "0004_source_newest_first_index"),
    ]

    operations = [
        *by_account_id("historicalsource"),
        *by_account_id("historicalexcerpt"),
        migrations.RemoveField(model_name="historicalsource", name="text"),
    ]
