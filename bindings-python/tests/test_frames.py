"""Every kind of table an analyst holds reads the same: the demo team's export (a CSV with the
legacy headers 工号 / 姓名, Chinese measure aliases and a notes column 备注) as pandas (NumPy,
nullable and pyarrow dtypes), pyarrow, polars, DuckDB and a plain mapping gives exactly the totals,
grades and pay of the CSV text itself, read by the core's CSV reader; the notes column is ignored
and listed, as the CSV reader ignores it."""

import csv
import io
from decimal import Decimal

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv
import pytest

import perfscore
from conftest import DEMO_PAY_PLAN, load_vector

CSV = perfscore.demo_team_csv()
PLAN = perfscore.Plan.template("monthly-sales-rep")


def expected():
    """The reference: the CSV text read by the core's CSV reader, scored record by record."""
    cards = PLAN.score_many(PLAN.records_from_csv(CSV))
    return {
        "ids": [c.record_id for c in cards],
        "totals": [c.total for c in cards],
        "grades": [c.grade for c in cards],
    }


def summary(table):
    return {"ids": table.record_ids, "totals": table.totals, "grades": table.grades}


def mapping():
    rows = list(csv.reader(io.StringIO(CSV)))
    return {h: [r[k] for r in rows[1:]] for k, h in enumerate(rows[0])}


def duckdb_relation(tmp_path):
    path = tmp_path / "demo.csv"
    path.write_text(CSV, encoding="utf-8")
    return duckdb.sql(f"select * from read_csv('{path}', header = true)")


FRAMES = {
    "pandas": lambda tmp: pd.read_csv(io.StringIO(CSV)),
    "pandas_nullable": lambda tmp: pd.read_csv(io.StringIO(CSV), dtype_backend="numpy_nullable"),
    "pandas_pyarrow": lambda tmp: pd.read_csv(io.StringIO(CSV), dtype_backend="pyarrow"),
    "pandas_text": lambda tmp: pd.read_csv(io.StringIO(CSV), dtype=str),
    "pyarrow": lambda tmp: pyarrow.csv.read_csv(io.BytesIO(CSV.encode())),
    "polars": lambda tmp: pl.read_csv(io.StringIO(CSV)),
    "polars_text": lambda tmp: pl.read_csv(io.StringIO(CSV), infer_schema=False),
    "duckdb": duckdb_relation,
    "mapping": lambda tmp: mapping(),
    # pandas Series of every dtype pandas gives a CSV (StringDtype text, int64, float64).
    "mapping_of_series": lambda tmp: dict(pd.read_csv(io.StringIO(CSV)).items()),
}


@pytest.mark.parametrize("kind", sorted(FRAMES))
def test_every_input_kind_reads_as_the_csv(kind, tmp_path):
    frame = FRAMES[kind](tmp_path)
    table = PLAN.summarize_frame(frame)
    assert summary(table) == expected()
    # 工号 is the id, 姓名 / team / department / branch are attributes, 备注 is not read.
    assert table.ignored_columns == ["备注"]
    # With a pay plan the frame is read into a table of decimals first (pay reads it); without,
    # the kernel reads the columns as they are: the same totals either way.
    pay_plan = perfscore.PayPlan.from_dict(DEMO_PAY_PLAN, PLAN)
    paid = PLAN.summarize_frame(FRAMES[kind](tmp_path), pay_plan=pay_plan)
    assert paid.record_ids == expected()["ids"] and paid.totals == expected()["totals"]


def test_pay_from_a_polars_frame_equals_the_statements():
    pay_plan = perfscore.PayPlan.from_dict(
        DEMO_PAY_PLAN,
        PLAN,
    )
    records = PLAN.records_from_csv(CSV)
    statements = pay_plan.statements(records)
    table = PLAN.summarize_frame(pl.read_csv(io.StringIO(CSV)), pay_plan=pay_plan)
    assert table.pay == [s.total for s in statements]


def test_decimal_columns_read_exactly_at_their_scale():
    # DECIMAL(18, 2) (units fit 64 bits) and DECIMAL(38, 2) holding 10^20 (they do not): both
    # exact, the second through its text. 1,046,800.00 is E001's revenue in the export.
    ids = pa.array(["E001", "E002"])
    small = pa.array([Decimal("1046800.00"), None], type=pa.decimal128(18, 2))
    big = pa.array([Decimal("100000000000000000000.00"), Decimal("0.01")], type=pa.decimal128(38, 2))
    frame = pa.table({"id": ids, "revenue": small, "collected": big})
    with pytest.raises(perfscore.InputError) as info:
        PLAN.summarize_frame(frame)
    # Scoring needs the other measures; the reading itself took both columns.
    assert all("records[" in p.path for p in info.value.problems)
    # Compared through the record path with the same values as text.
    records = PLAN.records_from_csv("id,revenue,collected\nE001,1046800.00,100000000000000000000.00\nE002,,0.01\n")
    with pytest.raises(perfscore.InputError) as by_csv:
        PLAN.score_many(records)
    assert [p.path for p in info.value.problems] == [p.path for p in by_csv.value.problems]


def test_integer_widths_and_an_all_missing_column():
    # uint8 visits and int32 new customers read as the CSV does.
    base = pl.read_csv(io.StringIO(CSV))
    narrow = base.with_columns(pl.col("拜访次数").cast(pl.UInt8), pl.col("新客户数").cast(pl.Int32))
    assert summary(PLAN.summarize_frame(narrow)) == expected()
    # A column of nulls is missing everywhere: the margin target, which the plan requires, is
    # then reported person by person exactly as for an export without that column.
    empty = base.with_columns(pl.lit(None, dtype=pl.Float64).alias("毛利目标"))
    with pytest.raises(perfscore.InputError) as by_frame:
        PLAN.summarize_frame(empty)
    with pytest.raises(perfscore.InputError) as by_csv:
        PLAN.score_many(PLAN.records_from_csv(CSV.replace("毛利目标", "unused")))
    problems = [(p.path, p.message) for p in by_frame.value.problems]
    assert len(problems) == 12 and problems == [(p.path, p.message) for p in by_csv.value.problems]


def test_an_untyped_all_null_polars_column_reads_like_an_empty_column():
    # polars types a column of bare Nones as `Null`, which it exports in a form arrow-rs refuses;
    # it is read as empty text: an unread notes column is ignored, a measure is missing.
    base = pl.read_csv(io.StringIO(CSV))
    notes = base.with_columns(pl.lit(None).alias("notes"))
    assert notes.schema["notes"] == pl.Null
    table = PLAN.summarize_frame(notes)
    assert summary(table) == expected()
    assert table.ignored_columns == ["备注", "notes"]
    assert [t for part in PLAN.iter_summaries(notes) for t in part.totals] == expected()["totals"]
    empty = base.with_columns(pl.lit(None).alias("毛利目标"))
    with pytest.raises(perfscore.InputError) as info:
        PLAN.summarize_frame(empty)
    assert len(info.value.problems) == 12 and all("gross_margin" in p.path for p in info.value.problems)


def test_a_bad_cell_is_located_by_its_header_in_every_kind():
    # Row 2 (E003)'s 销售额 written as text that is no number: the same problem from pandas
    # (an object column), polars (a text column) and the CSV reader (by line and header).
    frame = pd.read_csv(io.StringIO(CSV), dtype={"销售额": str})
    frame.loc[2, "销售额"] = "12x"
    with pytest.raises(perfscore.InputError) as from_pandas:
        PLAN.summarize_frame(frame)
    with pytest.raises(perfscore.InputError) as from_polars:
        PLAN.summarize_frame(pl.from_pandas(frame))
    expected_problem = ("records[2] (E003).销售额", "`12x` is not a number", "not_a_number")
    for info in (from_pandas, from_polars):
        (p,) = info.value.problems
        assert (p.path, p.message, p.kind) == expected_problem


def test_a_column_that_cannot_hold_numbers_is_a_type_error():
    frame = pa.table({"id": ["E001"], "revenue": pa.array([[1, 2]])})
    with pytest.raises(TypeError, match="column `revenue`"):
        PLAN.summarize_frame(frame)


def test_results_as_arrow_polars_and_pandas_keep_exact_decimals():
    table = PLAN.summarize_frame(pl.read_csv(io.StringIO(CSV)))
    arrow = table.to_arrow()
    assert arrow.column_names == ["record_id", "total", "grade", "grade_before_veto", "vetoed"]
    # The plan rounds totals to 2 places: decimal128(38, 2), the same Decimals as `totals`.
    assert arrow.schema.field("total").type == pa.decimal128(38, 2)
    assert arrow.column("total").to_pylist() == table.totals
    assert arrow.column("grade").to_pylist() == table.grades
    assert arrow.column("vetoed").to_pylist() == table.vetoed
    assert arrow.column("grade_before_veto").to_pylist() == table.grade_before_veto
    assert arrow.column("record_id").to_pylist() == table.record_ids
    # Through the PyCapsule interface directly: pyarrow, polars and DuckDB read the table itself.
    assert pa.table(table).equals(arrow)
    polars = table.to_polars()
    assert polars["total"].dtype == pl.Decimal(38, 2)
    assert polars["total"].to_list() == table.totals
    assert pl.DataFrame(table)["record_id"].to_list() == table.record_ids
    summary_table = table  # DuckDB finds Python variables by name
    assert duckdb.sql("select count(*), sum(total) from summary_table").fetchall() == [(len(table), sum(table.totals))]
    # pandas: exact pyarrow-backed decimals, or floats that plot and take quantiles.
    exact = table.to_pandas()
    assert list(exact["total"]) == table.totals
    floats = table.to_pandas(floats=True)
    assert floats["total"].dtype == "float64"
    assert floats["total"].tolist() == [float(t) for t in table.totals]
    assert floats["total"].quantile(0.5) == float(pd.Series([float(t) for t in table.totals]).quantile(0.5))


def test_ids_in_any_script_and_of_any_length_come_back_in_order_through_arrow():
    # The id column is handed to Arrow as the ids' one buffer and their ends: multi-byte text,
    # a one-character id and a long one keep their bytes and their order.
    frame = pd.read_csv(io.StringIO(CSV), dtype={"工号": str})
    ids = ["王伟", "Zoë-7", "x", "E" * 300, "李娜 (北京)", "🙂"]
    frame = frame.head(len(ids)).assign(工号=ids)
    table = PLAN.summarize_frame(frame)
    assert table.record_ids == ids
    assert table.to_arrow().column("record_id").to_pylist() == ids
    assert table.to_polars()["record_id"].to_list() == ids


def test_pay_column_is_exact_at_the_currencys_scale():
    pay_plan = perfscore.PayPlan.from_dict(
        DEMO_PAY_PLAN,
        PLAN,
    )
    table = PLAN.summarize_frame(pl.read_csv(io.StringIO(CSV)), pay_plan=pay_plan)
    arrow = table.to_arrow()
    assert arrow.column("pay").to_pylist() == table.pay
    assert table.to_arrow(floats=True).schema.field("pay").type == pa.float64()


def test_plans_pay_plans_and_feedback_pickle_through_their_documents():
    import pickle

    pay_plan = perfscore.PayPlan.from_dict(
        {"id": "p", "currency": {"code": "CNY"}, "performance_pay": {"base": 3000, "coefficient": {"by_grade": {"S": 1.5, "A": 1.2, "B": 1.0, "C": 0.8, "D": 0}}}},
        PLAN,
    )
    plan2, pay2 = pickle.loads(pickle.dumps((PLAN, pay_plan)))
    assert plan2.to_json() == PLAN.to_json() and pay2.to_json() == pay_plan.to_json()
    frame = pl.read_csv(io.StringIO(CSV))
    a = PLAN.summarize_frame(frame, pay_plan=pay_plan)
    b = plan2.summarize_frame(frame, pay_plan=pay2)
    assert (a.totals, a.grades, a.pay) == (b.totals, b.grades, b.pay)
    fb = perfscore.Feedback.from_dict(load_vector("feedback/feedback-example")["feedback"])
    assert pickle.loads(pickle.dumps(fb)).to_json() == fb.to_json()


def test_compiled_documents_stand_for_their_documents_in_requests():
    # A PayPlan object where an operation takes a pay plan document: the same answer as its dict.
    pay_doc = {"id": "p", "currency": {"code": "CNY"}, "performance_pay": {"base": 3000, "coefficient": {"by_grade": {"S": 1.5, "A": 1.2, "B": 1.0, "C": 0.8, "D": 0}}}}
    pay_plan = perfscore.PayPlan.from_dict(pay_doc, PLAN)
    records = PLAN.records_from_csv(CSV)
    by_object = PLAN.period_results(records, "2026-06", pay_plan=pay_plan)
    by_dict = PLAN.period_results(records, "2026-06", pay_plan=pay_doc)
    assert by_object == by_dict
