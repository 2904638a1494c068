"""Pay: pay plans, statements, deal pricing and bonus pools through the Python binding."""

import copy
import json
import threading
from decimal import Decimal

import pytest

import perfscore
from conftest import VECTORS, load_vector

PAY_DIR = VECTORS / "pay"


def pay_vector_names() -> list:
    return sorted(f"pay/{p.name[: -len('.json')]}" for p in PAY_DIR.glob("*.json"))


def run_vector(v: dict, via_json_text: bool) -> str:
    if "pool" in v:
        pool = v["pool"]
        weights = [(w["id"], w["weight"]) for w in pool["weights"]]
        try:
            split = perfscore.split_pool(pool["amount"], weights, minor_units=pool["minor_units"])
            # The vectors' own {"id", "weight"} objects and a dict give the same split.
            assert perfscore.split_pool(pool["amount"], pool["weights"], pool["minor_units"]).to_json() == split.to_json()
            assert perfscore.split_pool(pool["amount"], dict(weights), pool["minor_units"]).to_json() == split.to_json()
        except perfscore.PerfscoreError as e:
            return e.to_json() + "\n"
        assert split.total == Decimal(pool["amount"])
        return split.to_json() + "\n"
    try:
        if via_json_text:
            plan = perfscore.Plan.from_json(json.dumps(v["plan"], default=str))
            pay = perfscore.PayPlan.from_json(json.dumps(v["pay_plan"], default=str), plan)
        else:
            plan = perfscore.Plan.from_dict(v["plan"])
            pay = perfscore.PayPlan.from_dict(v["pay_plan"], plan)
        statements = pay.statements(v["records"])
    except perfscore.PerfscoreError as e:
        return e.to_json() + "\n"
    assert isinstance(statements, list)
    lines = statements.to_json_lines()
    assert lines == "".join(s.to_json() + "\n" for s in statements)
    return lines


def test_there_are_pay_vectors():
    names = pay_vector_names()
    assert len(names) >= 3
    assert any("pool" in load_vector(n) for n in names)
    assert any("pay_plan" in load_vector(n) for n in names)


@pytest.mark.parametrize("via_json_text", [False, True])
@pytest.mark.parametrize("name", pay_vector_names())
def test_pay_vector_bytes(name, via_json_text):
    expected = (VECTORS / f"{name}.expected.jsonl").read_text(encoding="utf-8")
    assert run_vector(load_vector(name), via_json_text) == expected


@pytest.mark.parametrize("name", [n for n in pay_vector_names() if "pay_plan" in load_vector(n)])
def test_pay_vector_one_by_one_matches_batch(name):
    v = load_vector(name)
    plan = perfscore.Plan.from_dict(v["plan"])
    pay = perfscore.PayPlan.from_dict(v["pay_plan"], plan)
    expected = (VECTORS / f"{name}.expected.jsonl").read_text(encoding="utf-8").splitlines()
    assert [pay.statement(r).to_json() for r in v["records"]] == expected


# ----------------------------------------------------------------------------- reference numbers

MARGINAL_TIERS = [
    {"from": 0, "to": 100000, "rate": 10},
    {"from": 100000, "to": 200000, "rate": 7.5},
    {"from": 200000, "to": 400000, "rate": 5},
    {"from": 400000, "to": 600000, "rate": 3},
    {"from": 600000, "to": 1000000, "rate": 1.5},
    {"from": 1000000, "rate": 1},
]

GRADE_TABLE = {"S": 1.5, "A": 1.2, "B": 1.0, "C": 0.8, "D": 0}


@pytest.fixture
def pay(worked):
    plan, records = worked
    pay_plan = {
        "id": "reference",
        "currency": {"code": "CNY"},
        "performance_pay": {"base": 3000, "coefficient": {"by_grade": GRADE_TABLE}},
        "commissions": [
            {"id": "margin", "name": "Margin commission", "base": "gross_profit", "mode": "marginal", "tiers": MARGINAL_TIERS}
        ],
    }
    return perfscore.PayPlan.from_dict(pay_plan, plan), plan, records


@pytest.mark.parametrize(
    "profit, commission",
    [(150000, "13750.00"), (350000, "25000.00"), (1200000, "41500.00"), (Decimal("350000"), "25000.00"), ("1200000", "41500.00")],
)
def test_marginal_reference_numbers(pay, profit, commission):
    pay_plan, _, _ = pay
    got = pay_plan.price_deal("margin", 0, profit)
    assert isinstance(got, Decimal)
    assert got == Decimal(commission) and str(got) == commission


def test_marginal_reference_numbers_in_a_statement(pay):
    pay_plan, _, records = pay
    for profit, commission in [(150000, "13750.00"), (350000, "25000.00"), (1200000, "41500.00")]:
        rec = copy.deepcopy(records[0])
        rec["measures"]["gross_profit"] = profit
        line = pay_plan.statement(rec).line("margin")
        assert line is not None and str(line.amount) == commission
        assert line.base == profit


def test_price_deal_from_where_the_person_stands(pay):
    pay_plan, _, _ = pay
    # 150,000 already booked; a 200,000 deal: 25,000 − 13,750.
    assert pay_plan.price_deal("margin", 150000, 200000) == Decimal("11250.00")
    # A return reverses at the rates it was paid.
    assert pay_plan.price_deal("margin", 350000, -200000) == Decimal("-11250.00")
    assert pay_plan.minor_units == 2
    with pytest.raises(perfscore.InputError) as info:
        pay_plan.price_deal("nope", 0, 1)
    assert info.value.problems[0].path == "commission"
    with pytest.raises(perfscore.InputError) as info:
        pay_plan.price_deal("margin", 0, float("nan"))
    assert info.value.problems[0].path == "deal"
    with pytest.raises(perfscore.InputError):
        pay_plan.price_deal("margin", None, 1)


def test_worked_example_performance_pay(pay):
    pay_plan, _, records = pay
    statements = pay_plan.statements(records)
    by_name = {s.name: s for s in statements}
    expected = {"Li Wei": "3000.00", "Zhang Min": "2400.00", "Wang Fang": "0.00"}
    for name, amount in expected.items():
        line = by_name[name].line("performance_pay")
        assert line is not None
        assert line.amount == Decimal(amount) and str(line.amount) == amount
        assert isinstance(line.amount, Decimal)
    li = by_name["Li Wei"]
    assert li.lines[0].detail["grade"] == "B"
    assert li.lines[0].detail["coefficient"] == Decimal("1")
    assert li.total == sum(line.amount for line in li.lines)
    assert li.currency == "CNY" and li.record_id == "E001" and li.pay_plan_id == "reference"


def test_statement_views(pay):
    pay_plan, _, records = pay
    s = pay_plan.statement(records[0])
    assert repr(s).startswith("<PayStatement E001 Li Wei total=")
    assert "Performance pay" in s.explain() and "Margin commission" in s.explain("en")
    assert "等级" in s.explain("zh") and "合计" in s.explain("zh")
    assert str(s) == s.explain()
    with pytest.raises(ValueError):
        s.explain("fr")
    d = s.to_dict()
    assert list(d) == list(json.loads(s.to_json()))
    assert d["total"] == s.total and isinstance(d["total"], Decimal)
    assert d["lines"][1]["detail"]["slices"][0]["rate"] == Decimal("10")
    assert d["lines"][1]["detail"]["kind"] == "commission"
    margin = s.line("margin")
    assert margin is not None and margin.explain("en").startswith("Margin commission: base 130,000")
    assert margin.unrounded == Decimal("12250") and margin.base == Decimal("130000")
    assert s.line("nope") is None
    mid = pay_plan.statement(records[0], period={"basis": "calendar_days", "elapsed": 12, "total": 30})
    assert isinstance(mid, perfscore.PayStatement) and mid.record_id == "E001"
    html = s._repr_html_()
    assert "Li Wei" in html and "Margin commission" in html


def test_statements_dataframe(pay):
    pd = pytest.importorskip("pandas")
    pay_plan, _, records = pay
    frame = pd.DataFrame([{"id": r["id"], "name": r["name"], **r["measures"]} for r in records])
    statements = pay_plan.statements(frame)
    df = statements.to_dataframe()
    assert list(df.columns) == ["record_id", "name", "currency", "performance_pay", "margin", "total"]
    assert len(df) == 3
    assert df.loc[1, "performance_pay"] == Decimal("2400.00")
    assert all(df["total"] == df["performance_pay"] + df["margin"])
    assert perfscore.pay_dataframe(list(statements)).equals(df)
    assert "pay statements" in statements._repr_html_()


def test_statements_release_the_gil_and_agree(pay):
    pay_plan, _, records = pay
    team = [dict(copy.deepcopy(records[i % 3]), id=f"P{i}") for i in range(300)]
    expected = pay_plan.statements(team).to_json_lines()
    results, errors = [], []

    def work():
        try:
            results.append(pay_plan.statements(team).to_json_lines())
        except Exception as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and results == [expected, expected]


def test_statement_errors_name_the_record(pay):
    pay_plan, _, records = pay
    bad = copy.deepcopy(records)
    bad[1]["measures"]["gross_profit"] = float("nan")
    bad[2]["measures"]["revenue"] = True
    with pytest.raises(perfscore.InputError) as info:
        pay_plan.statements(bad)
    paths = [p.path for p in info.value.problems]
    assert paths == ["records[1] (E002).measures.gross_profit", "records[2] (E003).measures.revenue"]


def test_pay_plan_from_json_and_file(tmp_path, worked):
    plan, records = worked
    v = load_vector("pay/pay-worked-example")
    text = json.dumps(v["pay_plan"], default=str)
    p = tmp_path / "pay.json"
    p.write_text(text, encoding="utf-8")
    a = perfscore.PayPlan.from_json(text, plan).statements(records).to_json_lines()
    b = perfscore.PayPlan.from_file(p, plan).statements(records).to_json_lines()
    c = perfscore.PayPlan.from_file(str(p), plan).statements(records).to_json_lines()
    assert a == b == c
    assert repr(perfscore.PayPlan.from_json(text, plan)).startswith("<PayPlan")


# ----------------------------------------------------------------------------- plan errors


def test_bad_pay_plan_lists_every_problem(worked):
    plan, _ = worked
    bad = {
        "id": "bad",
        "currency": {"code": "XYZ"},
        "performance_pay": {"base": 3000, "coefficient": {"by_grade": {"S": 1.5, "A": 1.2, "B": 1, "Z": 1}}},
        "commissions": [
            {"id": "c", "base": "gross_profit", "mode": "marginal",
             "tiers": [{"from": 0, "to": 100, "rate": 10}, {"from": 200, "rate": 5}]},
            {"id": "d", "base": "nope", "mode": "flat", "tiers": [{"from": 0, "rate": -1}]},
        ],
    }
    with pytest.raises(perfscore.PlanError) as info:
        perfscore.PayPlan.from_dict(bad, plan)
    e = info.value
    assert e.code == "PLAN_INVALID"
    paths = [p.path for p in e.problems]
    assert "currency.minor_units" in paths
    assert any(p.startswith("performance_pay.coefficient.by_grade") for p in paths)
    assert any(p.startswith("commissions[0].tiers") for p in paths)
    assert any(p.startswith("commissions[1]") for p in paths)
    assert len(paths) >= 5
    assert json.loads(e.to_json())["code"] == "PLAN_INVALID"
    with pytest.raises(perfscore.PlanError):
        perfscore.PayPlan.from_json("{", plan)
    with pytest.raises(perfscore.PlanError) as info:
        perfscore.PayPlan.from_dict({"id": object()}, plan)
    assert (info.value.problems[0].loc, info.value.problems[0].kind) == (("id",), "unsupported_value")


# ----------------------------------------------------------------------------- bonus pools


def test_pool_parts_sum_exactly_to_the_pool():
    split = perfscore.split_pool(Decimal("100"), {"a": 1, "b": 1, "c": 1})
    assert [str(s.amount) for s in split] == ["33.34", "33.33", "33.33"]
    assert sum(s.amount for s in split) == Decimal("100")
    assert split.total == Decimal("100.00")
    assert [s.got_remainder_unit for s in split] == [True, False, False]
    assert split[0].exact == Decimal("100") / 3 or str(split[0].exact).startswith("33.333")
    assert split.amounts() == {"a": Decimal("33.34"), "b": Decimal("33.33"), "c": Decimal("33.33")}
    for pool in ["1000000.00", "0.07", "12345.67", "99999.99"]:
        weights = [("p%d" % i, w) for i, w in enumerate([3, 0, 2.5, "7", Decimal("1.25"), 11, 0.1])]
        split = perfscore.split_pool(pool, weights)
        assert sum(s.amount for s in split) == Decimal(pool)
        for s in split:
            assert abs(s.amount - s.exact) < Decimal("0.01")
        assert split[1].amount == 0
    yen = perfscore.split_pool(10, [("a", 1), ("b", 2), ("z", 0)], minor_units=0)
    assert [str(s.amount) for s in yen] == ["3", "7", "0"]
    assert len(yen) == 3 and yen[-1].id == "z" and [s.id for s in yen[:2]] == ["a", "b"]
    with pytest.raises(IndexError):
        yen[3]
    assert repr(yen) == "<PoolSplit 3 shares total=10>"


def test_pool_tie_break_keeps_dict_order():
    # Equal remainders and weights: the earlier id (in the dict's order) gets the left-over cent.
    first = perfscore.split_pool("0.02", {"b": 1, "a": 1, "c": 1})
    assert [(s.id, str(s.amount)) for s in first] == [("b", "0.01"), ("a", "0.01"), ("c", "0.00")]
    second = perfscore.split_pool("0.02", {"c": 1, "a": 1, "b": 1})
    assert [(s.id, str(s.amount)) for s in second] == [("c", "0.01"), ("a", "0.01"), ("b", "0.00")]


def test_pool_views(pay):
    split = perfscore.split_pool("100", {"E001": 3000, "E002": 2400})
    assert json.loads(split.to_json())[0] == {
        "id": "E001", "weight": "3000", "exact": "55.555555555555555555555555556",
        "amount": "55.56", "got_remainder_unit": True,
    }
    assert "E002" in split._repr_html_()
    pay_plan, _, _ = pay
    assert pay_plan.split_pool("100", {"E001": 3000, "E002": 2400}).to_json() == split.to_json()
    pd = pytest.importorskip("pandas")
    df = split.to_dataframe()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["id", "weight", "exact", "amount", "got_remainder_unit"]
    assert df["amount"].sum() == Decimal("100.00")


def test_pool_weights_from_performance_pay(pay):
    # Weights = base × grade coefficient (the performance-pay amounts): Wang Fang (D) gets zero.
    pay_plan, _, records = pay
    statements = pay_plan.statements(records)
    weights = {s.record_id: s.line("performance_pay").amount for s in statements}
    split = pay_plan.split_pool(Decimal("10000"), weights)
    assert [str(s.amount) for s in split] == ["5555.56", "4444.44", "0.00"]


def test_pool_errors():
    for pool, weights, path in [
        (100, {}, "weights"),
        (100, [], "weights"),
        (100, {"a": 0, "b": 0}, "weights"),
        (0, {"a": 1}, "pool"),
        (-5, {"a": 1}, "pool"),
        ("10.001", {"a": 1}, "pool"),
        (float("nan"), {"a": 1}, "pool"),
        (None, {"a": 1}, "pool"),
        (100, {"a": -1, "b": 2}, "weights[0] (a)"),
        (100, {"a": float("inf")}, "weights[0] (a)"),
        (100, {"a": "x"}, "weights[0] (a)"),
        (100, {"a": True}, "weights[0] (a)"),
        (100, {"a": None}, "weights[0] (a)"),
        (100, [("a", 1, 2)], "weights[0]"),
        (100, [(1.5, 1)], "weights[0].id"),
        (100, [{"id": "a"}], "weights[0] (a).weight"),
    ]:
        with pytest.raises(perfscore.InputError) as info:
            perfscore.split_pool(pool, weights)
        e = info.value
        assert e.code == "INPUT_INVALID"
        assert e.problems[0].path == path, (pool, weights, e.problems)
    with pytest.raises(perfscore.InputError):
        perfscore.split_pool(100, {"a": 1}, minor_units=9)
    with pytest.raises(TypeError):
        perfscore.split_pool(100, "ab")


def test_pool_numbers_follow_the_input_policy():
    # A float weight is read by its shortest representation: 0.1 is one tenth.
    split = perfscore.split_pool("1", {"a": 0.1, "b": Decimal("0.2"), "c": "0.7"})
    assert [s.weight for s in split] == [Decimal("0.1"), Decimal("0.2"), Decimal("0.7")]
    assert [str(s.amount) for s in split] == ["0.10", "0.20", "0.70"]
    assert split[0].exact == Decimal("0.1")
