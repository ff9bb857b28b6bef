"""The published OpenAPI schema tells the truth: generated requests to every operation, answered by the app
in-process over WSGI, get responses the schema describes, and never a server error."""

from collections import Counter

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from positions.models import Actor, Policy, Stance
from sources.models import Source
from tests import seed_rows

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples per operation: valid requests, then invalid ones; with 13 operations, over 1,000 requests.
EXAMPLES = {GenerationMode.POSITIVE: 70, GenerationMode.NEGATIVE: 30}
# Query parameters that name records, and the resource (first path segment) each names.
SLUG_PARAMETERS = {
    "actor": "actors",
    "policy": "policies",
    "topic": "policies",
    "parent": "policies",
    "source": "sources",
}


@pytest.fixture
def app(transactional_db, seed_snapshot, settings):
    """The WSGI application over the seed data, committed as a running server would see it."""
    settings.ALLOWED_HOSTS = ["localhost"]
    seed_rows.restore(seed_snapshot)
    # Built after the test settings apply: middleware reads them once, when the application is made.
    return get_wsgi_application()


@pytest.fixture
def seed_names(app) -> dict[str, list[str]]:
    """The slugs and ids in the seed, by resource: random strings alone would only ever find nothing. In a fixed
    order, so that the same requests are made whatever order the database returns rows in."""
    return {
        "actors": list(Actor.objects.order_by("slug").values_list("slug", flat=True)),
        "policies": list(Policy.objects.order_by("slug").values_list("slug", flat=True)),
        "sources": list(Source.objects.order_by("slug").values_list("slug", flat=True)),
        "stances": [str(pk) for pk in Stance.objects.published().order_by("pk").values_list("pk", flat=True)],
        "corrections": [str(pk) for pk in Stance.objects.retracted().order_by("pk").values_list("pk", flat=True)],
    }


def mostly(data) -> bool:
    return data.draw(st.integers(0, 3)) > 0


def with_seed_names(case, data, names: dict[str, list[str]]) -> None:
    """Replace most generated slugs, ids and page numbers with ones the seed has, so that responses are
    not mostly 404s and 400s for records that do not exist."""
    resource = case.operation.path.split("/")[2]
    for name in case.path_parameters or {}:
        if names.get(resource) and mostly(data):
            case.path_parameters[name] = data.draw(st.sampled_from(names[resource]))
    for name, value in (case.query or {}).items():
        if name in SLUG_PARAMETERS and mostly(data):
            pool = st.sampled_from(names[SLUG_PARAMETERS[name]])
            case.query[name] = data.draw(st.lists(pool, min_size=1, max_size=2) if isinstance(value, list) else pool)
        elif name == "page" and mostly(data):
            case.query[name] = data.draw(st.integers(1, 2))


def run(operation, mode: GenerationMode, names: dict[str, list[str]], statuses: Counter) -> None:
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,  # the same requests on every run
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    def call(case, data):
        if mode is GenerationMode.POSITIVE:
            with_seed_names(case, data, names)
        response = case.call()
        statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    call()


def test_generated_requests_to_every_operation_get_the_answers_the_schema_describes(app, seed_names):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    statuses: Counter = Counter()

    for operation in operations:
        run(operation, GenerationMode.POSITIVE, seed_names, statuses)
        try:
            run(operation, GenerationMode.NEGATIVE, seed_names, statuses)
        except Unsatisfiable:  # nothing it takes can be invalid: a slug in the path may be any string
            pass

    assert len(operations) == 15
    assert sum(statuses.values()) >= 1000, statuses
    assert not [status for status in statuses if status >= 500], statuses
    # Every kind of answer was checked against the schema, found records included. (How many requests find a
    # record varies a little with the process the test runs in: 389 to 433 of 1,311 seen.)
    assert statuses[200] >= 300 and statuses[400] >= 100 and statuses[404] >= 50, statuses
