"""Every conformance vector gives byte-identical canonical JSON to the Rust runner."""

import json

import pytest

import perfscore
from conftest import VECTORS, load_vector, vector_names


def run(vector: dict, via_json_text: bool) -> str:
    try:
        if via_json_text:
            plan = perfscore.Plan.from_json(json.dumps(vector["plan"], default=str))
        else:
            plan = perfscore.Plan.from_dict(vector["plan"])
        if isinstance(vector.get("records_csv"), str):
            records = plan.records_from_csv(vector["records_csv"])
        else:
            records = vector["records"]
        period = (vector.get("options") or {}).get("period")
        batch = plan.score_many(records, period=period)
    except perfscore.PerfscoreError as e:
        return e.to_json() + "\n"
    lines = batch.to_json_lines()
    assert batch.to_json() == "[" + ",".join(lines.splitlines()) + "]"
    assert lines == "".join(c.to_json() + "\n" for c in batch)
    return lines


def test_there_are_vectors():
    assert len(vector_names()) >= 5


def scoring_vector(name: str) -> dict:
    v = load_vector(name)
    if "plan" not in v or "pay_plan" in v or "pool" in v:  # pay vectors (tests/vectors/pay/): test_pay.py
        pytest.skip(f"{name}: not a scoring vector (keys {sorted(v)}); see test_pay.py")
    return v


@pytest.mark.parametrize("name", vector_names())
def test_vector_bytes(name):
    expected = (VECTORS / f"{name}.expected.jsonl").read_text(encoding="utf-8")
    assert run(scoring_vector(name), via_json_text=False) == expected


@pytest.mark.parametrize("name", vector_names())
def test_vector_bytes_via_plan_json_text(name):
    # Same through Plan.from_json (Decimals written as exact decimal strings, which plans accept).
    expected = (VECTORS / f"{name}.expected.jsonl").read_text(encoding="utf-8")
    assert run(scoring_vector(name), via_json_text=True) == expected


def error_vector_names() -> list:
    return [
        n
        for n in vector_names()
        if '"code"' in (VECTORS / f"{n}.expected.jsonl").read_text(encoding="utf-8").split("\n", 1)[0][:10]
    ]


def test_there_are_error_vectors():
    assert len(error_vector_names()) >= 2


@pytest.mark.parametrize("name", error_vector_names())
def test_error_vectors_expose_code_and_problems(name):
    expected = (VECTORS / f"{name}.expected.jsonl").read_text(encoding="utf-8")
    first = json.loads(expected.splitlines()[0])
    v = scoring_vector(name)
    with pytest.raises(perfscore.PerfscoreError) as info:
        plan = perfscore.Plan.from_dict(v["plan"])
        records = plan.records_from_csv(v["records_csv"]) if "records_csv" in v else v["records"]
        plan.score_many(records, period=(v.get("options") or {}).get("period"))
    e = info.value
    assert isinstance(e, ValueError)
    built = json.dumps(
        {"code": e.code, "problems": [p.to_dict() for p in e.problems]},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    assert built + "\n" == expected
    cls = perfscore.PlanError if first["code"] == "PLAN_INVALID" else perfscore.InputError
    assert isinstance(e, cls)
