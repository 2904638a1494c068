"""Error mapping: classes, codes, problems, messages; no crash on odd input."""

import json

import pytest

import perfscore


def test_hierarchy():
    assert issubclass(perfscore.PerfscoreError, ValueError)
    assert issubclass(perfscore.PlanError, perfscore.PerfscoreError)
    assert issubclass(perfscore.InputError, perfscore.PerfscoreError)


def test_plan_error_lists_every_problem():
    bad = json.loads(perfscore.demo_plan_json())
    bad["sections"][0]["weight"] = 10  # section weights no longer sum to 100
    bad["grades"] = []
    with pytest.raises(perfscore.PlanError) as info:
        perfscore.Plan.from_dict(bad)
    e = info.value
    assert e.code == "PLAN_INVALID"
    assert len(e.problems) >= 2
    assert all(isinstance(p, perfscore.Problem) and p.path for p in e.problems)
    assert str(e).startswith("invalid plan (")
    for p in e.problems:
        assert f"{p.path}: {p.message}" in str(e)
    assert json.loads(e.to_json()) == e.to_dict()


def test_malformed_json_is_a_plan_error():
    with pytest.raises(perfscore.PlanError) as info:
        perfscore.Plan.from_json("{not json")
    assert info.value.code == "PLAN_INVALID"
    with pytest.raises(perfscore.PlanError):
        perfscore.Plan.from_json("")
    with pytest.raises(perfscore.PlanError):
        perfscore.Plan.from_dict({})


def test_from_dict_rejects_unserialisable_values():
    with pytest.raises(TypeError):
        perfscore.Plan.from_dict({"id": object()})
    with pytest.raises(ValueError):
        perfscore.Plan.from_dict({"id": float("nan")})


def test_bad_period():
    plan = perfscore.Plan.template("monthly-sales-rep")
    rec = plan.records_from_csv(perfscore.demo_team_csv())[0]
    with pytest.raises(perfscore.InputError) as info:
        plan.score(rec, period={"basis": "calendar_days", "elapsed": 40, "total": 30})
    assert info.value.problems[0].path.startswith("options.period")
    with pytest.raises(perfscore.InputError):
        plan.score(rec, period={"basis": "lunar", "elapsed": 1, "total": 2})
    with pytest.raises(perfscore.InputError):
        plan.score(rec, period="{oops")


def test_bad_records():
    plan = perfscore.Plan.template("monthly-sales-rep")
    with pytest.raises(perfscore.InputError) as info:
        plan.score({"name": "no id"})
    assert info.value.problems[0].path == "record.id"
    with pytest.raises(perfscore.InputError) as info:
        plan.score_many([{"id": "A", "revenu": 1}, "not a dict"])
    paths = [p.path for p in info.value.problems]
    assert "records[1]" in paths
    with pytest.raises(TypeError):
        plan.score_many({"id": "A"})
    with pytest.raises(perfscore.InputError) as info:
        plan.score({"id": "A", "name": 5})
    assert info.value.problems[0].path == "record A.name"


def test_csv_errors():
    plan = perfscore.Plan.template("monthly-sales-rep")
    with pytest.raises(perfscore.InputError) as info:
        plan.records_from_csv("name\nx\n")
    assert "id" in str(info.value)
    with pytest.raises(perfscore.InputError):
        plan.records_from_json("[{]")


def test_problem_value_semantics():
    a = perfscore.Problem("p", "m")
    assert a == perfscore.Problem("p", "m") and str(a) == "p: m" and "p" in repr(a)
    assert a.to_dict() == {"path": "p", "message": "m"}
