"""Score a Dask DataFrame partition by partition: ``perfscore.dask.summarize(plan, ddf)``.

Each pandas partition goes to ``Plan.summarize_frame`` on one thread (Dask's workers already run
one task per core); the plan and pay plan travel by pickling their documents. The result is a
Dask DataFrame of ``record_id``, ``total``, ``grade``, ``grade_before_veto``, ``vetoed`` and, with
a pay plan, ``pay``, exact decimals as pyarrow-backed columns, with its ``meta`` given (Dask does
not run the plan on made-up rows). Ids must be unique within each partition."""

from __future__ import annotations

from typing import Any, Optional

from ._results import result_schema, summarize_to_arrow


def summarize(
    plan: Any,
    ddf: Any,
    *,
    pay_plan: Optional[Any] = None,
    id_column: Optional[str] = None,
    options: Any = None,
) -> Any:
    """``ddf`` scored partition by partition; see the module docs."""
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]

    meta = result_schema(plan, pay_plan).empty_table().to_pandas(types_mapper=pd.ArrowDtype)
    return ddf.map_partitions(_score, plan, pay_plan, id_column, options, meta=meta)


def _score(partition: Any, plan: Any, pay_plan: Optional[Any], id_column: Optional[str], options: Any) -> Any:
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]

    table = summarize_to_arrow(partition, plan, pay_plan, id_column, options)
    return table.to_pandas(types_mapper=pd.ArrowDtype)
