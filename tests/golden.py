"""Golden responses: a public response pinned in ``tests/golden/NAME.json``.

Database ids differ between databases and runs, so they are replaced by ``"<id>"`` before comparing.
``UPDATE_GOLDEN=1 ./scripts/test`` rewrites the files from the current responses; review the diff.
"""

import json
import os
from pathlib import Path

GOLDEN_DIR = Path(__file__).parent / "golden"
ID_KEYS = {"id", "stance", "from_stance", "stances"}


def without_ids(data, key: str | None = None):
    """The response with database ids replaced, so it reads the same on every database."""
    if key in ID_KEYS and isinstance(data, int) and not isinstance(data, bool):
        return "<id>"
    if isinstance(data, dict):
        return {name: without_ids(value, name) for name, value in data.items()}
    if isinstance(data, list):
        return [without_ids(item, key) for item in data]
    return data


def assert_matches_golden(name: str, data) -> None:
    path = GOLDEN_DIR / f"{name}.json"
    data = without_ids(data)
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_GOLDEN=1 and review it"
    assert data == json.loads(path.read_text()), f"the response differs from {path.name}"
