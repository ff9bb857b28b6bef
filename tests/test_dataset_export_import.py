"""The published dataset leaves as files and comes back whole: export_dataset and import_dataset."""

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from rest_framework.test import APIClient

from positions.models import Actor, Stance
from sources.models import Excerpt, Source
from tests.factories import StanceFactory, UserFactory

RESOURCES = ["actors", "roles", "policies", "sources", "excerpts", "stances", "evidence"]


def public_api() -> dict[str, object]:
    """Every public response over the data: lists followed page by page, and every detail and timeline."""
    client = APIClient()

    def every_page(url: str) -> list:
        rows = []
        while url:
            body = client.get(url).json()
            rows += body["results"]
            url = body["next"]
        return rows

    seen = {}
    for name in ("actors", "policies", "sources", "stances", "corrections", "positions", "shifts"):
        seen[name] = every_page(f"/api/{name}/?page_size=500")
    for actor in seen["actors"]:
        seen[f"actor {actor['slug']}"] = client.get(f"/api/actors/{actor['slug']}/").json()
        seen[f"timeline {actor['slug']}"] = every_page(f"/api/actors/{actor['slug']}/timeline/?page_size=500")
    for source in seen["sources"]:
        seen[f"source {source['slug']}"] = client.get(f"/api/sources/{source['slug']}/").json()
    for stance in seen["stances"]:
        seen[f"stance {stance['id']}"] = client.get(f"/api/stances/{stance['id']}/").json()
    seen["csv"] = client.get("/api/stances/?format=csv&page_size=500").content.decode()
    return seen


def files_of(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def export(directory: Path) -> str:
    out = io.StringIO()
    call_command("export_dataset", str(directory), stdout=out)
    return out.getvalue()


def empty_the_database() -> None:
    call_command("flush", "--noinput", verbosity=0)


def retract_one_published_stance() -> Stance:
    stance = Stance.objects.published().order_by("pk").first()
    stance.status, stance.retraction_reason = Stance.Status.RETRACTED, "The quote was from another speaker."
    stance.full_clean()
    stance.save()
    return stance


@pytest.mark.django_db(transaction=True)
def test_a_seeded_dataset_exported_and_imported_into_an_empty_database_is_the_same_to_the_public(tmp_path):
    call_command("load_seed", verbosity=0)
    editor = UserFactory(username="desk-editor-jane")
    Stance.objects.filter(status=Stance.Status.DRAFT).update(editor_notes="Internal: check with the desk.")
    Stance.objects.update(created_by=editor)
    retracted = retract_one_published_stance()
    before = public_api()
    export(tmp_path / "first")

    empty_the_database()
    assert not Stance.objects.exists() and not Source.objects.exists()
    call_command("import_dataset", str(tmp_path / "first"), verbosity=0)
    export(tmp_path / "second")

    assert files_of(tmp_path / "first") == files_of(tmp_path / "second")
    after = public_api()
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], name
    assert [correction["id"] for correction in after["corrections"]] == [retracted.pk]
    assert after["corrections"][0]["retraction_reason"] == "The quote was from another speaker."
    # Stance ids were kept: the next stance an editor records gets a new one.
    assert StanceFactory().pk > max(stance["id"] for stance in after["stances"])


@pytest.mark.django_db
def test_the_export_holds_the_published_dataset_only_and_its_manifest_describes_each_file(tmp_path):
    call_command("load_seed", verbosity=0)
    Stance.objects.filter(status=Stance.Status.DRAFT).update(editor_notes="Internal: check with the desk.")
    Stance.objects.update(created_by=UserFactory(username="desk-editor-jane"))
    draft = Stance.objects.filter(status=Stance.Status.DRAFT).first()
    draft_only = Excerpt.objects.filter(evidence__stance=draft).exclude(evidence__stance__status="published")

    printed = export(tmp_path)

    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["licence"] == "CC-BY-4.0"
    assert manifest["counts"]["stances"] == Stance.objects.published().count()
    assert manifest["counts"]["actors"] == Actor.objects.count() and manifest["counts"]["sources"] == 5
    assert sorted(manifest["files"]) == sorted(f"{name}.{kind}" for name in RESOURCES for kind in ("jsonl", "csv"))
    for name, listed in manifest["files"].items():
        content = (tmp_path / name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == listed["sha256"]
        if name.endswith(".jsonl"):
            assert len(content.decode().splitlines()) == listed["records"]
        else:  # a header row, then one row per record (article texts span lines inside their quoted cells)
            header, *rows = csv.reader(io.StringIO(content.decode(), newline=""))
            assert len(rows) == listed["records"] and header[0] in ("slug", "actor", "source", "id", "stance")
    stances = [json.loads(line) for line in (tmp_path / "stances.jsonl").read_text().splitlines()]
    assert {stance["status"] for stance in stances} == {"published"}
    assert draft.pk not in {stance["id"] for stance in stances}
    everything = b"".join(files_of(tmp_path).values()).decode()
    assert "Internal: check with the desk." not in everything
    assert "desk-editor-jane" not in everything and "editor_notes" not in everything
    quotes = {json.loads(line)["quote"] for line in (tmp_path / "excerpts.jsonl").read_text().splitlines()}
    assert all(excerpt.quote not in quotes for excerpt in draft_only)
    assert f"{manifest['counts']['stances']} stances" in printed


@pytest.fixture
def exported(db, tmp_path) -> Path:
    """The seed's published dataset, exported from a database that is empty again afterwards."""
    directory = tmp_path / "dataset"
    with transaction.atomic():
        call_command("load_seed", verbosity=0)
        export(directory)
        transaction.set_rollback(True)
    return directory


def rewrite(directory: Path, name: str, change) -> None:
    """Change one file and list its new hash in the manifest, as a careless editor of the files would."""
    path = directory / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(change(lines)), encoding="utf-8")
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["files"][name]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (directory / "manifest.json").write_text(json.dumps(manifest))


def import_fails(directory: Path) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("import_dataset", str(directory), verbosity=0)
    assert not Actor.objects.exists() and not Source.objects.exists() and not Stance.objects.exists()
    return str(refused.value)


@pytest.mark.django_db
def test_a_file_changed_after_export_is_refused_naming_it_and_its_hashes(exported):
    with (exported / "policies.csv").open("a") as policies:
        policies.write("sneaked-in,Sneaked in,,\n")

    message = import_fails(exported)

    assert message.startswith("policies.csv: SHA-256 is ")
    assert "but manifest.json says" in message and "Nothing was imported." in message


@pytest.mark.django_db
def test_a_missing_file_is_refused_naming_it(exported):
    (exported / "roles.jsonl").unlink()

    assert import_fails(exported).startswith("roles.jsonl: listed in manifest.json but missing.")


@pytest.mark.django_db
def test_a_missing_manifest_is_refused(exported):
    (exported / "manifest.json").unlink()

    assert import_fails(exported).startswith("manifest.json: not found in ")


@pytest.mark.django_db
def test_a_line_that_is_not_json_is_refused_naming_file_and_line(exported):
    rewrite(exported, "stances.jsonl", lambda lines: [*lines[:2], '{"id": 3, "actor": \n', *lines[3:]])

    assert import_fails(exported).startswith("stances.jsonl, line 3: invalid JSON")


@pytest.mark.django_db
def test_a_record_an_editor_could_not_save_is_refused_naming_file_line_and_field(exported):
    def off_the_scale(lines):
        record = json.loads(lines[4])
        record["position"] = 7
        return [*lines[:4], json.dumps(record) + "\n", *lines[5:]]

    rewrite(exported, "stances.jsonl", off_the_scale)

    message = import_fails(exported)
    assert message.startswith("stances.jsonl, line 5: ") and "position" in message


@pytest.mark.django_db
def test_an_excerpt_that_does_not_stand_at_its_offsets_is_refused_naming_file_and_line(exported):
    def moved(lines):
        record = json.loads(lines[1])
        record["start"] += 1
        return [lines[0], json.dumps(record, ensure_ascii=False) + "\n", *lines[2:]]

    rewrite(exported, "excerpts.jsonl", moved)

    message = import_fails(exported)
    assert message.startswith("excerpts.jsonl, line 2: the quote is not at characters ")


@pytest.mark.django_db
def test_a_source_text_that_does_not_match_its_hash_is_refused(exported):
    def altered(lines):
        record = json.loads(lines[0])
        record["text"] = record["text"].replace("Mamdani", "Mandani", 1)
        return [json.dumps(record, ensure_ascii=False) + "\n", *lines[1:]]

    rewrite(exported, "sources.jsonl", altered)

    assert import_fails(exported) == "sources.jsonl, line 1: the text does not match its sha256.\nNothing was imported."


@pytest.mark.django_db
def test_a_database_that_already_holds_records_is_refused_and_left_alone(exported):
    Actor.objects.create(name="Already here", slug="already-here", kind="person")

    with pytest.raises(
        CommandError, match=r"The database is not empty \(1 actors\): import_dataset loads into an empty"
    ):
        call_command("import_dataset", str(exported), verbosity=0)
    assert list(Actor.objects.values_list("slug", flat=True)) == ["already-here"]
