import json
from decimal import Decimal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"

# The pay worked example's plan for the demo team: 3,000 × the grade's coefficient, plus a
# marginal margin commission (10 % to 100,000, then 7.5 %).
DEMO_PAY_PLAN = {
    "id": "monthly-pay",
    "currency": {"code": "CNY"},
    "performance_pay": {"base": 3000, "coefficient": {"by_grade": {"S": 1.5, "A": 1.2, "B": 1.0, "C": 0.8, "D": 0}}},
    "commissions": [
        {"id": "margin", "name": "Margin commission", "base": "gross_profit", "mode": "marginal",
         "tiers": [{"from": 0, "to": 100000, "rate": 10}, {"from": 100000, "rate": 7.5}]}
    ],
}


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
