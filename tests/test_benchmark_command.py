"""The benchmark command measures every endpoint and leaves the database as it found it."""

import pytest
from django.core.management import CommandError, call_command

from api.management.commands.benchmark import ENDPOINTS
from positions.models import Actor, Stance
from sources.models import Source

pytestmark = pytest.mark.django_db


def test_benchmark_reports_every_endpoint_on_generated_data_and_rolls_it_back(seeded, capsys):
    before = (Actor.objects.count(), Stance.objects.count(), Source.objects.count())
    call_command("benchmark", repeat=1, synthetic=120)
    output = capsys.readouterr().out
    published = Stance.objects.published().count() + 120
    assert f"{published} published stances" in output
    rows = [line for line in output.splitlines() if line[:32].strip() in {label for label, _ in ENDPOINTS}]
    assert len(rows) == len(ENDPOINTS)
    for row in rows:
        median, p95, queries, size = row[32:].split()
        assert float(median) > 0 and float(p95) >= float(median)
        assert 1 <= int(queries) <= 10
        assert int(size) > 0
    assert (Actor.objects.count(), Stance.objects.count(), Source.objects.count()) == before


def test_benchmark_needs_the_seed_or_generated_data():
    with pytest.raises(CommandError, match="run load_seed first"):
        call_command("benchmark", repeat=1)
