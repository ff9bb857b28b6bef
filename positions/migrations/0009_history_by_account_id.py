"""History rows name the account behind each change by its id (sources.history). A stance's history no longer copies created_by and
updated_by, which pointed at deleted accounts.
"""

from django.conf import settings
from django.db import migrations

from sources.history import by_account_id


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("positions", "0008_name_order_indexes"),
    ]

    operations = [
        *by_account_id("historicalactor"),
        *by_account_id("historicalrole"),
        *by_account_id("historicalpolicy"),
        *by_account_id("historicalstance"),
        *by_account_id("historicalstanceevidence"),
        migrations.RemoveField(model_name="historicalstance", name="created_by"),
        migrations.RemoveField(model_name="historicalstance", name="updated_by"),
    ]
