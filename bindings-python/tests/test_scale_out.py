"""Scale-out on engines analysts already run: the demo export scored by Spark (local mode, the
machine's Java) and Dask (process scheduler, so the plan really travels by pickling) equals the
single-process ``summarize_frame`` byte for byte, pay included, across several partitions."""

import io
import os
import sys

import pandas as pd
import pyarrow as pa
import pytest

import perfscore
from conftest import DEMO_PAY_PLAN
import perfscore.dask
import perfscore.spark

CSV = perfscore.demo_team_csv()
PLAN = perfscore.Plan.template("monthly-sales-rep")
PAY = perfscore.PayPlan.from_dict(
    DEMO_PAY_PLAN,
    PLAN,
)


def single_process() -> pa.Table:
    frame = pd.read_csv(io.StringIO(CSV))
    table = PLAN.summarize_frame(frame, pay_plan=PAY)
    return table.to_arrow().cast(perfscore.spark.result_schema(PLAN, PAY))


def test_result_schema_is_fixed_by_the_plans():
    schema = perfscore.spark.result_schema(PLAN, PAY)
    assert [str(f.type) for f in schema] == ["string", "decimal128(38, 2)", "string", "string", "bool", "decimal128(38, 2)"]
    assert perfscore.spark._ddl(schema) == (
        "record_id string, total decimal(38,2), grade string, grade_before_veto string, "
        "vetoed boolean, pay decimal(38,2)"
    )


@pytest.fixture(scope="module")
def spark():
    pyspark_sql = pytest.importorskip("pyspark.sql")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("perfscore-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_equals_one_process(spark, tmp_path):
    path = tmp_path / "demo.csv"
    path.write_text(CSV, encoding="utf-8")
    # Spark reads the export itself (numbers inferred as doubles) in three partitions.
    df = spark.read.csv(str(path), header=True, inferSchema=True).repartition(3)
    scored = perfscore.spark.summarize(PLAN, df, pay_plan=PAY)
    got = scored.toArrow().cast(perfscore.spark.result_schema(PLAN, PAY))
    order = pa.compute.sort_indices(got, sort_keys=[("record_id", "ascending")])
    assert got.take(order).equals(single_process())


def test_dask_equals_one_process():
    dd = pytest.importorskip("dask.dataframe")
    import dask

    frame = pd.read_csv(io.StringIO(CSV))
    ddf = dd.from_pandas(frame, npartitions=3)
    scored = perfscore.dask.summarize(PLAN, ddf, pay_plan=PAY)
    with dask.config.set(scheduler="processes"):
        got = scored.compute()
    assert list(got.columns) == ["record_id", "total", "grade", "grade_before_veto", "vetoed", "pay"]
    got = pa.Table.from_pandas(got.reset_index(drop=True), preserve_index=False)
    assert got.cast(perfscore.dask.result_schema(PLAN, PAY)).equals(single_process())
