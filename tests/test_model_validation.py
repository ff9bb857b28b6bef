"""Rules the data keeps: what editors are told when a record is wrong."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from positions.models import Actor, Role, Stance
from sources.models import Excerpt
from tests.factories import ActorFactory, ExcerptFactory, PolicyFactory, SourceFactory, StanceFactory

pytestmark = pytest.mark.django_db


def test_an_excerpt_gets_its_offsets_from_its_quote():
    source = SourceFactory(text="Intro. “Crime is down,” she said. Outro.")
    excerpt = Excerpt(source=source, quote='"Crime is down," she said')
    excerpt.full_clean()
    assert source.text[excerpt.start : excerpt.end] == "“Crime is down,” she said"
    assert excerpt.quote == "“Crime is down,” she said"
    assert excerpt.prefix == "Intro. "
    assert excerpt.suffix == ". Outro."


def test_an_excerpt_not_in_its_source_is_refused_naming_the_source():
    source = SourceFactory(title="City Hall notes")
    with pytest.raises(ValidationError) as error:
        Excerpt(source=source, quote="words that are not there").full_clean()
    assert error.value.message_dict["quote"] == ["This quote was not found in the source “City Hall notes”."]


def test_an_ambiguous_excerpt_is_refused_until_a_prefix_picks_one():
    source = SourceFactory(text="He said yes. Then she said yes. The end.")
    with pytest.raises(ValidationError, match="occurs 2 times"):
        Excerpt(source=source, quote="said yes").full_clean()
    excerpt = Excerpt(source=source, quote="said yes", prefix="Then she")
    excerpt.full_clean()
    assert excerpt.start == source.text.rindex("said yes")


def test_the_same_span_cannot_be_stored_twice():
    first = ExcerptFactory()
    duplicate = Excerpt(source=first.source, quote=first.quote)
    with pytest.raises(ValidationError, match="already exists"):
        duplicate.full_clean()


def test_an_excerpts_anchoring_breaks_if_its_source_text_changes():
    excerpt = ExcerptFactory()
    assert excerpt.is_anchored
    excerpt.source.text = "x" + excerpt.source.text
    assert not excerpt.is_anchored


@pytest.mark.parametrize(
    ("precision", "given", "stored", "shown"),
    [
        (Stance.DatePrecision.DAY, datetime.date(2025, 8, 30), datetime.date(2025, 8, 30), "2025-08-30"),
        (Stance.DatePrecision.MONTH, datetime.date(2020, 6, 17), datetime.date(2020, 6, 1), "June 2020"),
        (Stance.DatePrecision.YEAR, datetime.date(2025, 11, 4), datetime.date(2025, 1, 1), "2025"),
    ],
)
def test_a_coarse_date_is_stored_as_the_first_day_of_its_period(precision, given, stored, shown):
    stance = StanceFactory.build(
        actor=ActorFactory(), policy=PolicyFactory(), stated_on=given, date_precision=precision, status="draft"
    )
    stance.full_clean()
    assert stance.stated_on == stored
    assert stance.stated_on_display == shown


def test_a_stance_without_excerpts_cannot_be_published():
    stance = StanceFactory(status=Stance.Status.DRAFT, excerpts=[])
    stance.status = Stance.Status.PUBLISHED
    with pytest.raises(ValidationError) as error:
        stance.full_clean()
    assert error.value.message_dict["status"] == [
        "A stance needs at least one excerpt before it can be submitted or published."
    ]


def test_a_position_off_the_five_point_scale_is_refused():
    stance = StanceFactory.build(actor=ActorFactory(), policy=PolicyFactory(), position=3)
    with pytest.raises(ValidationError) as error:
        stance.full_clean()
    assert "position" in error.value.message_dict
    # The database keeps the rule too, for writes that skip validation.
    stance.position = 3
    with pytest.raises(IntegrityError), transaction.atomic():
        stance.save()


def test_the_same_statement_cannot_be_recorded_twice():
    stance = StanceFactory()
    copy = Stance(
        actor=stance.actor,
        policy=stance.policy,
        position=Stance.Position.OPPOSE,
        stated_on=stance.stated_on,
        evidence_kind=stance.evidence_kind,
        summary="Again",
    )
    with pytest.raises(ValidationError, match="add the excerpt to that stance instead"):
        copy.full_clean()


@pytest.mark.parametrize("wikidata_id", ["Q123", "Q1"])
def test_a_wikidata_id_in_q_format_is_accepted(wikidata_id):
    ActorFactory.build(wikidata_id=wikidata_id).full_clean()


@pytest.mark.parametrize("wikidata_id", ["123", "q123", "Q0123", "Q", "P31", "Q12 "])
def test_a_malformed_wikidata_id_is_refused(wikidata_id):
    with pytest.raises(ValidationError) as error:
        ActorFactory.build(wikidata_id=wikidata_id).full_clean()
    assert "A Wikidata ID is a Q followed by digits" in error.value.message_dict["wikidata_id"][0]


def test_an_actor_cannot_sit_within_itself():
    city = ActorFactory(kind=Actor.Kind.GOVERNMENT_BODY)
    police = ActorFactory(kind=Actor.Kind.GOVERNMENT_BODY, parent=city)
    city.parent = police
    with pytest.raises(ValidationError, match="cannot sit within itself"):
        city.full_clean()


def test_a_policy_cannot_sit_within_its_own_subtopic():
    safety = PolicyFactory(name="Public safety")
    policing = PolicyFactory(parent=safety)
    defund = PolicyFactory(parent=policing)
    safety.parent = defund
    with pytest.raises(ValidationError) as error:
        safety.full_clean()
    assert error.value.message_dict["parent"] == ["A policy cannot sit within itself."]


def test_a_role_cannot_end_before_it_starts():
    role = Role(
        actor=ActorFactory(), title="Mayor", start_on=datetime.date(2026, 1, 1), end_on=datetime.date(2025, 1, 1)
    )
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        role.full_clean()


def test_a_role_knows_whether_it_was_held_on_a_day():
    role = Role(title="Mayor-elect", start_on=datetime.date(2025, 11, 4), end_on=datetime.date(2025, 12, 31))
    assert role.was_held_on(datetime.date(2025, 11, 19))
    assert not role.was_held_on(datetime.date(2026, 1, 1))


# Evidence and time -------------------------------------------------------------------------------


def test_a_saved_excerpt_cannot_be_moved_to_another_passage_or_source():
    excerpt = ExcerptFactory(quote="we will fund crisis teams")
    excerpt.quote = "would not work"
    with pytest.raises(ValidationError) as error:
        excerpt.full_clean()
    assert "Add a new excerpt" in error.value.message_dict["quote"][0]
    excerpt.refresh_from_db()
    excerpt.source = SourceFactory()
    with pytest.raises(ValidationError) as error:
        excerpt.full_clean()
    assert "cannot be moved" in error.value.message_dict["source"][0]


def test_the_database_refuses_a_period_that_is_not_what_its_precision_says():
    stance = StanceFactory(stated_on=datetime.date(2025, 8, 1), date_precision=Stance.DatePrecision.MONTH)
    for changes in (
        {"stated_on": datetime.date(2025, 8, 15)},  # a month starts on its first day
        {"stated_by": datetime.date(2025, 9, 30)},  # and ends in the same month
        {"date_precision": Stance.DatePrecision.DAY},  # a day is one day
        {"stated_on": datetime.date(1800, 8, 1), "stated_by": datetime.date(1800, 8, 31)},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Stance.objects.filter(pk=stance.pk).update(**changes)


@pytest.mark.parametrize(
    ("stated_on", "precision", "message"),
    [
        ("2031-05-01", Stance.DatePrecision.DAY, "cannot be dated after today"),
        ("1800-01-01", Stance.DatePrecision.YEAR, "cannot be dated before 1900-01-01"),
        # The factory's source is dated 30 August 2025: it cannot report a stance of September.
        ("2025-09-01", Stance.DatePrecision.MONTH, "cannot report a stance taken on or after 2025-09-01"),
    ],
)
def test_a_stance_date_that_cannot_be_right_is_refused_with_a_reason(stated_on, precision, message):
    stance = StanceFactory(status=Stance.Status.DRAFT)
    stance.stated_on, stance.date_precision = datetime.date.fromisoformat(stated_on), precision
    with pytest.raises(ValidationError) as error:
        stance.full_clean()
    assert message in " ".join(error.value.message_dict["stated_on"])


def test_a_range_needs_its_last_day_and_keeps_it():
    stance = StanceFactory(status=Stance.Status.DRAFT, stated_on=datetime.date(2025, 6, 1))
    stance.date_precision = Stance.DatePrecision.RANGE
    stance.stated_by = None
    with pytest.raises(ValidationError) as error:
        stance.full_clean()
    assert "needs its last day" in error.value.message_dict["stated_by"][0]
    stance.stated_by = datetime.date(2025, 8, 29)
    stance.full_clean()
    stance.save()
    stance.refresh_from_db()
    # The factory's source, of 30 August, comes after the range: the range's end counts.
    assert (stance.stated_on_display, stance.known_from) == ("2025-06-01 to 2025-08-29", datetime.date(2025, 8, 29))


def test_changing_a_sources_date_moves_the_day_its_stances_count_from_and_says_so_in_their_history():
    source = SourceFactory(published_on=None)
    stance = StanceFactory(
        stated_on=datetime.date(2025, 8, 1),
        date_precision=Stance.DatePrecision.MONTH,
        excerpts=[ExcerptFactory(source=source)],
    )
    assert stance.known_from == datetime.date(2025, 8, 31)
    source.published_on = datetime.date(2025, 8, 12)
    source.save()
    stance.refresh_from_db()
    assert stance.known_from == datetime.date(2025, 8, 12)
    assert "changed its publication date" in stance.history.first().history_change_reason
