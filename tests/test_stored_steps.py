"""Each published stance's stored place in its series (``positions.steps``) is what ``positions.timeline`` and
``positions.chronology`` say of it, after a bulk load and after every kind of write."""

import datetime
import io

import pytest
from django.core.management import call_command

from positions import chronology, steps, timeline
from positions.models import Stance, StanceEvidence
from positions.publishing import publish_stances, unpublish_stances
from tests.factories import ActorFactory, ExcerptFactory, PolicyFactory, SourceFactory, StanceFactory

pytestmark = pytest.mark.django_db


POINT_FIELDS = ("pk", "actor_id", "policy_id", "qualifier", "position", "stated_on", "known_from")


def expected() -> dict[int, tuple[int | None, str, datetime.date | None]]:
    """Every stance's (previous, step, next_known_from), from the pure rules over the published stances."""
    published = list(Stance.objects.published().only(*POINT_FIELDS))
    found: dict[int, tuple[int | None, str, datetime.date | None]] = {
        pk: (None, "", None)
        for pk in Stance.objects.exclude(status=Stance.Status.PUBLISHED).values_list("pk", flat=True)
    }
    for group in chronology.series(published).values():
        following = [*group[1:], None]
        for step, after in zip(timeline.steps(group), following, strict=True):
            previous = step.previous.pk if step.previous else None
            found[step.stance.pk] = (previous, step.change.value, after.known_from if after else None)
    return found


def stored() -> dict[int, tuple[int | None, str, datetime.date | None]]:
    rows = Stance.objects.values_list("pk", "previous_id", "step", "next_known_from")
    return {pk: (previous, step, next_known_from) for pk, previous, step, next_known_from in rows}


def test_a_bulk_load_places_every_series_as_the_timeline_rules_do():
    call_command("generate_synthetic", stances=3000, actors=40, policies=10, sources=150, seed=7, stdout=io.StringIO())
    want = expected()
    assert len(want) == 3000
    assert stored() == want
    # Every kind of step occurs, and drafts are mixed in: the comparison covers them all.
    assert {step for _, step, _ in want.values()} == {"", *(change.value for change in timeline.StepChange)}


def test_as_of_is_the_latest_stance_of_each_series_by_that_day():
    call_command("generate_synthetic", stances=1500, actors=20, policies=6, sources=80, seed=11, stdout=io.StringIO())
    published = list(Stance.objects.published().only(*POINT_FIELDS))
    days = sorted({stance.known_from for stance in published})
    for day in [days[0] - datetime.timedelta(days=1), *days[:: max(1, len(days) // 25)], days[-1]]:
        latest = {stance.pk for stance in chronology.latest(published, day).values()}
        assert set(Stance.objects.as_of(day).values_list("pk", flat=True)) == latest, day


def test_placing_again_changes_no_row():
    StanceFactory.create_batch(5)
    assert steps.place() == 0
    Stance.objects.update(step="")  # behind the models' back, as a raw write would
    assert steps.place() == 5
    assert stored() == expected()


@pytest.fixture
def series():
    """One actor on one policy: support in January, oppose in March, a draft of strong support in between."""
    actor, policy = ActorFactory(), PolicyFactory()
    january = StanceFactory(actor=actor, policy=policy, stated_on=datetime.date(2024, 1, 10), position=1)
    march = StanceFactory(actor=actor, policy=policy, stated_on=datetime.date(2024, 3, 10), position=-1)
    draft = StanceFactory(
        actor=actor, policy=policy, stated_on=datetime.date(2024, 2, 10), position=2, status=Stance.Status.DRAFT
    )
    return january, march, draft


def steps_of(*stances) -> list[tuple[int | None, str]]:
    return [tuple(Stance.objects.filter(pk=stance.pk).values_list("previous_id", "step").get()) for stance in stances]


def test_every_write_keeps_the_series_placed(series, editor):
    january, march, draft = series
    assert steps_of(january, march, draft) == [(None, "first"), (january.pk, "reversal"), (None, "")]

    publish_stances(stances=[draft], user=editor)  # in between: strong support, then a reversal
    assert steps_of(january, draft, march) == [(None, "first"), (january.pk, "hardening"), (draft.pk, "reversal")]
    assert stored() == expected()

    unpublish_stances(stances=[Stance.objects.get(pk=draft.pk)], user=editor)
    assert steps_of(january, march, draft) == [(None, "first"), (january.pk, "reversal"), (None, "")]

    # A date moved: March now comes first.
    march = Stance.objects.get(pk=march.pk)
    march.stated_on = datetime.date(2023, 12, 1)
    march.save()
    assert steps_of(march, january) == [(None, "first"), (march.pk, "reversal")]

    # Moved to another policy: both series are placed again.
    january = Stance.objects.get(pk=january.pk)
    january.policy = PolicyFactory()
    january.save()
    assert steps_of(march, january) == [(None, "first"), (None, "first")]
    assert stored() == expected()

    # A draft deleted, through a queryset as the admin's bulk delete does.
    Stance.objects.filter(pk=draft.pk).delete()
    assert stored() == expected()


def test_a_retraction_takes_the_stance_out_of_its_series(series):
    january, march, _ = series
    january = Stance.objects.get(pk=january.pk)
    january.status = Stance.Status.RETRACTED
    january.retraction_reason = "The quote was another speaker's."
    january.check_retraction()
    january.save()
    assert steps_of(january, march) == [(None, ""), (None, "first")]


def test_a_source_dated_earlier_reorders_the_series():
    actor, policy = ActorFactory(), PolicyFactory()
    source = SourceFactory(published_on=None)
    # Two stances in 2024, by year: the first reported later in the year than the second's month ends.
    whole_year = StanceFactory(
        actor=actor,
        policy=policy,
        stated_on=datetime.date(2024, 1, 1),
        date_precision=Stance.DatePrecision.YEAR,
        position=2,
        excerpts=[],
    )
    february = StanceFactory(actor=actor, policy=policy, stated_on=datetime.date(2024, 2, 5), position=-2)
    assert steps_of(february, whole_year) == [(None, "first"), (february.pk, "order_unknown")]

    StanceEvidence.objects.create(stance=whole_year, excerpt=ExcerptFactory(source=source))
    source.published_on = datetime.date(2024, 1, 20)  # the article reports the year's stance in January
    source.save()
    whole_year.refresh_from_db()
    assert whole_year.known_from == datetime.date(2024, 1, 20)
    assert steps_of(whole_year, february) == [(None, "first"), (whole_year.pk, "reversal")]
    assert stored() == expected()


def test_place_series_puts_back_what_a_raw_write_left_wrong():
    january = StanceFactory(stated_on=datetime.date(2024, 1, 10), position=1)
    march = StanceFactory(actor=january.actor, policy=january.policy, stated_on=datetime.date(2024, 3, 10), position=-1)
    out = io.StringIO()
    call_command("place_series", stdout=out)
    assert out.getvalue() == "Every series was in place.\n"

    # A raw write, as a database console would make it: the models are not told.
    Stance.objects.filter(pk=march.pk).update(position=2)
    assert steps_of(march) == [(january.pk, "reversal")]
    out = io.StringIO()
    call_command("place_series", stdout=out)
    assert out.getvalue() == "1 stances placed anew.\n"
    assert steps_of(march) == [(january.pk, "hardening")]
