"""`Plan.summarize_frame`: the columnar DataFrame → SummaryTable path.

Expected numbers come from the existing, independently checked paths: `Plan.score_many`
scorecards (themselves checked byte for byte against the conformance vectors'
`.expected.jsonl` in test_conformance.py) and `PayPlan.statements` (checked against
`tests/vectors/pay/` in test_pay.py), plus the hand-worked example of
`core/tests/worked_example.rs` (Li Wei 88.48 B, Zhang Min 74.40 C, Wang Fang 0.00 D).
"""

import csv
import io
import json
import math
import subprocess
import sys
from decimal import Decimal

import pytest

import perfscore
from conftest import DEMO_PAY_PLAN, VECTORS, load_vector, vector_names

PERSON = ("id", "name", "team", "department", "branch", "attributes")


def columns_of(records: list) -> dict:
    """Records (nested or flat dicts) as a mapping of column → list; absent measures → None."""
    flat = []
    for r in records:
        row = {k: v for k, v in r.items() if k != "measures"}
        row.update(r.get("measures") or {})
        flat.append(row)
    names: list = []
    for row in flat:
        for k in row:
            if k not in names:
                names.append(k)
    return {k: [row.get(k) for row in flat] for k in names}


def scoring_vectors() -> list:
    out = []
    for name in vector_names():
        v = load_vector(name)
        if "plan" in v and "pay_plan" not in v and "pool" not in v:
            out.append(name)
    return out


def expected_from_cards(batch) -> dict:
    return {
        "record_ids": [c.record_id for c in batch],
        "totals": [c.total for c in batch],
        "grades": [c.grade for c in batch],
        "grade_before_veto": [c.grade_before_veto for c in batch],
        "vetoed": [bool(c.vetoes) for c in batch],
    }


def got(table) -> dict:
    return {k: getattr(table, k) for k in ("record_ids", "totals", "grades", "grade_before_veto", "vetoed")}


def demo_frame_columns(plan) -> dict:
    return columns_of(plan.records_from_csv(perfscore.demo_team_csv()))


# --------------------------------------------------------------------------- equal to score_many


# The `input-*` vectors pin the record rule of record lists; the frame path reads columns.
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("name", [n for n in scoring_vectors() if not n.startswith("input-")])
def test_vectors_equal_score_many(name, threads):
    v = load_vector(name)
    try:
        plan = perfscore.Plan.from_dict(v["plan"])
    except perfscore.PlanError:
        pytest.skip(f"{name}: the plan itself is invalid (no table to score)")
    try:
        records = plan.records_from_csv(v["records_csv"]) if "records_csv" in v else v["records"]
    except perfscore.InputError as e:
        # Bad cells: the raw CSV's columns (text cells, alias headers) give the same messages.
        rows = list(csv.reader(io.StringIO(v["records_csv"])))
        rename = {"工号": "id", "姓名": "name"}
        cols = {rename.get(h, h): [r[j] for r in rows[1:]] for j, h in enumerate(rows[0])}
        with pytest.raises(perfscore.InputError) as info:
            plan.summarize_frame(cols, threads=threads)
        assert [p.message for p in info.value.problems] == [p.message for p in e.problems]
        paths = [p.path for p in info.value.problems]
        if name == "csv-bad-cells":
            assert paths == ["records[0] (E001).销售额", "records[1] (E002).demos"]
        else:
            # csv-many-bad-rows: 3,000 bad cells, the first 1,000 listed by row, the rest counted.
            assert paths[:2] == ["records[0] (E0000).销售额", "records[1] (E0001).销售额"]
            assert len(paths) == 1001 and paths[-1] == "…"
        return
    if not records:
        pytest.skip(f"{name}: no records")
    options = v.get("options")
    period = (options or {}).get("period")
    cols = columns_of(records)
    try:
        batch = plan.score_many(records, period=period)
    except perfscore.InputError as e:
        # Scoring problems (e.g. a missing measure) come from the same core code with the same paths.
        with pytest.raises(perfscore.InputError) as info:
            plan.summarize_frame(cols, options=options, threads=threads)
        assert info.value.to_json() == e.to_json()
        return
    table = plan.summarize_frame(cols, options=options, threads=threads)
    assert len(table) == len(batch)
    assert got(table) == expected_from_cards(batch)
    # Exact: the totals keep the plan's scale (74.40, not 74.4), like Scorecard.total.
    assert [str(t) for t in table.totals] == [str(c.total) for c in batch]


def test_there_are_scoring_vectors():
    assert len(scoring_vectors()) >= 5


def test_worked_example_reference_numbers(worked):
    plan, records = worked
    table = plan.summarize_frame(columns_of(records))
    # core/tests/worked_example.rs: hand-computed totals and grades.
    assert table.record_ids == ["E001", "E002", "E003"]
    assert [str(t) for t in table.totals] == ["88.48", "74.40", "0.00"]
    assert table.grades == ["B", "C", "D"]
    assert table.vetoed == [False, False, True]


@pytest.mark.parametrize("threads", [None, 1, 2, 5, 64])
def test_demo_team_equals_score_many(threads):
    plan = perfscore.Plan.template("monthly-sales-rep")
    team = plan.records_from_csv(perfscore.demo_team_csv())
    table = plan.summarize_frame(columns_of(team), threads=threads)
    assert got(table) == expected_from_cards(plan.score_many(team))
    assert 1 <= table.threads <= 12


def test_threads_identical_on_a_bigger_table():
    plan = perfscore.Plan.template("monthly-sales-rep")
    # 12 people × 50 with distinct ids and scaled revenue (as Decimals): 600 rows.
    big = big_columns(plan, reps=50, revenue=lambda d: d)
    one = plan.summarize_frame(big, threads=1)
    two = plan.summarize_frame(big, threads=2)
    three = plan.summarize_frame(big, threads=3)
    assert got(one) == got(two) == got(three)
    assert (one.threads, two.threads, three.threads) == (1, 2, 3)
    records = [{k: big[k][i] for k in big} for i in range(len(big["id"]))]
    assert got(one) == expected_from_cards(plan.score_many(records))


def test_period_options_match_score_many():
    v = load_vector("worked-example-progress")
    plan = perfscore.Plan.from_dict(v["plan"])
    batch = plan.score_many(v["records"], period=v["options"]["period"])
    cols = columns_of(v["records"])
    assert got(plan.summarize_frame(cols, options=v["options"])) == expected_from_cards(batch)
    # Options as JSON text too; a bad period is an InputError naming it.
    assert got(plan.summarize_frame(cols, options=json.dumps(v["options"], default=str))) == expected_from_cards(batch)
    with pytest.raises(perfscore.InputError) as info:
        plan.summarize_frame(cols, options={"period": {"basis": "calendar_days", "elapsed": 40, "total": 30}})
    assert info.value.problems[0].path.startswith("options.period")


# --------------------------------------------------------------------------- pay


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("name", ["pay/pay-worked-example", "pay/pay-features"])
def test_pay_equals_statements(name, threads):
    v = load_vector(name)
    plan = perfscore.Plan.from_dict(v["plan"])
    pay = perfscore.PayPlan.from_dict(v["pay_plan"], plan)
    statements = pay.statements(v["records"])
    table = plan.summarize_frame(columns_of(v["records"]), pay_plan=pay, threads=threads)
    assert table.pay == [s.total for s in statements]
    assert [str(p) for p in table.pay] == [str(s.total) for s in statements]  # minor-unit scale kept
    assert got(table) == expected_from_cards(plan.score_many(v["records"]))
    if name == "pay/pay-worked-example":
        # The pay reference: B → 3,000.00 performance pay, C → 2,400.00, D → 0.00 (plus commission).
        perf = [s.line("performance_pay").amount for s in statements]
        assert perf == [Decimal("3000.00"), Decimal("2400.00"), Decimal("0.00")]


def test_pay_on_the_demo_team_with_aliased_columns():
    plan = perfscore.Plan.template("monthly-sales-rep")
    pay = perfscore.PayPlan.from_dict(
        DEMO_PAY_PLAN,
        plan,
    )
    team = plan.records_from_csv(perfscore.demo_team_csv())
    expected = [s.total for s in pay.statements(team)]
    cols = columns_of(team)
    assert plan.summarize_frame(cols, pay_plan=pay).pay == expected
    # The same table with measure aliases as headers (as in the bundled CSV): same numbers.
    csv_header = perfscore.demo_team_csv().splitlines()[0].split(",")
    aliased = dict(cols)
    renamed = 0
    for header in csv_header:
        probe = plan.records_from_csv(f"id,{header}\nX,1\n")
        measures = list(probe[0]["measures"])
        if measures and measures[0] != header and measures[0] in aliased:
            aliased[header] = aliased.pop(measures[0])
            renamed += 1
    assert renamed >= 3
    table = plan.summarize_frame(aliased, pay_plan=pay)
    assert table.pay == expected
    assert got(table) == expected_from_cards(plan.score_many(team))


def test_pay_plan_of_another_plan_is_refused():
    plan = perfscore.Plan.template("monthly-sales-rep")
    v = load_vector("pay/pay-worked-example")
    pay = perfscore.PayPlan.from_dict(v["pay_plan"], perfscore.Plan.from_dict(v["plan"]))
    # An equal plan compiled again is fine; a different one is not.
    again = perfscore.Plan.from_dict(v["plan"])
    assert again.summarize_frame(columns_of(v["records"]), pay_plan=pay).pay is not None
    with pytest.raises(perfscore.InputError) as info:
        plan.summarize_frame(demo_frame_columns(plan), pay_plan=pay)
    [problem] = info.value.problems
    assert (problem.loc, problem.kind) == (("pay_plan",), "plan_mismatch")
    assert problem.message.startswith("the pay plan was compiled against plan `")


def test_no_pay_plan_means_pay_is_none():
    plan = perfscore.Plan.template("monthly-sales-rep")
    table = plan.summarize_frame(demo_frame_columns(plan))
    assert table.pay is None
    assert table.columns() == ["record_id", "total", "grade", "grade_before_veto", "vetoed"]


# --------------------------------------------------------------------------- missing values


def test_missing_cells_follow_the_plans_policy():
    # missing-policies: each indicator has its own policy (error / zero / exclude / ...); the
    # vector's records leave measures out. None, NaN, pd.NA-like markers all mean "missing".
    v = load_vector("missing-policies")
    plan = perfscore.Plan.from_dict(v["plan"])
    batch = plan.score_many(v["records"])
    cols = columns_of(v["records"])
    # The vector leaves these out of the record; here they are columns of empty cells.
    for m in ("gross_profit", "demos", "complaints"):
        assert m in plan.measures and m not in cols
        cols[m] = [None]
    table = plan.summarize_frame(cols)
    assert got(table) == expected_from_cards(batch)
    # The vector's description works it out by hand: 80.9875 → 80.99, B.
    assert [str(t) for t in table.totals] == ["80.99"] and table.grades == ["B"]
    as_nan = {k: [float("nan") if x is None else x for x in col] if k not in PERSON else col for k, col in cols.items()}
    assert got(plan.summarize_frame(as_nan)) == expected_from_cards(batch)
    as_decimal_nan = {k: [Decimal("NaN") if x is None else x for x in col] if k not in PERSON else col for k, col in cols.items()}
    assert got(plan.summarize_frame(as_decimal_nan)) == expected_from_cards(batch)


def test_missing_required_measure_is_an_error_with_its_path():
    plan = perfscore.Plan.template("monthly-sales-rep")
    cols = demo_frame_columns(plan)
    cols["demos"][0] = None
    with pytest.raises(perfscore.InputError) as info:
        plan.summarize_frame(cols)
    p = info.value.problems[0]
    assert p.path.startswith("records[0] (E001).indicators.")
    assert "`demos` is missing" in p.message


# --------------------------------------------------------------------------- errors


def test_unknown_columns_are_ignored_and_listed_as_in_csv():
    # The CSV rule: exports carry columns the plan does not read (notes, a misspelt measure);
    # they are ignored, and the result names them so a misspelling can be seen.
    plan = perfscore.Plan.template("monthly-sales-rep")
    cols = demo_frame_columns(plan)
    plain = plan.summarize_frame(cols)
    cols["bogus"] = [1] * len(cols["id"])
    cols["备注"] = ["note"] * len(cols["id"])
    table = plan.summarize_frame(cols)
    assert table.ignored_columns == ["bogus", "备注"] and plain.ignored_columns == []
    assert got(table) == got(plain)


def test_same_measure_twice_by_alias():
    plan = perfscore.Plan.template("monthly-sales-rep")
    cols = demo_frame_columns(plan)
    alias = next(h for h in perfscore.demo_team_csv().splitlines()[0].split(",")
                 if plan.records_from_csv(f"id,{h}\nX,1\n")[0]["measures"].keys() == {"revenue"})
    cols[alias] = list(cols["revenue"])
    with pytest.raises(perfscore.InputError) as info:
        plan.summarize_frame(cols)
    names = list(cols)
    (p,) = info.value.problems
    assert p.path == f"columns[{names.index(alias)}]"
    assert p.message == f"`{alias}` is a second column for measure `revenue`"


def test_duplicate_id_and_bad_cells_all_at_once():
    plan = perfscore.Plan.template("monthly-sales-rep")
    cols = demo_frame_columns(plan)
    cols["id"][3] = cols["id"][1]
    with pytest.raises(perfscore.InputError) as info:
        plan.summarize_frame(cols)
    assert [(p.path, p.message) for p in info.value.problems] == [("records[3].id", "duplicate record id `E002`")]
    # Same through the multi-threaded path.
    with pytest.raises(perfscore.InputError) as info2:
        plan.summarize_frame(cols, threads=2)
    assert info2.value.to_json() == info.value.to_json()

    cols = demo_frame_columns(plan)
    cols["revenue"][0] = "abc"
    cols["visits"][2] = float("inf")
    cols["demos"][2] = True
    with pytest.raises(perfscore.InputError) as info:
        plan.summarize_frame(cols)
    problems = [(p.path, p.message) for p in info.value.problems]
    # Within a row, problems follow the column order; rows are in order.
    assert sorted(problems) == sorted([
        ("records[0] (E001).revenue", "`abc` is not a number"),
        # A cell that is neither text nor a number is read by its text.
        ("records[2] (E003).demos", "`True` is not a number"),
        ("records[2] (E003).visits", "inf is not a finite number"),
    ])
    # Row order first.
    assert [p[0].split(".")[0] for p in problems] == ["records[0] (E001)", "records[2] (E003)", "records[2] (E003)"]


def test_ids_and_shapes():
    plan = perfscore.Plan.template("monthly-sales-rep")
    cols = demo_frame_columns(plan)
    n = len(cols["id"])
    bad = dict(cols)
    bad["id"] = [None] + cols["id"][1:]
    bad["revenue"] = cols["revenue"][:-1]
    with pytest.raises(perfscore.InputError) as info:
        plan.summarize_frame(bad)
    paths = [p.path for p in info.value.problems]
    assert paths[0] == f"columns[{list(bad).index('revenue')}]"
    assert info.value.problems[0].message == f"column `revenue` has {n - 1} values, but the id column has {n}"
    assert "records[0].id" in paths
    # No id column: say which columns there are; id_column names another one.
    no_id = {k: v for k, v in cols.items() if k != "id"}
    with pytest.raises(perfscore.InputError, match="no id column"):
        plan.summarize_frame(no_id)
    renamed = {("emp" if k == "id" else k): v for k, v in cols.items()}
    assert plan.summarize_frame(renamed, id_column="emp").record_ids == cols["id"]
    # Int ids are written in digits, like record dicts.
    ints = dict(cols)
    ints["id"] = list(range(100, 100 + n))
    assert plan.summarize_frame(ints).record_ids == [str(i) for i in range(100, 100 + n)]
    # A nested `measures` column is no measure: ignored, so the plan's measures are missing
    # (one column per measure, as pandas.json_normalize makes); wrong input types are TypeErrors.
    with pytest.raises(perfscore.InputError, match="missing"):
        plan.summarize_frame({"id": ["a"], "measures": [{"revenue": 1}]})
    with pytest.raises(TypeError):
        plan.summarize_frame([{"id": "a"}])
    with pytest.raises(TypeError, match="expected a sequence"):
        plan.summarize_frame({"id": ["a"], "revenue": "12"})
    with pytest.raises(ValueError, match="threads"):
        plan.summarize_frame(cols, threads=0)


def test_empty_table():
    plan = perfscore.Plan.template("monthly-sales-rep")
    table = plan.summarize_frame({"id": [], "revenue": []})
    assert len(table) == 0 and table.totals == [] and table.record_ids == []


# --------------------------------------------------------------------------- pandas and plain mappings


def demo_team_frame(pd):
    """The bundled plan, the demo team as a pandas frame, and the table score_many gives."""
    plan = perfscore.Plan.template("monthly-sales-rep")
    team = plan.records_from_csv(perfscore.demo_team_csv())
    return plan, pd.DataFrame(columns_of(team)), expected_from_cards(plan.score_many(team))


def test_dataframe_inputs_and_output():
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    plan, df, expected = demo_team_frame(pd)
    assert got(plan.summarize_frame(df)) == expected
    # String columns (as read with dtype=str), float64 and int64 columns, an `id` index.
    as_str = df.astype({k: str for k in df.columns if k not in PERSON})
    assert got(plan.summarize_frame(as_str)) == expected
    as_num = df.copy()
    for m in ("revenue", "collected", "invoiced", "gross_profit", "revenue_target"):
        as_num[m] = as_num[m].astype("float64")
    for m in ("visits", "demos", "contracts"):
        as_num[m] = as_num[m].astype("int64")
    assert as_num["revenue"].dtype == np.float64 and as_num["visits"].dtype == np.int64
    assert got(plan.summarize_frame(as_num)) == expected
    assert got(plan.summarize_frame(df.set_index("id"))) == expected
    # NaN / pd.NA / None in a frame are missing values (here: the plan says `demos` is required).
    with_nan = as_num.copy()
    with_nan["demos"] = with_nan["demos"].astype("float64")
    with_nan.loc[1, "demos"] = np.nan
    with pytest.raises(perfscore.InputError, match="`demos` is missing"):
        plan.summarize_frame(with_nan)
    # A numpy float64 column crosses with NaN as NaN (no validity bitmap made): the same answer
    # as pyarrow's conversion of the same frame, where NaN becomes null. The teamwork rating is
    # optional (`missing: reweight`), so rows 0 and 2 are re-weighted, not refused.
    pa = pytest.importorskip("pyarrow")
    optional = as_num.copy()
    optional["teamwork_rating"] = optional["teamwork_rating"].astype("float64")
    optional.loc[[0, 2], "teamwork_rating"] = np.nan
    reweighted = got(plan.summarize_frame(optional))
    assert reweighted == got(plan.summarize_frame(pa.Table.from_pandas(optional)))
    assert reweighted["totals"][0] != expected["totals"][0] and reweighted["totals"][1] == expected["totals"][1]
    nullable = df.copy()
    nullable["demos"] = pd.array([None] + [int(x) for x in df["demos"][1:]], dtype="Int64")
    with pytest.raises(perfscore.InputError) as info:
        plan.summarize_frame(nullable)
    assert info.value.problems[0].path.startswith("records[0] (E001).indicators.")
    # inf in a float64 column is an error with its path.
    with_inf = as_num.copy()
    with_inf.loc[2, "revenue"] = np.inf
    with pytest.raises(perfscore.InputError) as info:
        plan.summarize_frame(with_inf)
    assert [p.path for p in info.value.problems] == ["records[2] (E003).revenue"]

    table = plan.summarize_frame(df, pay_plan=None)
    out = table.to_dataframe()
    assert list(out.columns) == ["record_id", "total", "grade", "grade_before_veto", "vetoed"]
    assert list(out["total"]) == expected["totals"] and all(isinstance(x, Decimal) for x in out["total"])
    assert list(out["record_id"]) == expected["record_ids"]
    assert list(out["grade"]) == expected["grades"]
    assert out["vetoed"].dtype == bool and list(out["vetoed"]) == expected["vetoed"]
    assert [None if (isinstance(x, float) and math.isnan(x)) else x for x in out["grade_before_veto"]] == expected["grade_before_veto"]


def test_text_columns_in_pyarrow_chunks_score_as_whole_columns():
    # pandas' read_csv keeps a `str` column in the pyarrow chunks it read; such a frame gives the
    # same table as the plain one (its chunks are joined before scoring, one part in all).
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    plan, df, expected = demo_team_frame(pd)
    chunked = df.copy()
    texts = [k for k in df.columns if not pd.api.types.is_numeric_dtype(df[k])]
    assert "id" in texts
    for k in texts:
        values = [None if v is None else str(v) for v in df[k]]
        parts = pa.chunked_array([values[:5], values[5:9], values[9:]], type=pa.string())
        chunked[k] = pd.Series(pd.arrays.ArrowExtensionArray(parts))
    assert chunked["id"].array._pa_array.num_chunks == 3
    assert got(plan.summarize_frame(chunked)) == expected
    assert got(plan.summarize_frame(chunked, pay_plan=None, threads=2)) == expected


def test_repr_and_html():
    plan = perfscore.Plan.template("monthly-sales-rep")
    table = plan.summarize_frame(demo_frame_columns(plan))
    assert repr(table) == "<SummaryTable 12 rows>"
    h = table._repr_html_()
    assert h.startswith('<div class="perfscore">') and "E001" in h and "119.16" in h and "12 people" in h
    # Phase timings exist only in the benchmark wheel (the `timings` cargo feature).
    assert not hasattr(table, "_timings")


def test_mapping_input_works_without_pandas():
    code = (
        "import sys; sys.modules['pandas'] = None\n"
        "import perfscore\n"
        "p = perfscore.Plan.template('monthly-sales-rep')\n"
        "team = p.records_from_csv(perfscore.demo_team_csv())\n"
        "cols = {'id': [r['id'] for r in team]}\n"
        "for m in team[0]['measures']:\n"
        "    cols[m] = tuple(r['measures'].get(m) for r in team)\n"
        "t = p.summarize_frame(cols)\n"
        "assert t.totals == [c.total for c in p.score_many(team)]\n"
        "assert t._repr_html_()\n"
        "try:\n    t.to_dataframe()\nexcept ImportError as e:\n    print('ok', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("ok")


# --------------------------------------------------------------------------- cells converted on the threads


def big_columns(plan, reps=50, revenue=str) -> dict:
    """The demo team × `reps` (distinct ids, revenue varied), cells as the CSV gives them: text
    (the varied revenue as `revenue(Decimal)`: text by default)."""
    cols = demo_frame_columns(plan)
    big = {k: [] for k in cols}
    for rep in range(reps):
        for i in range(len(cols["id"])):
            for k, vals in cols.items():
                v = vals[i]
                if k == "id":
                    v = f"{v}-{rep}"
                elif k == "revenue" and v is not None:
                    v = revenue(Decimal(v) + rep * 1000)
                big[k].append(v)
    return big


def records_of(cols: dict) -> list:
    return [{k: cols[k][i] for k in cols} for i in range(len(cols["id"]))]


def problems_of(plan, cols, **kw) -> list:
    with pytest.raises(perfscore.InputError) as info:
        plan.summarize_frame(cols, **kw)
    return [(p.path, p.message) for p in info.value.problems]


def test_text_cells_equal_decimal_cells_on_any_thread_count():
    plan = perfscore.Plan.template("monthly-sales-rep")
    big = big_columns(plan)
    as_text = {k: [None if v is None else str(v) for v in col] if k not in PERSON else col for k, col in big.items()}
    expected = expected_from_cards(plan.score_many(records_of(big)))
    for threads in (1, 2, 3, 7):
        assert got(plan.summarize_frame(as_text, threads=threads)) == expected
    # Longer columns (each column's text cut at the chunks' boundaries, across many 4 KiB blocks).
    longer = big_columns(plan, reps=400)
    one = got(plan.summarize_frame(longer, threads=1))
    assert len(one["totals"]) == 4800
    for threads in (2, 3, 5, 8, 13):
        assert got(plan.summarize_frame(longer, threads=threads)) == one


def test_mixed_object_columns():
    # One column holding text, Decimal, int, float, numpy-free missing markers and str subclasses,
    # in patterns that give the chunks all-text, mixed and text-free runs.
    class Text(str):
        pass

    plan = perfscore.Plan.template("monthly-sales-rep")
    big = big_columns(plan)
    n = len(big["id"])
    mixed = dict(big)
    kinds = [str, Decimal, int, Text]
    for m in ("revenue", "collected", "visits", "opportunities"):
        col = []
        for i, v in enumerate(big[m]):
            d = Decimal(str(v))
            kind = kinds[(i // 7) % len(kinds)] if i < n // 2 else kinds[i % len(kinds)]
            if kind is int and d != d.to_integral_value():
                kind = float
            col.append(kind(str(d)) if kind in (str, Text, Decimal) else kind(d))
        mixed[m] = col
    # The rating is optional (`missing: reweight`): None, NaN and text mix in it.
    mixed["teamwork_rating"] = [None if i % 5 == 0 else float("nan") if i % 5 == 1 else str(v)
                                for i, v in enumerate(big["teamwork_rating"])]
    # A column of no text at all, and one of text only up to the middle.
    mixed["demos"] = [int(v) for v in big["demos"]]
    mixed["contracts"] = [str(v) if i < n // 2 else int(v) for i, v in enumerate(big["contracts"])]
    # (In records NaN is an error; in a frame it is a missing value, like None.)
    as_records = dict(mixed, teamwork_rating=[None if isinstance(v, float) else v for v in mixed["teamwork_rating"]])
    expected = expected_from_cards(plan.score_many(records_of(as_records)))
    tables = [plan.summarize_frame(mixed, threads=t) for t in (1, 2, 5)]
    assert [got(t) for t in tables] == [expected] * 3
    assert [t.threads for t in tables] == [1, 2, 5]


def test_bad_text_cells_reported_in_row_order_from_every_thread():
    plan = perfscore.Plan.template("monthly-sales-rep")
    big = big_columns(plan)
    n = len(big["id"])
    names = list(big)
    bad = {k: list(v) for k, v in big.items()}
    bad["revenue"][n - 1] = "12,5"           # last chunk, text column
    bad["revenue"][3] = "abc"                # first chunk
    bad["visits"][3] = True                  # same row, a cell that needs Python
    bad["collected"][n // 2] = "1x3"         # middle of the table (a chunk boundary with threads=2)
    bad["collected"][n // 2 - 1] = float("inf")
    bad["demos"][10] = None                  # a missing cell: a scoring problem, not reported now
    bad["id"][5] = None                      # an id problem comes first in its row
    bad["contracts"][5] = ""                 # an empty text cell: missing, as in CSV
    one = problems_of(plan, bad, threads=1)
    for threads in (2, 3, 8):
        assert problems_of(plan, bad, threads=threads) == one
    rows = [int(p.split("[")[1].split("]")[0]) for p, _ in one]
    assert rows == sorted(rows) and set(rows) == {3, 5, n // 2 - 1, n // 2, n - 1}
    # Within a row, the id first, then the frame's column order.
    assert [p for p, _ in one if p.startswith("records[3] ")] == ["records[3] (E004-0).revenue", "records[3] (E004-0).visits"]
    assert [p for p, _ in one if p.startswith("records[5]")] == ["records[5].id"]
    # The messages are the ones score_many gives for the same cells.
    record_messages = {}
    for i in (3, n // 2 - 1, n // 2, n - 1):
        rec = {k: bad[k][i] for k in names}
        with pytest.raises(perfscore.InputError) as info:
            plan.score_many([rec])
        for p in info.value.problems:
            record_messages[(i, p.path.rsplit(".", 1)[1])] = p.message
    for path, message in one:
        row = int(path.split("[")[1].split("]")[0])
        field = path.rsplit(".", 1)[1]
        if (row, field) in record_messages and field != "visits":  # a bool: by its text here
            # The list path reads JSON values (`true`, the marker `Infinity`); the frame path still
            # spells Python's (`True`, `inf`) until it reads through the core's input layer too.
            python_spelling = {"(True)": "(true)", "-inf is": "-Infinity is", "inf is": "Infinity is"}
            for python, json_spelling in python_spelling.items():
                if python in message and json_spelling not in message:
                    message = message.replace(python, json_spelling)
            assert record_messages[(row, field)] == message
    assert ("records[3] (E004-0).revenue", "`abc` is not a number") in one
    # A problem of the table as a whole comes first, the cells' problems after it, all at once.
    short = dict(bad)
    short["margin_target"] = big["margin_target"][:-1]
    both = problems_of(plan, short, threads=2)
    assert both[0][0] == f"columns[{names.index('margin_target')}]"
    assert both[0][1].startswith("column `margin_target` has ")
    assert both[1:] == one
    assert problems_of(plan, short, threads=1) == both


def test_text_with_the_separator_or_unencodable_text():
    plan = perfscore.Plan.template("monthly-sales-rep")
    big = big_columns(plan, reps=2)
    cols = {k: list(v) for k, v in big.items()}
    cols["revenue"][1] = "12\x1f5"
    cols["revenue"][2] = "\x1f"
    cols["visits"][4] = Decimal("3")  # mixed column holding the separator too
    cols["visits"][5] = "4\x1f"
    for threads in (1, 2):
        problems = problems_of(plan, cols, threads=threads)
        assert [p for p, _ in problems] == [
            "records[1] (E002-0).revenue",
            "records[2] (E003-0).revenue",
            "records[5] (E006-0).visits",
        ]
        assert "12\x1f5" in problems[0][1] and "4\x1f" in problems[2][1]
    # Messages as score_many gives them for the same text.
    with pytest.raises(perfscore.InputError) as info:
        plan.score_many([{k: cols[k][1] for k in cols}])
    assert info.value.problems[0].message == problems_of(plan, cols)[0][1]
    # A lone surrogate cannot be encoded: the same UnicodeEncodeError as before, from any column kind.
    for other in (None, Decimal("1"), 5):
        cols = {k: list(v) for k, v in big.items()}
        cols["revenue"][3] = "1\udc80"
        cols["revenue"][0] = other if other is not None else cols["revenue"][0]
        for threads in (1, 2):
            with pytest.raises(UnicodeEncodeError, match="position 1"):
                plan.summarize_frame(cols, threads=threads)


def test_numpy_columns_on_threads():
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    plan = perfscore.Plan.template("monthly-sales-rep")
    big = big_columns(plan)
    expected = expected_from_cards(plan.score_many(records_of(big)))
    df = pd.DataFrame(big)
    for m in ("revenue", "collected", "invoiced", "gross_profit", "revenue_target"):
        df[m] = df[m].astype("float64")
    for m in ("visits", "demos"):
        df[m] = df[m].astype("int64")
    df["contracts"] = df["contracts"].astype("uint64")
    assert got(plan.summarize_frame(df, threads=1)) == got(plan.summarize_frame(df, threads=2)) == expected
    n = len(df)
    df.loc[n - 2, "revenue"] = np.inf
    df.loc[1, "invoiced"] = -np.inf
    df.loc[n // 2, "gross_profit"] = np.nan  # missing: a scoring problem, not reported with these
    one = problems_of(plan, df, threads=1)
    assert problems_of(plan, df, threads=2) == one
    assert one == [
        (f"records[1] ({big['id'][1]}).invoiced", "-inf is not a finite number"),
        (f"records[{n - 2}] ({big['id'][n - 2]}).revenue", "inf is not a finite number"),
    ]


def test_many_bad_ids_are_listed_to_the_limit_and_counted():
    # Empty and missing ids are both empty: the first 1,000 in row order, then the count of the
    # rest, on any number of threads.
    plan = perfscore.Plan.template("monthly-sales-rep")
    cols = big_columns(plan, reps=250)
    n = len(cols["id"])
    cols["id"] = [None if i % 2 else "" for i in range(n)]
    for threads in (1, 2):
        with pytest.raises(perfscore.InputError) as info:
            plan.summarize_frame(cols, threads=threads)
        problems = info.value.problems
        assert len(problems) == 1001
        assert [(p.path, p.message) for p in problems[:2]] == [
            ("records[0].id", "record id is empty"),
            ("records[1].id", "record id is empty"),
        ]
        assert problems[-1].message == f"{n - 1000} more problems not listed"
