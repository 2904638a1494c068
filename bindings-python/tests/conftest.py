import json
from decimal import Decimal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"


def load_vector(name: str) -> dict:
    # Numbers exactly as written (0.95 stays 0.95), like the Rust runner's arbitrary_precision.
    return json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"), parse_float=Decimal)


def vector_names() -> list:
    return sorted(p.name[: -len(".json")] for p in VECTORS.glob("*.json") if not p.name.endswith(".expected.json"))


@pytest.fixture
def worked():
    import perfscore

    v = load_vector("worked-example")
    return perfscore.Plan.from_dict(v["plan"]), v["records"]
