"""The public API on the shipped seed data: the stories the product exists to tell."""

import pytest

pytestmark = pytest.mark.django_db


def test_mamdanis_timeline_on_defunding_the_nypd_runs_from_support_in_2020_to_opposition_in_2025(api_client, seeded):
    response = api_client.get("/api/actors/zohran-mamdani/timeline/", {"policy": "defund-the-nypd"})
    assert response.status_code == 200
    entries = response.json()["results"]
    assert {entry["policy"]["slug"] for entry in entries} == {"defund-the-nypd"}
    first, last = entries[0], entries[-1]
    assert first["stated_on"].startswith("2020") and first["position"] > 0
    assert last["known_from"].startswith("2025") and last["position"] < 0
    # In the order they count from (positions.chronology).
    assert [entry["known_from"] for entry in entries] == sorted(entry["known_from"] for entry in entries)
    assert first["change"]["kind"] == "first"
    assert "reversal" in [entry["change"]["kind"] for entry in entries]
    assert all(entry["excerpts"] for entry in entries)


def test_shifts_report_mamdanis_move_on_defunding_as_a_reversal(api_client, seeded):
    response = api_client.get("/api/shifts/", {"actor": "zohran-mamdani", "policy": "defund-the-nypd"})
    assert response.status_code == 200
    shifts = response.json()["results"]
    assert [shift["kind"] for shift in shifts] == ["reversal"]
    (reversal,) = shifts
    assert reversal["from_stance"]["stated_on"].startswith("2020") and reversal["from_stance"]["position"] > 0
    assert reversal["to_stance"]["known_from"].startswith("2025") and reversal["to_stance"]["position"] < 0
    # CNN reported on 30 August 2025 that he "has disavowed" defunding: the reversal counts from that day.
    assert reversal["known_from"] == "2025-08-30"
    assert reversal["from_stance"]["excerpts"] and reversal["to_stance"]["excerpts"]
    reversals = api_client.get("/api/shifts/", {"kind": "reversal"}).json()["results"]
    assert ("zohran-mamdani", "defund-the-nypd") in {(s["actor"]["slug"], s["policy"]["slug"]) for s in reversals}


def test_positions_on_keeping_tisch_differ_between_september_and_december_2025(api_client, seeded):
    def mamdani_on_tisch(day: str) -> dict:
        response = api_client.get(
            "/api/positions/", {"as_of": day, "actor": "zohran-mamdani", "policy": "keep-tisch-as-commissioner"}
        )
        assert response.status_code == 200
        (position,) = response.json()["results"]
        return position

    september, december = mamdani_on_tisch("2025-09-01"), mamdani_on_tisch("2025-12-01")
    assert (september["position"], september["position_label"]) == (0, "Mixed or noncommittal")
    assert (december["position"], december["position_label"]) == (2, "Strongly support")
    assert september["stated_on"] < "2025-09-01" < december["stated_on"] <= "2025-12-01"


def test_the_seeds_drafts_are_invisible(api_client, seeded):
    from positions.models import Stance

    drafts = Stance.objects.exclude(status=Stance.Status.PUBLISHED)
    assert drafts.exists()
    shown = set()
    page = api_client.get("/api/stances/", {"page_size": 500}).json()
    shown |= {stance["id"] for stance in page["results"]}
    assert page["next"] is None
    assert shown == set(Stance.objects.published().values_list("pk", flat=True))
    assert not shown & set(drafts.values_list("pk", flat=True))


def test_each_stance_says_in_what_capacity_it_was_taken(api_client, seeded):
    entries = api_client.get("/api/actors/zohran-mamdani/timeline/", {"page_size": 100}).json()["results"]

    def capacity(policy: str, stated_on: str) -> set[str]:
        (entry,) = [e for e in entries if e["policy"]["slug"] == policy and e["stated_on"] == stated_on]
        return {role["title"] for role in entry["capacity"]}

    # June 2020: a candidate, not yet in the Assembly.
    assert capacity("defund-the-nypd", "2020-06-01") == set()
    # 30 July to 31 August 2025: the Democratic nominee, still an Assembly member.
    assert capacity("defund-the-nypd", "2025-07-30") == {
        "Member of the New York State Assembly",
        "Democratic nominee for Mayor of New York City",
    }
    # 19 November 2025: mayor-elect.
    assert "Mayor-elect of New York City" in capacity("keep-tisch-as-commissioner", "2025-11-19")
    assert "Democratic nominee for Mayor of New York City" not in capacity("keep-tisch-as-commissioner", "2025-11-19")


def test_as_of_the_day_cnn_reported_the_disavowal_mamdani_stands_against_defunding(api_client, seeded):
    def on(day: str) -> int:
        params = {"as_of": day, "actor": "zohran-mamdani", "policy": "defund-the-nypd"}
        (position,) = api_client.get("/api/positions/", params).json()["results"]
        return position["position"]

    assert (on("2025-08-29"), on("2025-08-30")) == (2, -1)
    before = api_client.get("/api/stances/", {"actor": "zohran-mamdani", "stated_before": "2025-08-29"}).json()
    assert "defund-the-nypd" in {s["policy"]["slug"] for s in before["results"] if s["position"] == 2}


def test_hochul_opposes_a_federal_deployment_and_backs_her_own_in_separate_series(api_client, seeded):
    found = api_client.get("/api/positions/", {"actor": "kathy-hochul", "topic": "national-guard-deployment-nyc"})
    positions = {item["policy"]["slug"]: item["position"] for item in found.json()["results"]}
    assert positions["federal-troop-deployment-nyc"] < 0 < positions["governor-national-guard-deployment-nyc"]
    shifts = api_client.get("/api/shifts/", {"actor": "kathy-hochul"}).json()["results"]
    assert shifts == []
