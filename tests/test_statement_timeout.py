"""No public request holds a worker for long: on PostgreSQL each statement of a public read stops after
DATABASE_PUBLIC_STATEMENT_TIMEOUT_MS, and the client is told why in the public error shape."""

import pytest
from django.db import connection
from django.db.models.expressions import RawSQL

from api.views import StanceViewSet
from positions.models import Stance
from tests.factories import StanceFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the request's own transaction sets the limit, as in production
    pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's"),
]


@pytest.fixture
def slow_stances(monkeypatch):
    """The stance list made to take 300 ms per statement."""
    StanceFactory()
    slow = Stance.objects.published().annotate(slow=RawSQL("(SELECT 1 FROM pg_sleep(0.3))", []))
    monkeypatch.setattr(StanceViewSet, "queryset", slow.order_by("-known_from", "-pk"))


def test_a_statement_past_the_limit_is_stopped_and_answered_with_why(api_client, settings, slow_stances):
    settings.DATABASE_PUBLIC_STATEMENT_TIMEOUT_MS = 100

    response = api_client.get("/api/stances/")

    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "statement_timeout"
    assert body["message"].startswith("The request took too long to answer and was stopped")
    assert response["Retry-After"] == str(settings.DATABASE_RETRY_AFTER)
    # The connection is usable again at once: the next request within the limit is answered.
    settings.DATABASE_PUBLIC_STATEMENT_TIMEOUT_MS = 5000
    assert api_client.get("/api/stances/").status_code == 200


def test_the_limit_is_off_at_zero_and_never_outlives_the_request(api_client, settings, slow_stances):
    settings.DATABASE_PUBLIC_STATEMENT_TIMEOUT_MS = 0
    assert api_client.get("/api/stances/").status_code == 200

    settings.DATABASE_PUBLIC_STATEMENT_TIMEOUT_MS = 100
    assert api_client.get("/api/stances/").status_code == 503
    # SET LOCAL: the limit ends with the request's transaction, and other work on the connection has none.
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
        cursor.execute("SELECT pg_sleep(0.3)")
