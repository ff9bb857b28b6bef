"""Every public endpoint on the seed data, pinned as a golden response (``tests/golden/``).

A change to what the API says, its shape or its seed story, shows here as a diff to review; rewrite the
files with ``UPDATE_GOLDEN=1 ./scripts/test tests/test_public_golden.py`` once the change is intended.
"""

import csv
import io

import pytest

from positions.models import Stance
from tests.golden import assert_matches_golden

pytestmark = pytest.mark.django_db

ID_COLUMNS = {"id", "from_stance", "to_stance"}

ENDPOINTS = {
    "api_root": "/api/",
    "actors": "/api/actors/?page_size=500",
    "actor_detail": "/api/actors/zohran-mamdani/",
    "policies": "/api/policies/?page_size=500",
    "policy_detail": "/api/policies/defund-the-nypd/",
    "sources": "/api/sources/?page_size=500",
    "source_detail": "/api/sources/cnn-mamdani-courts-nypd-officers/",
    "stances": "/api/stances/?page_size=500",
    "stances_filtered": "/api/stances/?actor=zohran-mamdani&stated_after=2025-08-01&stated_before=2025-11-30",
    "seed_actor_timeline": "/api/actors/zohran-mamdani/timeline/?page_size=500",
    "seed_policy_timeline": "/api/policies/defund-the-nypd/timeline/?page_size=500",
    "positions_2025_09_01": "/api/positions/?as_of=2025-09-01&page_size=500",
    "positions_2025_12_01": "/api/positions/?as_of=2025-12-01&page_size=500",
    "shifts": "/api/shifts/?page_size=500",
}


@pytest.mark.parametrize("name", ENDPOINTS)
def test_each_endpoint_answers_as_its_golden_file_says(api_client, seeded, name):
    response = api_client.get(ENDPOINTS[name])
    assert response.status_code == 200, response.content
    assert_matches_golden(name, response.json())


def test_a_stance_detail_answers_as_its_golden_file_says(api_client, seeded):
    stance = Stance.objects.published().get(
        actor__slug="zohran-mamdani", policy__slug="defund-the-nypd", date_precision="month", stated_on="2020-06-01"
    )
    assert_matches_golden("stance_detail", api_client.get(f"/api/stances/{stance.pk}/").json())


@pytest.mark.parametrize("path", ["/api/stances/", "/api/positions/?as_of=2025-12-01", "/api/shifts/"])
def test_csv_answers_as_its_golden_file_says(api_client, seeded, path):
    response = api_client.get(path, {"format": "csv", "page_size": 500})
    assert response.status_code == 200
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    # Database ids differ between databases: the golden file keeps every other column.
    rows = [{name: value for name, value in row.items() if name not in ID_COLUMNS} for row in reader]
    rows.sort(key=lambda row: sorted(row.items()))
    name = "csv_" + path.strip("/").split("/")[1].split("?")[0]
    assert_matches_golden(name, {"header": reader.fieldnames, "rows": rows})
