"""load_seed: the shipped dataset loads whole, faithfully, once, or not at all."""

import datetime
import io
import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from positions.models import Actor, Policy, Role, Stance, StanceEvidence
from sources.models import Excerpt, Source
from tests.admin_forms import admin_url, run_action, saved_stance_form

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
MODELS = (Source, Excerpt, Actor, Role, Policy, Stance, StanceEvidence)

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def history_counts() -> dict[str, int]:
    return {model.__name__: model.history.count() for model in MODELS}


def test_the_seed_loads_the_five_articles_and_the_curated_records(seeded):
    assert Source.objects.count() == 5
    assert Actor.objects.count() >= 12
    assert Policy.objects.filter(children__isnull=True).count() >= 8
    published = Stance.objects.published()
    assert published.count() >= 30
    assert not published.filter(evidence__isnull=True).exists()
    for slug in (
        "department-of-community-safety",
        "nypd-cooperation-with-ice",
        "defund-the-nypd",
        "quality-of-life-enforcement",
    ):
        assert published.filter(policy__slug=slug).exists(), slug


def test_every_seed_excerpt_stands_in_its_source_at_its_offsets(seeded):
    excerpts = list(Excerpt.objects.select_related("source"))
    assert len(excerpts) >= 30
    for excerpt in excerpts:
        assert excerpt.source.text[excerpt.start : excerpt.end] == excerpt.quote
        assert excerpt.is_anchored


def test_seed_source_metadata_comes_from_the_files_the_desk_marks_what_it_supplied_and_gaps_stay_visible(seeded):
    cnn = Source.objects.get(slug="cnn-mamdani-courts-nypd-officers")
    assert (cnn.byline, cnn.publisher, str(cnn.published_on)) == ("Gloria Pazmino", "CNN", "2025-08-30")
    assert cnn.title.startswith("[") and cnn.supplied_fields == ["title"]
    undated = Source.objects.get(slug="mamdani-inroads-with-police")
    assert undated.publisher == "" and undated.published_on is None
    assert "publisher" in undated.note and "published on" in undated.missing_fields
    headline = Source.objects.get(slug="mamdani-nypd-will-not-aid-ice")
    assert headline.title.startswith("Mamdani Resolves NYPD") and headline.supplied_fields == []
    # Every source has a title now; those whose publisher cannot be known say so and still need attention.
    assert not Source.objects.filter(title="").exists()
    assert all(source.note for source in Source.objects.all())


def test_at_least_three_actor_policy_pairs_change_position_over_time(seeded):
    series = defaultdict(list)
    for stance in Stance.objects.published().order_by("stated_on", "pk"):
        series[(stance.actor.slug, stance.policy.slug)].append(stance.position)
    changing = {pair for pair, positions in series.items() if len(set(positions)) > 1}
    assert len(changing) >= 3
    assert {("zohran-mamdani", "defund-the-nypd"), ("zohran-mamdani", "keep-tisch-as-commissioner")} <= changing


def test_mamdani_on_defunding_the_nypd_moves_from_support_in_2020_to_opposition_in_2025(seeded):
    stances = list(
        Stance.objects.published()
        .filter(actor__slug="zohran-mamdani", policy__slug="defund-the-nypd")
        .order_by("known_from", "stated_on")
    )
    first = stances[0]
    assert (first.stated_on_display, first.position) == ("June 2020", Stance.Position.STRONGLY_SUPPORT)
    assert "#DefundTheNYPD" in first.excerpts.get(source__slug="cnn-ice-recruits-nypd-officers").quote
    assert {stance.position for stance in stances[1:]} == {Stance.Position.OPPOSE}
    # CNN says "in August"; the public record has the same words on 30 July: a period covering both.
    disavowal = next(stance for stance in stances if stance.stated_on == datetime.date(2025, 7, 30))
    assert disavowal.stated_by == datetime.date(2025, 8, 31)
    assert "I am not defunding the police" in disavowal.excerpts.first().quote


def test_mamdani_on_keeping_tisch_moves_from_noncommittal_to_support(seeded):
    positions = list(
        Stance.objects.published()
        .filter(actor__slug="zohran-mamdani", policy__slug="keep-tisch-as-commissioner")
        .order_by("known_from")
        .values_list("known_from", "position")
    )
    # Noncommittal when CNN reported on 30 August; committed "in the closing months of his campaign", so by
    # election day; and in his own words on 19 November.
    assert [str(day) for day, _ in positions] == ["2025-08-30", "2025-11-04", "2025-11-19"]
    assert [position for _, position in positions] == [0, 2, 2]


def test_scopes_the_articles_distinguish_are_policies_of_their_own(seeded):
    # Civil and criminal immigration enforcement, a federal and the Governor's own Guard deployment.
    for topic in ("nypd-cooperation-with-ice", "national-guard-deployment-nyc"):
        children = Policy.objects.filter(parent__slug=topic)
        assert children.count() == 2, topic
        assert Stance.objects.published().filter(policy__in=children).exists(), topic
    hochul = Stance.objects.published().filter(
        actor__slug="kathy-hochul", policy__parent__slug="national-guard-deployment-nyc"
    )
    assert {stance.position > 0 for stance in hochul} == {True, False}  # against Trump's, for her own


def test_weakly_evidenced_records_stay_drafts_with_a_note(seeded):
    drafts = Stance.objects.filter(status=Stance.Status.DRAFT)
    assert drafts.exists()
    assert all(draft.editor_notes for draft in drafts)


def test_loading_twice_changes_nothing(seeded, capsys):
    before, history_before = counts(), history_counts()
    call_command("load_seed")
    assert "Seed already loaded: nothing changed." in capsys.readouterr().out
    assert counts() == before
    assert history_counts() == history_before


def test_verify_excerpts_passes_on_the_seed(seeded, capsys):
    call_command("verify_excerpts")
    assert f"All {Excerpt.objects.count()} excerpt(s) are anchored" in capsys.readouterr().out


def test_verify_excerpts_names_a_drifted_excerpt_and_fails(seeded, capsys):
    excerpt = Excerpt.objects.filter(source__slug="cnn-ice-recruits-nypd-officers").first()
    Excerpt.objects.filter(pk=excerpt.pk).update(start=excerpt.start + 1, end=excerpt.end + 1)
    with pytest.raises(CommandError, match=r"1 of \d+ excerpt\(s\) are not anchored"):
        call_command("verify_excerpts")
    assert f"excerpt {excerpt.pk} in “cnn-ice-recruits-nypd-officers”" in capsys.readouterr().err


# --- Bad input: the file and record are named, and nothing of the load is kept ------------------


@pytest.fixture
def fixture_copy(tmp_path) -> Path:
    directory = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, directory)
    return directory


def edit_records(path: Path, change) -> None:
    records = json.loads(path.read_text(encoding="utf-8"))
    change(records)
    path.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")


def stance_index(records, actor, policy) -> int:
    return next(i for i, r in enumerate(records) if (r["actor"], r["policy"]) == (actor, policy))


def break_first_source(data: bytes):
    def breaker(directory: Path):
        (directory / "sources" / "000_41a3503683dd1fda.txt").write_bytes(data)

    return breaker


def set_in_stance(field, value, excerpt=False):
    def breaker(directory: Path):
        def change(records):
            record = records[stance_index(records, "zohran-mamdani", "defund-the-nypd")]
            (record["excerpts"][0] if excerpt else record)[field] = value

        edit_records(directory / "stances.json", change)

    return breaker


def set_in_file(name, field, value):
    def breaker(directory: Path):
        def change(records):
            records[0][field] = value

        edit_records(directory / name, change)

    return breaker


def truncate(name):
    def breaker(directory: Path):
        path = directory / name
        path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")

    return breaker


@pytest.mark.parametrize(
    ("breaker", "expected"),
    [
        (break_first_source(b""), r"000_41a3503683dd1fda\.txt: the file is empty"),
        (break_first_source(b"\x89PNG\r\n\x1a\n\x00\x00"), r"000_41a3503683dd1fda\.txt, line 3: the file looks binary"),
        (break_first_source("café".encode("latin-1")), r"000_41a3503683dd1fda\.txt, line 1: not valid UTF-8"),
        (set_in_stance("actor", "nobody"), r"stances\.json: record 1 \(.*\): unknown actor “nobody”"),
        (set_in_stance("policy", "no-such-policy"), r"stances\.json: record 1 \(.*\): unknown policy “no-such-policy”"),
        (
            set_in_stance("source", "no-such-source", excerpt=True),
            r"record 1 \(.*\), excerpt: unknown source “no-such-source”",
        ),
        (set_in_stance("quote", "We need to defund it all", excerpt=True), r"stances\.json: record 1 .*does not occur"),
        (set_in_stance("stated_on", "June 2020"), r"stances\.json: record 1 .*stated_on “June 2020”: it is not YYYY"),
        (
            set_in_stance("stated_on", "2025-11-04/2025-09-01"),
            r"record 1 .*stated_on “2025-11-04/2025-09-01”: A range cannot end before it starts",
        ),
        (set_in_stance("stated_on", "2031-01-01"), r"record 1 .*cannot be dated after today"),
        (set_in_stance("stated_on", "1800"), r"record 1 .*cannot be dated before 1900-01-01"),
        # The CNN article of 7 November 2025 cannot report a stance taken in December.
        (set_in_stance("stated_on", "2025-12"), r"record 1 .*published on 2025-\d\d-\d\d cannot report a stance"),
        (set_in_stance("qualifier", None), r"record 1 .*qualifier must be text, not null"),
        (set_in_stance("summary", {"nested": [1]}), r"record 1 .*summary must be text, not an object"),
        (set_in_stance("position", "2"), r"record 1 .*position must be a whole number, not text"),
        (set_in_file("actors.json", "roles", 5), r"actors\.json: record 1 .*roles must be a list, not a whole number"),
        (set_in_file("sources.json", "file", "/etc/hostname"), r"sources\.json: record 1 .*must be a path inside"),
        (set_in_file("sources.json", "file", "../../README.md"), r"sources\.json: record 1 .*must be a path inside"),
        (set_in_stance("position", 5), r"stances\.json: record 1 .*position"),
        (set_in_stance("excerpts", []), r"record 1 .*a published stance needs at least one excerpt"),
        (set_in_stance("postion", 1), r"record 1 .*unknown field\(s\) postion"),
        (truncate("actors.json"), r"actors\.json, line \d+, column \d+: invalid JSON"),
    ],
    ids=[
        "empty-source",
        "binary-source",
        "non-utf8-source",
        "unknown-actor",
        "unknown-policy",
        "unknown-source",
        "quote-not-found",
        "bad-date",
        "backwards-range",
        "future-date",
        "date-before-1900",
        "reported-before-it-was-said",
        "null-qualifier",
        "nested-json",
        "position-as-text",
        "roles-not-a-list",
        "absolute-source-path",
        "source-path-outside",
        "position-off-scale",
        "published-without-excerpts",
        "misspelt-field",
        "broken-json",
    ],
)
def test_bad_input_fails_naming_file_and_record_and_loads_nothing(fixture_copy, breaker, expected):
    breaker(fixture_copy)
    with pytest.raises(CommandError, match=expected) as error:
        call_command("load_seed", directory=fixture_copy)
    assert "Nothing was loaded." in str(error.value)
    assert set(counts().values()) == {0}


def test_a_bad_record_added_later_rolls_back_the_whole_load_and_keeps_what_was_there(seeded, fixture_copy):
    before = counts()

    def change(records):
        records[0]["name"] = "Renamed in the same load"
        records.append({"slug": "broken", "name": "Broken", "kind": "not-a-kind"})

    edit_records(fixture_copy / "actors.json", change)
    with pytest.raises(CommandError, match=r"actors\.json: record \d+ \(broken\): kind"):
        call_command("load_seed", directory=fixture_copy)
    assert counts() == before
    assert Actor.objects.get(slug="zohran-mamdani").name == "Zohran Mamdani"


def test_an_edited_record_is_updated_in_place_on_reload(seeded, fixture_copy, capsys):
    def change(records):
        records[stance_index(records, "zohran-mamdani", "defund-the-nypd")]["summary"] = "Edited summary."

    edit_records(fixture_copy / "stances.json", change)
    before = counts()
    call_command("load_seed", directory=fixture_copy)
    assert "stances: 1 updated" in capsys.readouterr().out
    assert counts() == before
    assert Stance.objects.filter(summary="Edited summary.").count() == 1


def test_the_desk_supplies_what_a_files_header_lacks_and_says_so(fixture_copy):
    def supply(records):
        by_slug = {record["slug"]: record for record in records}
        by_slug["mamdani-inroads-with-police"] |= {"title": "Mamdani makes inroads with police", "note": "Undated."}

    edit_records(fixture_copy / "sources.json", supply)
    call_command("load_seed", directory=fixture_copy, verbosity=0)
    source = Source.objects.get(slug="mamdani-inroads-with-police")
    assert (source.title, source.supplied_fields, source.note) == (
        "Mamdani makes inroads with police",
        ["title"],
        "Undated.",
    )
    assert before_and_after_second_load(fixture_copy) == ("nothing changed",)


def test_the_desk_cannot_overrule_a_files_own_header(fixture_copy):
    def overrule(records):
        # The CNN file's own header gives its publication date.
        records[0]["published_on"] = "2025-01-01"

    edit_records(fixture_copy / "sources.json", overrule)
    with pytest.raises(CommandError, match=r"sources\.json: record 1 .*published_on is in the file's own header"):
        call_command("load_seed", directory=fixture_copy)
    assert set(counts().values()) == {0}


def before_and_after_second_load(directory: Path) -> tuple[str]:
    out = io.StringIO()
    call_command("load_seed", directory=directory, stdout=out)
    return ("nothing changed",) if "nothing changed" in out.getvalue().lower() else (out.getvalue(),)


def test_loading_again_keeps_what_an_editor_changed_in_the_admin(seeded, editor_client, reviewer_client):
    stance = Stance.objects.get(actor__slug="zohran-mamdani", policy__slug="defund-the-nypd", stated_on="2020-06-01")
    data = saved_stance_form(stance, summary="Reworded by an editor")
    response = editor_client.post(admin_url(stance, "change", stance.pk), data)
    assert response.status_code == 302
    # The change to a published stance is a revision, published once a second editor approves it.
    revision = Stance.objects.get(revises=stance)
    run_action(editor_client, "submit_for_review", [revision])
    run_action(reviewer_client, "approve", [revision])

    out = io.StringIO()
    call_command("load_seed", stdout=out)

    stance.refresh_from_db()
    assert stance.summary == "Reworded by an editor"
    assert "stances: " in out.getvalue() and "1 kept as edited by an editor" in out.getvalue()
    assert "nothing changed" in out.getvalue()
