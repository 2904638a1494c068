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
    # Values JSON cannot hold are the core's to report, each at its place.
    with pytest.raises(perfscore.PlanError) as info:
        perfscore.Plan.from_dict({"id": object()})
    assert info.value.problems[0].to_dict() == {
        "loc": ["id"],
        "kind": "unsupported_value",
        "path": "id",
        "message": "an object is not a value perfscore reads",
        "message_zh": "perfscore 无法读取此类值：an object",
    }
    with pytest.raises(perfscore.PlanError) as info:
        perfscore.Plan.from_dict({"id": float("nan")})
    assert info.value.problems[0].kind == "not_finite"
    # A key that is not a string has no JSON form at all.
    with pytest.raises(TypeError):
        perfscore.Plan.from_dict({1: "x"})


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
    # One record is located from its own root.
    assert [(p.loc, p.kind) for p in info.value.problems] == [(("id",), "missing")]
    with pytest.raises(perfscore.InputError) as info:
        plan.score_many([{"id": "A", "revenu": 1}, "not a dict"])
    paths = [p.path for p in info.value.problems]
    assert "records[1]" in paths
    with pytest.raises(TypeError):
        plan.score_many({"id": "A"})
    with pytest.raises(perfscore.InputError) as info:
        plan.score({"id": "A", "name": 5})
    assert info.value.problems[0].path == "record (A).name"


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
    # Without a Chinese text, the English stands in.
    assert a.to_dict() == {"loc": [], "kind": "invalid", "path": "p", "message": "m", "message_zh": "m"}
    b = perfscore.Problem("records[0] (E1).revenue", "m", ("records", 0, "revenue"), "not_a_number", "E1")
    assert b != a and b.loc == ("records", 0, "revenue") and b.id == "E1"
    assert b.to_dict() == {
        "loc": ["records", 0, "revenue"],
        "id": "E1",
        "kind": "not_a_number",
        "path": "records[0] (E1).revenue",
        "message": "m",
        "message_zh": "m",
    }


def _cyclic():
    d = {"id": "x"}
    d["measures"] = [d]
    return d


def _nested(levels):
    v = []
    for _ in range(levels):
        v = [v]
    return v


@pytest.mark.parametrize("value", [_cyclic(), _nested(20_000)], ids=["cyclic", "nested"])
def test_self_containing_or_deep_values_are_errors_not_crashes(value):
    plan = perfscore.Plan.template("monthly-sales-rep")
    rec = plan.records_from_csv(perfscore.demo_team_csv())[0]
    # Each conversion stops at 128 levels and names where, instead of exhausting the C stack.
    with pytest.raises(ValueError, match="nested more than 128 levels deep"):
        perfscore.Plan.from_dict(value)
    with pytest.raises(ValueError, match="nested more than 128 levels deep"):
        plan.score(rec, period=value)
    with pytest.raises(ValueError, match=r"^plan\.measures\[0\]\.measures\[0\]"):
        perfscore.Plan.from_dict(_cyclic())


def test_deep_values_in_a_small_thread_stack_are_errors_not_crashes():
    import threading

    # A 256 KB thread stack used to overflow at 3,000 levels.
    threading.stack_size(256 * 1024)
    errors = []

    def run():
        try:
            perfscore.Plan.from_dict(_nested(3_000))
        except ValueError as e:
            errors.append(str(e))

    try:
        t = threading.Thread(target=run)
        t.start()
        t.join()
    finally:
        threading.stack_size(0)
    assert len(errors) == 1 and "128 levels" in errors[0]


def test_a_million_bad_rows_give_a_bounded_error():
    plan = perfscore.Plan.template("monthly-sales-rep")
    header = perfscore.demo_team_csv().splitlines()[0]
    width = header.count(",")
    rows = "\n".join(f"E{i}" + ",abc" * width for i in range(20_000))
    with pytest.raises(perfscore.InputError) as info:
        plan.records_from_csv(header + "\n" + rows + "\n")
    problems = info.value.problems
    # 1,000 listed, then one entry counting the rest.
    assert len(problems) == 1001
    assert problems[-1].path == "…"
    assert problems[-1].message.endswith("more problems not listed")


def test_a_host_can_lower_the_limits_a_plan_is_compiled_within():
    plan = json.loads(perfscore.demo_plan_json())
    n = len(plan["measures"])
    with pytest.raises(perfscore.PlanError) as info:
        perfscore.Plan.from_dict(plan, limits={"max_list_items": 2})
    assert ("measures", f"{n} entries; at most 2 are accepted") in [(p.path, p.message) for p in info.value.problems]
    assert perfscore.Plan.from_json(json.dumps(plan), limits={"max_list_items": 100}).id == plan["id"]
    with pytest.raises(perfscore.InputError) as info:
        perfscore.Plan.from_json(json.dumps(plan), limits={"max_list_items": 10**6})
    assert info.value.problems[0].path == "limits.max_list_items"
