"""The Arrow schema of a summary table, fixed by the plan and pay plan alone, for engines that
need it before any data is seen (Spark's ``mapInArrow``, Dask's ``meta``): totals at the plan's
scale, pay at the currency's, grades as text."""

from __future__ import annotations

from typing import Any, Optional


def result_schema(plan: Any, pay_plan: Optional[Any] = None) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

    fields = [
        ("record_id", pa.string()),
        ("total", pa.decimal128(38, plan.scale)),
        ("grade", pa.string()),
        ("grade_before_veto", pa.string()),
        ("vetoed", pa.bool_()),
    ]
    if pay_plan is not None:
        fields.append(("pay", pa.decimal128(38, pay_plan.minor_units)))
    return pa.schema(fields)


def summarize_to_arrow(frame: Any, plan: Any, pay_plan: Optional[Any], id_column: Optional[str], options: Any) -> Any:
    """One partition scored on one thread (the engine runs one task per core), as a pyarrow
    Table of exactly ``result_schema``: a widening cast only (dictionary grades to text, decimals
    to the fixed scale they already fit), so no value changes."""
    table = plan.summarize_frame(frame, id_column=id_column, options=options, pay_plan=pay_plan, threads=1)
    return table.to_arrow().cast(result_schema(plan, pay_plan))
