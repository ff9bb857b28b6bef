"""Who a client is for rate limits: its own address, or what the app's own proxies say it is."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit_of_three(settings):
    settings.API_ANON_THROTTLE_RATE = "3/minute"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def behind_one_proxy(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def test_with_no_proxy_configured_the_app_trusts_no_forwarded_for_header(settings):
    assert settings.NUM_PROXIES == 0
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0


def test_a_client_inventing_a_new_forwarded_for_address_each_time_is_still_throttled(api_client, limit_of_three):
    statuses = [api_client.get("/api/actors/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(1, 7)]

    assert statuses == [200, 200, 200, 429, 429, 429]
    # Counted against the address the request came from, not the one it claimed.
    assert len(cache.get("throttle_anon_127.0.0.1")) == 3
    assert cache.get("throttle_anon_203.0.113.1") is None


def test_behind_one_proxy_each_client_is_the_address_the_proxy_added(api_client, limit_of_three, behind_one_proxy):
    proxy = "10.0.0.5"

    def get(forwarded_for: str) -> int:
        return api_client.get("/api/actors/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded_for).status_code

    # The client wrote the first address itself; the proxy appended the one it saw, last.
    first_client = [get(f"198.51.100.{n}, 192.0.2.10") for n in range(1, 5)]
    second_client = get("192.0.2.20")

    assert first_client == [200, 200, 200, 429]
    assert second_client == 200
    assert len(cache.get("throttle_anon_192.0.2.10")) == 3
    assert len(cache.get("throttle_anon_192.0.2.20")) == 1
    assert cache.get(f"throttle_anon_{proxy}") is None
    assert cache.get("throttle_anon_198.51.100.1") is None
