"""An index in the order of the public sources list: newest first, undated last, then by slug."""

from django.db import migrations


def create(apps, schema_editor):
    nulls_last = " NULLS LAST" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f'CREATE INDEX source_newest_first ON sources_source (published_on DESC{nulls_last}, slug)'
    )


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX source_newest_first")


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0003_desk_supplied_metadata"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
