"""Readers see one state of the data while an editor publishes, unpublishes and edits.

One thread publishes and unpublishes stances and rewrites one stance's summary together with its
evidence, each change in its own transaction; another reads every series endpoint meanwhile. Every
response must be a 200 in which every stance has its excerpts, and the rewritten stance's summary must
match its excerpts: a response never mixes two states.

It needs real concurrent connections to one database: PostgreSQL (as CI runs it). SQLite's in-memory
test database is one connection per thread, so there it is skipped.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from positions.models import Stance, StanceEvidence
from positions.publishing import publish_stances, unpublish_stances

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections: PostgreSQL"),
]

ROUNDS = 150
# Both threads stop by these times on a slow or busy machine; enough rounds must have run to prove anything.
EDIT_SECONDS_AT_MOST = 30
ROUNDS_AT_LEAST = 10
READ_SECONDS_AT_MOST = 60
VERSIONS = ("With the extra excerpt", "Back to its own excerpts")

SERIES_URLS = [
    "/api/shifts/?page_size=500",
    "/api/shifts/?actor=zohran-mamdani",
    "/api/actors/zohran-mamdani/timeline/?page_size=500",
    "/api/actors/zohran-mamdani/timeline/?policy=defund-the-nypd",
    "/api/policies/defund-the-nypd/timeline/?page_size=500",
    "/api/policies/keep-tisch-as-commissioner/timeline/",
    "/api/positions/?as_of=2025-12-01&page_size=500",
    "/api/positions/?actor=zohran-mamdani",
    "/api/stances/?actor=zohran-mamdani&page_size=500",
    "/api/actors/zohran-mamdani/",
]


def stances_in(data) -> list[dict]:
    """Every stance object in a response body, wherever it sits."""
    found = []
    if isinstance(data, dict):
        if "excerpts" in data and "position" in data:
            found.append(data)
        for value in data.values():
            found += stances_in(value)
    elif isinstance(data, list):
        for item in data:
            found += stances_in(item)
    return found


def test_readers_never_see_an_error_or_half_a_change_while_an_editor_publishes(seeded):
    mamdani = Stance.objects.published().filter(actor__slug="zohran-mamdani")
    toggled = list(mamdani.filter(policy__slug__in=["defund-the-nypd", "keep-tisch-as-commissioner"])[:3])
    rewritten = mamdani.exclude(pk__in=[s.pk for s in toggled]).first()
    assert len(toggled) == 3 and rewritten is not None
    extra = (
        StanceEvidence.objects.exclude(stance=rewritten).exclude(excerpt__in=rewritten.excerpts.all()).first().excerpt
    )
    base_count = rewritten.excerpts.count()

    problems: list[str] = []
    done = threading.Event()
    responses = rounds = 0

    def edit() -> None:
        nonlocal rounds
        deadline = time.monotonic() + EDIT_SECONDS_AT_MOST
        try:
            for round_number in range(ROUNDS):
                if time.monotonic() > deadline:
                    break
                unpublish_stances(stances=Stance.objects.filter(pk__in=[s.pk for s in toggled]), user=None)
                publish_stances(stances=Stance.objects.filter(pk__in=[s.pk for s in toggled]), user=None)
                with transaction.atomic():
                    stance = Stance.objects.select_for_update().get(pk=rewritten.pk)
                    if round_number % 2 == 0:
                        StanceEvidence.objects.create(stance=stance, excerpt=extra)
                        stance.summary = f"{VERSIONS[0]}, round {round_number}"
                    else:
                        StanceEvidence.objects.get(stance=stance, excerpt=extra).delete()
                        stance.summary = f"{VERSIONS[1]}, round {round_number}"
                    stance.save()
                rounds += 1
        except Exception as error:  # noqa: BLE001 - reported by the test, not lost in a thread
            problems.append(f"editor failed: {error!r}")
        finally:
            done.set()
            connections.close_all()

    def read() -> None:
        nonlocal responses
        # A server error is a response to count, not an exception that would end the reader.
        client = Client(raise_request_exception=False)
        deadline = time.monotonic() + READ_SECONDS_AT_MOST
        try:
            while not done.is_set() and time.monotonic() < deadline:
                for url in SERIES_URLS:
                    response = client.get(url)
                    responses += 1
                    if response.status_code != 200:
                        problems.append(f"{url}: {response.status_code} {response.content[:200]!r}")
                        continue
                    for stance in stances_in(response.json()):
                        if not stance["excerpts"]:
                            problems.append(f"{url}: stance {stance['id']} shown without excerpts")
                        if stance.get("id") == rewritten.pk and stance["summary"].startswith(VERSIONS):
                            expected = base_count + (1 if stance["summary"].startswith(VERSIONS[0]) else 0)
                            if len(stance["excerpts"]) != expected:
                                problems.append(f"{url}: summary of one version, excerpts of another")
        except Exception as error:  # noqa: BLE001 - reported by the test, not lost in a thread
            problems.append(f"reader failed: {error!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(READ_SECONDS_AT_MOST + 30)

    assert done.is_set(), "the editor did not finish"
    assert rounds >= ROUNDS_AT_LEAST, f"the editor ran {rounds} rounds: too few to prove anything"
    assert responses >= len(SERIES_URLS), "the reader made too few requests to prove anything"
    assert problems == [], f"{len(problems)} problems in {responses} responses, e.g. {problems[:3]}"
