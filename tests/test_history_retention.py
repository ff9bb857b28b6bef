"""The change history outlives the accounts that made the changes, and keeps no copy of source texts."""

import io
import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from positions.models import Stance
from positions.seed import edited_by_an_editor
from sources.models import Source
from tests.factories import ExcerptFactory, SourceFactory, StanceFactory, UserFactory

pytestmark = pytest.mark.django_db


def dump(*labels: str) -> list[dict]:
    out = io.StringIO()
    call_command("dumpdata", *labels, "--natural-foreign", stdout=out)
    return json.loads(out.getvalue())


def changed_by(user, stance: Stance, summary: str) -> None:
    stance.summary = summary
    stance.updated_by = user
    stance._history_user = user
    stance.save()


def test_a_full_dump_with_natural_keys_works_after_an_editor_who_made_changes_is_deleted():
    editor = UserFactory(username="former-editor")
    stance = StanceFactory(created_by=editor, updated_by=editor)
    changed_by(editor, stance, "Changed by an editor who later left.")

    editor.delete()

    records = dump()
    (current,) = [record for record in records if record["model"] == "positions.stance"]
    assert current["fields"]["summary"] == "Changed by an editor who later left."
    assert current["fields"]["updated_by"] is None  # the record outlives the account
    history = [record for record in records if record["model"] == "positions.historicalstance"]
    assert [row["fields"]["summary"] for row in history][-1] == "Changed by an editor who later left."


def test_a_deleted_editors_changes_are_still_attributed_to_an_editor_and_kept_from_the_seed_loader():
    editor = UserFactory(username="former-editor")
    stance = StanceFactory()
    changed_by(editor, stance, "An editor's wording.")
    editor_id = editor.pk

    editor.delete()

    latest = stance.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user_id == editor_id
    assert latest.history_user is None  # the account is gone; which account it was is still known
    assert edited_by_an_editor(stance)


def test_history_rows_keep_each_source_version_by_its_hash_and_never_its_text():
    source = SourceFactory(text="A confidential article that must go entirely when deleted.")
    source.title = "Retitled"
    source.save()
    sha256 = source.sha256

    source.delete()

    rows = list(Source.history.filter(slug=source.slug).order_by("history_id"))
    assert [row.history_type for row in rows] == ["+", "~", "-"]
    assert {row.sha256 for row in rows} == {sha256}
    assert not hasattr(rows[0], "text")
    dumped = json.dumps(dump("sources"))
    assert "confidential article" not in dumped


def test_a_deleted_sources_quotes_leave_the_history_with_it():
    source = SourceFactory(text="Before. The quoted sentence stays only while its source does. After.")
    excerpt = ExcerptFactory(source=source, quote="The quoted sentence stays only while its source does.")
    excerpt.delete()

    source.delete()

    dumped = json.dumps(dump("sources"))
    assert "quoted sentence" not in dumped


@pytest.mark.django_db(transaction=True)
def test_the_dump_loads_back_into_an_empty_database_with_the_deleted_editors_changes_attributed(tmp_path):
    editor = UserFactory(username="former-editor")
    stance = StanceFactory(created_by=editor)
    changed_by(editor, stance, "Changed by an editor who later left.")
    editor_id = editor.pk
    editor.delete()
    dumped = tmp_path / "dump.json"
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--exclude",
        "contenttypes",
        "--exclude",
        "auth.permission",
        "--output",
        str(dumped),
        verbosity=0,
    )

    call_command("flush", "--noinput", verbosity=0)
    # flush's post_migrate makes the Editors group again, under a new id on PostgreSQL: the dump holds it.
    Group.objects.all().delete()
    call_command("loaddata", str(dumped), verbosity=0)

    loaded = Stance.objects.get(pk=stance.pk)
    assert loaded.summary == "Changed by an editor who later left."
    latest = loaded.history.order_by("-history_date", "-history_id").first()
    assert (latest.summary, latest.history_user_id) == ("Changed by an editor who later left.", editor_id)


def test_the_admin_history_of_a_record_changed_by_a_deleted_editor_still_shows_the_change(editor_client):
    former = UserFactory(username="former-editor")
    stance = StanceFactory()
    changed_by(former, stance, "Changed by an editor who later left.")
    former.delete()

    response = editor_client.get(f"/admin/positions/stance/{stance.pk}/history/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Summary" in page and "Changed by an editor who later left." in page
    assert "former-editor" not in page
