"""Finding one's way around the browsable API: slashless paths redirect, breadcrumbs name real pages."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_actor_path_without_its_trailing_slash_redirects_to_the_actor(api_client, seeded):
    response = api_client.get("/api/actors/zohran-mamdani?format=json")

    assert response.status_code == 301
    assert response["Location"] == "/api/actors/zohran-mamdani/?format=json"
    assert api_client.get(response["Location"]).json()["name"] == "Zohran Mamdani"


def test_a_path_that_names_nothing_is_a_404_in_the_error_shape_even_without_a_slash(api_client):
    response = api_client.get("/api/nothing-here")

    assert response.status_code == 404
    assert response.json()["message"] == "No API endpoint at /api/nothing-here."


def test_the_browsable_api_breadcrumbs_lead_from_the_root_to_the_list(client, seeded):
    page = client.get("/api/stances/", HTTP_ACCEPT="text/html").content.decode()

    crumbs = page.split('class="breadcrumb"')[1].split("</ul>")[0]
    assert "Not Found" not in crumbs
    assert crumbs.index("Api Root") < crumbs.index("Stance List")


def test_the_api_root_links_every_list_and_the_docs(api_client):
    links = api_client.get("/api/?format=json").json()

    for name in ("actors", "policies", "sources", "stances", "positions", "shifts", "corrections", "docs", "schema"):
        assert links[name].startswith("http://testserver/api/"), name
