"""One story everywhere: on the seed data, stated_after/stated_before, as_of, timelines and shifts agree on
the day each published stance counts from, at every day boundary of its period."""

import datetime

import pytest
from django.utils import timezone

from positions.models import Stance

pytestmark = pytest.mark.django_db

ONE_DAY = datetime.timedelta(days=1)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def boundaries(stance: Stance) -> list[datetime.date]:
    """Every day on which the stance's place in the story could change, and the days either side."""
    days = {stance.stated_on, stance.known_from, stance.stated_by}
    return sorted({d + delta for d in days for delta in (-ONE_DAY, datetime.timedelta(0), ONE_DAY)})


def test_every_endpoint_agrees_when_each_seed_stance_counts(api_client, seeded):
    published = list(Stance.objects.published().select_related("actor", "policy"))
    assert len(published) > 20
    all_shifts = api_client.get("/api/shifts/", {"page_size": 500}).json()["results"]
    shifted_into = {shift["to_stance"]["id"] for shift in all_shifts}
    for stance in published:
        series = {"actor": stance.actor.slug, "policy": stance.policy.slug, "page_size": 500}
        timeline = api_client.get(f"/api/actors/{stance.actor.slug}/timeline/", series).json()["results"]
        same_scope = [entry for entry in timeline if entry["qualifier"] == stance.qualifier]
        order = [entry["id"] for entry in same_scope]
        for day in boundaries(stance):
            iso = day.isoformat()
            counts = stance.known_from <= day
            label = f"{stance} on {iso}"
            # Stances "stated before" a day are exactly those that count by its end ...
            assert (stance.pk in ids(api_client.get("/api/stances/", {**series, "stated_before": iso}))) == counts, (
                label
            )
            # ... and "stated after" it, those that count only from it on.
            after = ids(api_client.get("/api/stances/", {**series, "stated_after": iso}))
            assert (stance.pk in after) == (stance.known_from >= day), label
            # As of that day, the series stands at this stance or one after it in the timeline if it counts,
            # and at one before it (or nowhere) if it does not.
            if day > timezone.localdate():
                continue
            standing = [
                item["id"]
                for item in api_client.get("/api/positions/", {**series, "as_of": iso}).json()["results"]
                if item["qualifier"] == stance.qualifier
            ]
            assert len(standing) <= 1, label
            if counts:
                assert standing and order.index(standing[0]) >= order.index(stance.pk), label
            else:
                assert not standing or order.index(standing[0]) < order.index(stance.pk), label
            # A shift into this stance counts from the same day.
            if stance.pk in shifted_into:
                shifts = api_client.get("/api/shifts/", {**series, "stated_before": iso}).json()["results"]
                assert (stance.pk in {shift["to_stance"]["id"] for shift in shifts}) == counts, label


def test_timelines_list_each_series_in_the_order_its_stances_count(api_client, seeded):
    for slug in Stance.objects.published().values_list("actor__slug", flat=True).distinct():
        entries = api_client.get(f"/api/actors/{slug}/timeline/", {"page_size": 500}).json()["results"]
        by_series: dict[tuple, list] = {}
        for entry in entries:
            by_series.setdefault((entry["policy"]["slug"], entry["qualifier"]), []).append(entry)
        for series in by_series.values():
            keys = [(entry["known_from"], entry["stated_on"]) for entry in series]
            assert keys == sorted(keys), slug
            for before, after in zip(series, series[1:], strict=False):
                assert after["change"]["from_stance"] == before["id"]
                if after["change"]["kind"] in {"reversal", "softening", "hardening"}:
                    # A shift is claimed only when the earlier stance surely came first.
                    assert before["known_from"] < after["stated_on"]
