"""A public request's snapshot on PostgreSQL: REPEATABLE READ, read-only and time-limited, opened without a round
trip of its own, and leaving the connection as it found it; its fixed-shape reads are prepared on the connection.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from positions.models import Actor, Stance
from stancetracker.db import read_snapshot, snapshot_versions

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the snapshot is the outermost transaction, as in production
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the snapshot's settings are PostgreSQL's"),
]


def transaction_settings() -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('transaction_isolation'), current_setting('transaction_read_only'), "
            "current_setting('statement_timeout')"
        )
        return cursor.fetchone()


def test_the_snapshot_is_repeatable_read_read_only_and_time_limited(settings):
    settings.DATABASE_PUBLIC_STATEMENT_TIMEOUT_MS = 1234
    with read_snapshot(Stance):
        assert transaction_settings() == ("repeatable read", "on", "1234ms")


def test_afterwards_the_connection_writes_again_with_its_own_defaults(settings):
    with read_snapshot(Stance):
        pass
    assert transaction_settings() == ("read committed", "off", "0")
    Actor.objects.create(name="Written after a snapshot", slug="written-after", kind=Actor.Kind.PERSON)

    # The same when the block fails.
    with pytest.raises(RuntimeError), read_snapshot(Stance):
        raise RuntimeError("the view failed")
    assert transaction_settings() == ("read committed", "off", "0")
    Actor.objects.filter(slug="written-after").update(name="Written again")


def test_nothing_is_written_inside_the_snapshot():
    from django.db import InternalError

    with pytest.raises(InternalError, match="read-only"), read_snapshot(Stance):
        Actor.objects.create(name="Refused", slug="refused", kind=Actor.Kind.PERSON)
    assert not Actor.objects.filter(slug="refused").exists()


def test_its_first_statement_sets_the_limit_and_reads_the_version_it_sees(settings):
    settings.DATABASE_PUBLIC_STATEMENT_TIMEOUT_MS = 5000
    with CaptureQueriesContext(connection) as queries, snapshot_versions() as seen, read_snapshot(Stance):
        pass
    # Between Django's BEGIN (which psycopg sends with the isolation and read-only mode) and COMMIT, no SET
    # TRANSACTION or SET LOCAL of its own: one statement, which also reads the data version.
    assert [query["sql"] for query in queries] == [
        "BEGIN",
        "SELECT set_config('statement_timeout', '5000', true), "
        "(SELECT token FROM dataversion_dataversion WHERE id = 1)",
        "COMMIT",
    ]
    assert len(seen) == 1 and seen[0]


def test_a_pages_excerpts_query_is_prepared_on_the_connection_after_five_requests(api_client, seeded, settings):
    settings.DATABASE_PUBLIC_STATEMENT_TIMEOUT_MS = 5000

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [statement for (statement,) in cursor.fetchall()]

    # The test client runs the app in this thread, on this connection.
    for _ in range(6):
        assert api_client.get("/api/stances/").status_code == 200
    statements = prepared()
    assert any("sources_excerpt" in statement and "positions_stanceevidence" in statement for statement in statements)
    assert any("set_config('statement_timeout'" in statement for statement in statements)


def test_without_a_threshold_nothing_is_prepared(api_client, seeded, settings):
    settings.DATABASE_PUBLIC_STATEMENT_TIMEOUT_MS = 5000
    connection.close()
    options = connection.settings_dict["OPTIONS"]
    saved = dict(options)
    options.pop("server_side_binding", None)
    options.pop("prepare_threshold", None)
    try:
        for _ in range(6):
            assert api_client.get("/api/stances/").status_code == 200
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            assert cursor.fetchone()[0] == 0
    finally:
        connection.close()
        options.clear()
        options.update(saved)


def test_a_statement_with_more_values_than_the_protocol_carries_still_runs(seeded):
    # Bound by the server, a statement takes at most 65,535 parameters: one with more is bound on the client.
    ids = list(Stance.objects.values_list("pk", flat=True)) + list(range(10**9, 10**9 + 70_000))
    assert Stance.objects.filter(pk__in=ids).count() == Stance.objects.count() > 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM positions_stance WHERE summary LIKE %s AND id IN ({', '.join(['%s'] * len(ids))})",
            ["%", *ids],
        )
        assert cursor.fetchone()[0] == Stance.objects.count()
