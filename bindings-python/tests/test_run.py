"""The core's generic operations from Python: `run` on each compiled type and the free `run`."""

import json
from decimal import Decimal

import pytest

import perfscore
from conftest import load_vector


@pytest.fixture(scope="module")
def demo():
    plan = perfscore.Plan.from_json(perfscore.demo_plan_json())
    return plan, plan.records_from_csv(perfscore.demo_team_csv())


def test_plan_run_matches_the_friendly_methods(demo):
    plan, records = demo
    assert plan.run("measure_ids") == plan.measures
    card = plan.run("score", {"record": records[0]})
    assert card == json.loads(plan.score(records[0]).to_json())
    lines = plan.run("score_many", {"records": records})
    assert isinstance(lines, list) and len(lines) == len(records)
    assert lines[3] == json.loads(plan.score(records[3]).to_json())
    summary = plan.run("summarize", {"records": records})
    assert [r["record_id"] for r in summary] == [r["id"] for r in records]


def test_pay_plan_and_feedback_run():
    v = load_vector("pay/pay-worked-example")
    plan = perfscore.Plan.from_dict(v["plan"])
    pay = perfscore.PayPlan.from_dict(v["pay_plan"], plan)
    statements = pay.run("statements", {"records": v["records"]})
    assert statements == [json.loads(s.to_json()) for s in pay.statements(v["records"])]
    with pytest.raises(perfscore.InputError) as e:
        plan.run("nope", {})
    assert e.value.problems[0].path == "operation"
    v = load_vector("feedback/feedback-example")
    fb = perfscore.Feedback.from_dict(v["feedback"])
    assert fb.run("aggregate", {"responses": v["responses"]}) == json.loads(fb.aggregate(v["responses"]).to_json())


def test_free_run():
    assert perfscore.run("version") == perfscore.__version__
    assert "rollup" in perfscore.run("operations")
    # The Python package is always built with everything (a scoring-only build is a wasm option).
    assert perfscore.run("features") == {"analytics": True, "facts": True, "feedback": True}
    assert "features" not in perfscore.analytics.operations()
    split = perfscore.run("split_pool", {"pool": Decimal("100"), "minor_units": 2, "weights": [{"id": "a", "weight": 1}, {"id": "b", "weight": 2}]})
    assert [s["amount"] for s in split] == ["33.33", "66.67"]
    assert perfscore.run_json("version") == json.dumps(perfscore.__version__)
    with pytest.raises(perfscore.InputError) as e:
        perfscore.run("split_pool", {"pool": float("nan"), "minor_units": 2, "weights": [{"id": "a", "weight": 1}]})
    assert [p.path for p in e.value.problems] == ["pool"]
