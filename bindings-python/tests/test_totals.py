"""The fast exact path (`Plan.totals`, and `summarize_frame` without pay) gives `summarize`'s totals
and grades, and decides exact ties."""
import json
import pathlib
from decimal import Decimal

import perfscore
from conftest import DEMO_PAY_PLAN

VECTORS = pathlib.Path(__file__).resolve().parents[2] / "tests" / "vectors"


def test_totals_equal_the_summaries_on_the_demo_team():
    plan = perfscore.Plan.from_json(perfscore.demo_plan_json())
    records = plan.records_from_csv(perfscore.demo_team_csv())
    totals = plan.totals(records)
    summaries = plan.run("summarize", {"records": records})
    assert totals["ids"] == [s["record_id"] for s in summaries]
    assert totals["totals"] == [Decimal(s["total"]) for s in summaries]
    assert totals["grades"] == [s["grade"] for s in summaries]
    assert totals["vetoed"] == [s["vetoed"] for s in summaries]


def test_an_exact_half_cent_rounds_up():
    # The exact-ties vector, worked by hand: 691/7 x 20 % x 70 % = 13.82; + 28 + 30 + 0.655 = 72.475.
    vector = json.loads((VECTORS / "exact-ties.json").read_text(encoding="utf-8"))
    plan = perfscore.Plan.from_json(json.dumps(vector["plan"]))
    totals = plan.totals(vector["records"], threads=1)
    assert totals["totals"] == [Decimal("72.48"), Decimal("98.00")]
    assert totals["grades"] == ["B", "A"]
    assert totals["grades_before_veto"] == [None, None]


def test_summarize_frame_from_float_columns_equals_the_engine():
    # Without a pay plan, at period end, the kernel reads float64 columns as they are (no table
    # of decimals in between): the engine's totals and grades.
    pd = __import__("pytest").importorskip("pandas")
    plan = perfscore.Plan.from_json(perfscore.demo_plan_json())
    records = plan.records_from_csv(perfscore.demo_team_csv())
    rows = [{"id": r["id"], **{k: float(v) for k, v in r["measures"].items()}} for r in records]
    frame = pd.DataFrame(rows)
    table = plan.summarize_frame(frame, threads=2)
    summaries = plan.run("summarize", {"records": records})
    assert table.record_ids == list(frame["id"])
    assert table.totals == [Decimal(s["total"]) for s in summaries]
    assert table.grades == [s["grade"] for s in summaries]


def _both_paths(plan):
    """summarize_frame straight from the columns (no pay) and through a table of decimals (pay)."""
    pay_plan = perfscore.PayPlan.from_dict(DEMO_PAY_PLAN, plan)
    return (plan.summarize_frame, lambda frame: plan.summarize_frame(frame, pay_plan=pay_plan))


def test_a_bad_cell_is_reported_alike_with_and_without_pay():
    plan = perfscore.Plan.from_json(perfscore.demo_plan_json())
    frame = {"id": ["E1"], "revenue": ["12x"]}
    errors = []
    for call in _both_paths(plan):
        try:
            call(frame)
        except perfscore.InputError as e:
            errors.append([(p.path, p.kind) for p in e.problems])
    assert len(errors) == 2 and errors[0] == errors[1]
    assert ("records[0] (E1).revenue", "not_a_number") in errors[0]


def test_float_columns_report_their_problems_alike_with_and_without_pay():
    # An all-float frame without pay goes to the kernel; its problems are reported exactly as the
    # table path (taken with a pay plan) reports them.
    plan = perfscore.Plan.from_json(perfscore.demo_plan_json())
    records = plan.records_from_csv(perfscore.demo_team_csv())
    columns = {"id": [r["id"] for r in records]}
    for key in records[0]["measures"]:
        columns[key] = [float(r["measures"][key]) for r in records]
    def problems(cols):
        out = []
        for call in _both_paths(plan):
            try:
                call(cols)
            except perfscore.InputError as e:
                out.append([(p.path, p.kind) for p in e.problems])
        assert len(out) == 2 and out[0] == out[1]
        return out[0]

    # A missing required measure: the engine's problem for that row.
    columns["revenue"][2] = float("nan")
    assert [k for _, k in problems(columns)] == ["missing"]
    # A repeated id is the table's problem, reported before any row is scored.
    columns["id"][1] = columns["id"][0]
    assert [k for _, k in problems(columns)] == ["duplicate"]


def test_int64_columns_are_read_exactly_at_any_size():
    # int64 columns go to the kernel as integers (no float on the way). Hand-checked: (2**53 + 1) / (2**53 + 1) = 100.00 %; 2**52 / (2**53 + 1) =
    # 49.999999999999999994... % -> 50.00.
    pd = __import__("pytest").importorskip("pandas")
    plan = perfscore.Plan.from_json(
        json.dumps(
            {
                "id": "big",
                "name": "Big numbers",
                "measures": [{"id": "revenue"}, {"id": "revenue_target"}],
                "indicators": [
                    {
                        "id": "sales",
                        "name": "Sales",
                        "weight": 100,
                        "actual": "revenue",
                        "target": "revenue_target",
                        "scoring": {"method": "ratio", "cap": 120},
                    }
                ],
                "grades": [{"grade": "B", "to": 100}, {"grade": "A", "from": 100}],
            }
        )
    )
    big = 2**53 + 1
    frame = pd.DataFrame({"id": ["E1", "E2"], "revenue": [big, 2**52], "revenue_target": [big, big]})
    assert str(frame["revenue"].dtype) == "int64"
    table = plan.summarize_frame(frame, threads=1)
    assert table.totals == [Decimal("100.00"), Decimal("50.00")]
    assert table.grades == ["A", "B"]
