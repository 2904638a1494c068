"""Score a Spark DataFrame on Spark's executors: ``perfscore.spark.summarize(plan, df)``.

Each partition goes to ``Plan.summarize_frame`` as Arrow batches (``mapInArrow``), one thread per
task, the plan and pay plan shipped to the workers by pickling their documents. The result is a
Spark DataFrame of ``record_id``, ``total`` (``decimal(38, plan.scale)``), ``grade``,
``grade_before_veto``, ``vetoed`` and, with a pay plan, ``pay`` (``decimal(38, minor units)``),
exactly the numbers of one process. Ids must be unique within each partition (repeats across
partitions are not seen: check them in Spark first if the source may repeat them)."""

from __future__ import annotations

from typing import Any, Iterator, Optional

from ._results import result_schema, summarize_to_arrow


def summarize(
    plan: Any,
    df: Any,
    *,
    pay_plan: Optional[Any] = None,
    id_column: Optional[str] = None,
    options: Any = None,
) -> Any:
    """``df`` scored partition by partition; see the module docs."""
    schema = result_schema(plan, pay_plan)

    def score(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

        for batch in batches:
            frame = pa.Table.from_batches([batch])
            yield from summarize_to_arrow(frame, plan, pay_plan, id_column, options).to_batches()

    return df.mapInArrow(score, _ddl(schema))


def _ddl(schema: Any) -> str:
    """A pyarrow schema of the types above as Spark's DDL."""
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

    def spark_type(t: Any) -> str:
        if pa.types.is_decimal(t):
            return f"decimal({t.precision},{t.scale})"
        return {pa.string(): "string", pa.bool_(): "boolean"}[t]

    return ", ".join(f"{f.name} {spark_type(f.type)}" for f in schema)
