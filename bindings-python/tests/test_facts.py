"""Facts from Python: every vector in tests/vectors/facts/ gives the core's bytes, the keyword
methods agree with the operations, and DataFrames with real dates are read as the same facts."""

import datetime
import json

import pytest

import perfscore
from conftest import VECTORS

FACTS = VECTORS / "facts"


def vector_files():
    return sorted(p.stem for p in FACTS.glob("*.json") if not p.name.endswith(".expected.json"))


def vector(name):
    doc = json.loads((FACTS / f"{name}.json").read_text(encoding="utf-8"))
    expected = [l for l in (FACTS / f"{name}.expected.jsonl").read_text(encoding="utf-8").split("\n") if l]
    assert len(doc["cases"]) == len(expected)
    return perfscore.Plan.from_dict(doc["plan"]), list(zip(doc["cases"], expected))


@pytest.mark.parametrize("name", vector_files())
def test_vector_results(name):
    plan, cases = vector(name)
    for case, expected in cases:
        try:
            got = plan.run(case["operation"], case["request"])
        except perfscore.PerfscoreError as e:
            got = json.loads(e.to_json())
        # The parsed result equals the core's canonical text, parsed (decimals as exact text).
        assert got == json.loads(expected), case["name"]


def test_keyword_methods_match_the_operations():
    plan, cases = vector("orders-visits")
    june, _, scored = cases[0], cases[1], cases[2]
    req = june[0]["request"]
    out = plan.records_from_facts(req["facts"], req["period"], records=req["records"])
    assert out == json.loads(june[1])
    # Hand-worked in docs/facts.md: E1 200.50 + 300.00; E2 1000 - 250 (the return nets in June).
    assert [r["measures"]["revenue"] for r in out["records"]] == ["500.5", "750"]
    req = scored[0]["request"]
    cards = plan.score_facts(req["facts"], req["period"], as_of=req["as_of"], records=req["records"])
    assert cards == json.loads(scored[1])
    assert cards[0]["progress"]["fraction"] == "0.4"  # 12 of June's 30 days


def test_a_dataframe_with_timestamps_reads_as_the_same_facts():
    pd = pytest.importorskip("pandas")
    plan, cases = vector("orders-visits")
    req = cases[0][0]["request"]
    orders = pd.DataFrame(req["facts"]["orders"])
    orders["date"] = pd.to_datetime(orders["date"])
    orders["amount"] = orders["amount"].map(lambda a: __import__("decimal").Decimal(a))
    facts = {"orders": orders, "visits": req["facts"]["visits"]}
    out = plan.records_from_facts(facts, "2026-06", as_of=datetime.date(2026, 6, 30), records=req["records"])
    assert out == json.loads(cases[0][1])


def test_bad_cells_raise_with_source_row_column_and_fact_id():
    plan, cases = vector("orders-visits")
    bad = next(c for c, _ in cases if c["name"] == "bad-cells-all-at-once")
    with pytest.raises(perfscore.InputError) as info:
        plan.records_from_facts(bad["request"]["facts"], "2026-06")
    first = info.value.problems[0]
    assert (first.loc, first.kind, first.id) == (("facts", "orders", 0, "date"), "invalid_value", "X1")


def test_an_accumulator_answers_as_the_batch_and_restores_from_its_state():
    plan, cases = vector("orders-visits")
    req = cases[0][0]["request"]
    acc = plan.accumulator()
    for o in req["facts"]["orders"]:
        acc.add("orders", [o])
    assert acc.add("visits", req["facts"]["visits"]) == {"changed": 4, "people": ["E1", "E2"]}
    assert len(acc) == 13
    assert acc.records("2026-06", records=req["records"]) == json.loads(cases[0][1])
    # Without the return O6, E2's June revenue is 1000 (worked in docs/facts.md).
    assert acc.retract("orders", ["O6"]) == {"changed": 1, "people": ["E2"]}
    back = plan.accumulator(acc.to_json())
    assert back.records("2026-06", people=["E2"])["records"][0]["measures"]["revenue"] == "1000"
    cards = back.score("2026-06", as_of=datetime.date(2026, 6, 12), records=req["records"])
    assert cards[0]["progress"]["fraction"] == "0.4"
    with pytest.raises(perfscore.InputError):
        back.add("orders", [{"order_id": "N1", "date": "June 3", "owner": "E1", "customer": "C1", "status": "signed", "amount": "1"}])
    assert len(back) == 12


def test_pivot_reconcile_and_check_keywords_match_the_operations():
    plan, cases = vector("team-pivot")
    by_line = cases[1][0]["request"]
    out = plan.pivot_facts(by_line["facts"], "2026-06", by=["product_line"], measures=["revenue", "orders"],
                           compare=["previous_period", "last_year"])
    assert out == json.loads(cases[1][1])
    # Hand-worked in docs/facts.md: hardware 2,000 of 6,100 = 32.79 %, +233.33 % on May's 600.
    hardware = out["rows"][0]["values"]["revenue"]
    assert (hardware["value"], hardware["share"], hardware["change_pct"]) == ("2000", "32.79", "233.33")
    plan, cases = vector("quality-reconcile")
    req = cases[2][0]["request"]
    out = plan.reconcile_facts(req["facts"], "2026-06", left="revenue", right="invoiced", tolerance="1")
    assert out == json.loads(cases[2][1])
    assert [d["person"] for d in out["differences"]] == ["E3", "E2", "E4"]
    report = plan.check_facts(cases[0][0]["request"]["facts"], period="2026-06", org=cases[0][0]["request"]["org"])
    assert report == json.loads(cases[0][1])
    # An unknown keyword is the core's unknown field, not silently ignored.
    with pytest.raises(perfscore.InputError) as info:
        plan.reconcile_facts(req["facts"], "2026-06", left="revenue", right="invoiced", tolerence="1")
    assert info.value.problems[0].kind == "unknown_field"


def test_an_org_table_as_a_dataframe_rolls_up_as_its_csv():
    pd = pytest.importorskip("pandas")
    plan, cases = vector("team-pivot")
    req = cases[0][0]["request"]
    import io
    org = pd.read_csv(io.StringIO(req["org"]), dtype=str)
    out = plan.records_from_facts(req["facts"], "2026-06", people=req["people"], org=org)
    assert out == json.loads(cases[0][1])
    acc = plan.accumulator()
    acc.add("orders", req["facts"]["orders"])
    # North on each order's date: 4,800 (docs/facts.md); the accumulator pivots as the batch.
    pivot = acc.pivot("2026-06", by=["team"], measures=["revenue"], org=org, top=1)
    assert pivot == json.loads(cases[2][1])
    assert pivot["rows"][0]["values"]["revenue"]["value"] == "4800"
