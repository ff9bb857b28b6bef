"""CSV, the OpenAPI schema and its docs, HTTP caching, CORS and throttling of the public API."""

import csv
import datetime
import io

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.management import call_command
from openapi_spec_validator import validate

from positions.models import Actor
from tests.factories import ActorFactory, ExcerptFactory, PolicyFactory, SourceFactory, StanceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def series():
    mamdani = ActorFactory(name="Zohran Mamdani", slug="zohran-mamdani")
    defund = PolicyFactory(name="Defund the NYPD", slug="defund-the-nypd")
    source = SourceFactory(slug="interview", url="https://example.org/interview")
    StanceFactory(
        actor=mamdani,
        policy=defund,
        position=1,
        stated_on=datetime.date(2020, 6, 1),
        date_precision="month",
        summary='Said "defund", with a comma',
        excerpts=[ExcerptFactory(source=source), ExcerptFactory(source=source, quote="would not work")],
    )
    StanceFactory(actor=mamdani, policy=defund, position=-1, stated_on=datetime.date(2025, 8, 20))
    StanceFactory(
        actor=ActorFactory(slug="eric-adams"), policy=defund, position=-2, stated_on=datetime.date(2025, 2, 1)
    )


def csv_rows(client, url: str, **params) -> list[dict[str, str]]:
    response = client.get(url, {**params, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_stances_as_csv_are_flat_rows_matching_the_json(api_client, series):
    rows = csv_rows(api_client, "/api/stances/")
    items = api_client.get("/api/stances/").json()["results"]
    assert len(rows) == len(items) == 3
    for row, item in zip(rows, items, strict=True):
        assert row["id"] == str(item["id"])
        assert (row["actor"], row["actor_name"]) == (item["actor"]["slug"], item["actor"]["name"])
        assert (row["policy"], row["position"], row["position_label"]) == (
            item["policy"]["slug"],
            str(item["position"]),
            item["position_label"],
        )
        assert (row["stated_on"], row["date_precision"], row["summary"]) == (
            item["stated_on"],
            item["date_precision"],
            item["summary"],
        )
        assert row["quotes"] == " | ".join(e["quote"] for e in item["excerpts"])
        assert row["sources"] == " | ".join(e["source"]["slug"] for e in item["excerpts"])
    oldest = rows[-1]
    assert oldest["summary"] == 'Said "defund", with a comma'
    assert oldest["quotes"] == "we will fund crisis teams | would not work"
    assert oldest["source_urls"] == "https://example.org/interview | https://example.org/interview"


def test_positions_as_csv_match_the_json(api_client, series):
    rows = csv_rows(api_client, "/api/positions/", as_of="2025-12-01")
    items = api_client.get("/api/positions/", {"as_of": "2025-12-01"}).json()["results"]
    assert [(r["actor"], r["policy"], r["position"], r["stated_on"]) for r in rows] == [
        (i["actor"]["slug"], i["policy"]["slug"], str(i["position"]), i["stated_on"]) for i in items
    ]
    assert [(r["actor"], r["position"]) for r in rows] == [("eric-adams", "-2"), ("zohran-mamdani", "-1")]


def test_shifts_as_csv_match_the_json(api_client, series):
    (row,) = csv_rows(api_client, "/api/shifts/")
    (item,) = api_client.get("/api/shifts/").json()["results"]
    assert row == {
        "actor": "zohran-mamdani",
        "actor_name": "Zohran Mamdani",
        "policy": "defund-the-nypd",
        "policy_name": "Defund the NYPD",
        "qualifier": "",
        "known_from": item["known_from"],
        "kind": "reversal",
        "size": "-2",
        "magnitude": "2",
        "from_stance": str(item["from_stance"]["id"]),
        "from_position": "1",
        "from_stated_on": "2020-06-01",
        "from_stated_by": "2020-06-30",
        "from_date_precision": "month",
        "from_summary": item["from_stance"]["summary"],
        "from_sources": "interview | interview",
        "to_stance": str(item["to_stance"]["id"]),
        "to_position": "-1",
        "to_stated_on": "2025-08-20",
        "to_stated_by": "2025-08-20",
        "to_date_precision": "day",
        "to_summary": item["to_stance"]["summary"],
        "to_sources": item["to_stance"]["excerpts"][0]["source"]["slug"],
    }


def test_a_single_stance_as_csv_is_one_row(api_client, series):
    stance = api_client.get("/api/stances/", {"actor": "eric-adams"}).json()["results"][0]
    (row,) = csv_rows(api_client, f"/api/stances/{stance['id']}/")
    assert (row["id"], row["actor"], row["position"], row["summary"]) == (
        str(stance["id"]),
        "eric-adams",
        "-2",
        stance["summary"],
    )


def test_an_empty_csv_still_has_its_header_and_a_long_one_links_the_next_page(api_client, series):
    response = api_client.get("/api/shifts/", {"format": "csv", "kind": "softening"})
    assert response.content.decode().splitlines() == [
        "actor,actor_name,policy,policy_name,qualifier,known_from,kind,size,magnitude,from_stance,from_position,"
        "from_stated_on,from_stated_by,from_date_precision,from_summary,from_sources,to_stance,to_position,"
        "to_stated_on,to_stated_by,to_date_precision,to_summary,to_sources"
    ]
    paged = api_client.get("/api/stances/", {"format": "csv", "page_size": 1})
    assert len(paged.content.decode().splitlines()) == 2
    assert paged["Link"].endswith('>; rel="next"') and "cursor=" in paged["Link"]


def test_a_csv_error_keeps_the_error_fields(api_client):
    response = api_client.get("/api/stances/", {"format": "csv", "actor": "nobody"})
    assert response.status_code == 400
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["code"] == "invalid" and "nobody" in rows[0]["errors.actor.0"]


def test_the_openapi_schema_validates_and_describes_every_endpoint(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/actors/",
        "/api/actors/{slug}/",
        "/api/actors/{slug}/timeline/",
        "/api/policies/",
        "/api/policies/{slug}/",
        "/api/policies/{slug}/timeline/",
        "/api/sources/",
        "/api/sources/{slug}/",
        "/api/stances/",
        "/api/stances/{id}/",
        "/api/positions/",
        "/api/shifts/",
        "/api/corrections/",
        "/api/corrections/{id}/",
        "/api/health/",
    }
    assert all(set(operations) == {"get"} for operations in schema["paths"].values())
    stance_parameters = {p["name"] for p in schema["paths"]["/api/stances/"]["get"]["parameters"]}
    assert {"actor", "policy", "position_min", "stated_after", "q", "ordering", "cursor"} <= stance_parameters
    assert {"kind", "actor"} <= {p["name"] for p in schema["paths"]["/api/shifts/"]["get"]["parameters"]}


def test_the_schema_generates_without_warnings_and_documents_the_error_shape(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"status", "code", "message", "errors"}
    stance_list = schema["paths"]["/api/stances/"]["get"]["responses"]
    assert {"200", "400", "404", "429"} <= set(stance_list)
    assert stance_list["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def openapi_schema(api_client) -> dict:
    return yaml.safe_load(api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi").content)


def test_cursor_pages_and_numbered_pages_are_documented_as_what_each_answers(api_client):
    schema = openapi_schema(api_client)
    components = schema["components"]["schemas"]

    def page_of(path: str) -> dict:
        reference = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        return components[reference.rsplit("/", 1)[1]]

    # The lists that grow with the stances are paged by cursor, without a count that would read them all.
    for path in ("/api/stances/", "/api/positions/", "/api/shifts/"):
        page = page_of(path)
        assert "count" not in page["properties"] and page["required"] == ["results"], path
        assert {"next", "previous", "results"} == set(page["properties"]), path
    assert page_of("/api/stances/")["properties"]["results"] == page_of("/api/positions/")["properties"]["results"]
    # Actors and sources are numbered pages with a count.
    for path in ("/api/actors/", "/api/sources/"):
        assert "count" in page_of(path)["required"], path


@pytest.mark.parametrize("path", ["/api/stances/", "/api/stances/{id}/", "/api/positions/", "/api/shifts/"])
def test_csv_bodies_are_documented_as_csv_text_and_errors_in_both_formats(api_client, path):
    responses = openapi_schema(api_client)["paths"][path]["get"]["responses"]

    csv_body = responses["200"]["content"]["text/csv"]["schema"]
    assert csv_body["type"] == "string"
    assert "A header row (" in csv_body["description"]
    for code in ("404", "429", "503"):
        assert set(responses[code]["content"]) == {"application/json", "text/csv"}
        assert responses[code]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_every_operation_documents_outages_and_every_throttled_one_throttling_with_retry_after(api_client):
    throttled = set()
    for path, operations in openapi_schema(api_client)["paths"].items():
        responses = operations["get"]["responses"]
        for code in {"429", "503"} & set(responses):
            assert responses[code]["headers"]["Retry-After"]["schema"] == {"type": "integer"}, (path, code)
        assert "503" in responses
        throttled |= {path} if "429" in responses else set()
    assert throttled == {path for path in openapi_schema(api_client)["paths"] if path != "/api/health/"}


def test_the_docs_page_renders_with_local_assets_only(api_client):
    response = api_client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/api/schema/" in page
    bundle = "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    assert bundle in page
    assert finders.find(bundle.removeprefix("/static/"))
    assert "cdn" not in page.lower()
    assert 'src="http' not in page and 'href="http' not in page
    redoc = api_client.get("/api/docs/redoc/").content.decode()
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in redoc


def test_a_repeated_get_with_the_etag_is_a_304_until_something_shown_changes(api_client, series):
    first = api_client.get("/api/actors/zohran-mamdani/")
    etag = first["ETag"]
    assert etag
    assert "public" in first["Cache-Control"] and "max-age=" in first["Cache-Control"]
    assert "Accept" in first["Vary"]

    again = api_client.get("/api/actors/zohran-mamdani/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag

    Actor.objects.filter(slug="zohran-mamdani").update(name="Zohran K. Mamdani")
    changed = api_client.get("/api/actors/zohran-mamdani/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed.json()["name"] == "Zohran K. Mamdani"
    assert changed["ETag"] != etag


def test_json_and_csv_of_one_list_have_different_etags(api_client, series):
    assert api_client.get("/api/shifts/")["ETag"] != api_client.get("/api/shifts/", {"format": "csv"})["ETag"]


def test_cors_is_open_for_reading_the_api_only(api_client, series):
    response = api_client.get("/api/stances/", HTTP_ORIGIN="https://newsroom.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = api_client.options(
        "/api/stances/", HTTP_ORIGIN="https://newsroom.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 200
    assert set(preflight["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    admin = api_client.get("/admin/login/", HTTP_ORIGIN="https://newsroom.example")
    assert "Access-Control-Allow-Origin" not in admin


def test_anonymous_clients_are_throttled_at_the_configured_rate(api_client, settings):
    settings.API_ANON_THROTTLE_RATE = "2/minute"
    cache.clear()
    try:
        assert [api_client.get("/api/actors/").status_code for _ in range(2)] == [200, 200]
        response = api_client.get("/api/actors/")
        assert response.status_code == 429
        assert response.json()["code"] == "throttled"
        assert int(response["Retry-After"]) > 0
    finally:
        cache.clear()


def test_a_head_request_gets_the_headers_of_the_get_without_a_body(api_client, series):
    get = api_client.get("/api/positions/")
    head = api_client.head("/api/positions/")
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert api_client.head("/api/positions/", HTTP_IF_NONE_MATCH=get["ETag"]).status_code == 304


def test_with_a_shared_cache_every_app_server_counts_against_the_same_limit(api_client, settings, shared_redis):
    """DJANGO_CACHE_URL points every process at one Redis: a second process sees the first's count."""
    settings.API_ANON_THROTTLE_RATE = "2/minute"

    assert [api_client.get("/api/actors/").status_code for _ in range(2)] == [200, 200]
    assert len(shared_redis.get("throttle_anon_127.0.0.1")) == 2
    assert api_client.get("/api/actors/").status_code == 429
