"""Load balancers and monitoring ask /api/health/ whether this app server can answer."""

import pytest
import yaml
from django.core.cache import cache

from tests.outage import database_down

pytestmark = pytest.mark.django_db


def test_a_healthy_server_says_ok_for_each_database_and_is_never_cached(api_client):
    response = api_client.get("/api/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "databases": {"default": "ok"}}
    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert not response.has_header("ETag")


def test_with_the_database_down_it_answers_503_in_the_error_shape(api_client):
    with database_down():
        response = api_client.get("/api/health/")

    assert response.status_code == 503
    assert response.json() == {
        "status": 503,
        "code": "database_unavailable",
        "message": "The database is unavailable: try again shortly.",
        "errors": {},
    }
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert api_client.get("/api/health/").json()["status"] == "ok"


def test_probing_often_is_never_throttled(api_client, settings):
    settings.API_ANON_THROTTLE_RATE = "1/minute"
    cache.clear()
    try:
        assert [api_client.get("/api/health/").status_code for _ in range(5)] == [200] * 5
        assert [api_client.get("/api/actors/").status_code for _ in range(2)] == [200, 429]
    finally:
        cache.clear()


def test_the_health_check_is_documented_with_its_answers(api_client):
    schema = yaml.safe_load(api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi").content)
    responses = schema["paths"]["/api/health/"]["get"]["responses"]

    assert set(responses) == {"200", "404", "503"}
    components = schema["components"]["schemas"]
    assert components["Health"]["properties"]["status"] == {"$ref": "#/components/schemas/HealthStatusEnum"}
    assert components["HealthStatusEnum"]["enum"] == ["ok"]
    assert responses["503"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
