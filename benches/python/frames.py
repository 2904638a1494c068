"""Python, one table from every kind of frame an analyst holds: N people (the bench generator's
CSV, default 1,000,000) loaded as pandas (NumPy dtypes), pandas (pyarrow dtypes), pyarrow, polars
and DuckDB, then scored by ``plan.summarize_frame`` with a pay plan (total, grade, pay) and
without one (total and grade: the kernel straight from the columns), each kind in its own process so its peak memory is its own; side by side with
pandas and polars computing the same plan in float64 (``baselines.py``).

    python benches/python/frames.py FILE.csv [REPEAT]

Loading is not timed (every side starts from its frame). Peak memory is the process's maximum
resident set (``ru_maxrss``) after the run, loading included. Exactness: every kind's totals equal
the pandas (NumPy) kind's, and the float baselines' wrong totals are counted against them. Prints
one JSON object.
"""

import json
import os
import resource
import subprocess
import sys

KINDS = ["pandas", "pandas_pyarrow", "pyarrow", "polars", "duckdb"]
BASELINES = ["pandas_float64", "polars_float64"]


def load(kind, path):
    if kind == "pandas":
        import pandas as pd

        return pd.read_csv(path, dtype={"id": str})
    if kind == "pandas_pyarrow":
        import pandas as pd

        return pd.read_csv(path, dtype_backend="pyarrow", engine="pyarrow")
    if kind == "pyarrow":
        import pyarrow.csv

        return pyarrow.csv.read_csv(path)
    if kind == "polars":
        import polars as pl

        return pl.read_csv(path)
    if kind == "duckdb":
        import duckdb

        return duckdb.sql(f"select * from read_csv('{path}', header = true)")
    raise SystemExit(f"unknown kind {kind}")


def one(kind, path, repeat):
    """Run one kind in this process; print its JSON line."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import perfscore
    from compare import best_of, pay_plan_json

    plan = perfscore.Plan.template("monthly-sales-rep")
    pay = perfscore.PayPlan.from_json(pay_plan_json(), plan)
    out = {"kind": kind}
    if kind in BASELINES:
        import baselines

        frame = load("polars" if kind == "polars_float64" else "pandas", path)
        fn = baselines.polars_float if kind == "polars_float64" else baselines.pandas_float
        out["seconds"], result = best_of(lambda: fn(frame), repeat)
        totals = result["total"].to_list() if kind == "polars_float64" else result["total"].tolist()
        out["totals"] = [f"{t:.2f}" for t in totals]
    else:
        frame = load(kind, path)
        out["summarize_frame_s"], table = best_of(lambda: plan.summarize_frame(frame, pay_plan=pay), repeat)
        out["totals_only_s"], _ = best_of(lambda: plan.summarize_frame(frame), repeat)
        out["totals"] = [f"{t:.2f}" for t in table.totals]
    out["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(out))


def main():
    if len(sys.argv) > 3 and sys.argv[1] == "--one":
        one(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    path = sys.argv[1]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    runs = {}
    for kind in KINDS + BASELINES:
        done = subprocess.run(
            [sys.executable, __file__, "--one", kind, path, str(repeat)], check=True, capture_output=True, text=True
        )
        runs[kind] = json.loads(done.stdout)
    reference = runs["pandas"]["totals"]
    report = {"n": len(reference), "repeat_best_of": repeat, "kinds": {}, "baselines": {}}
    for kind in KINDS:
        r = runs[kind]
        report["kinds"][kind] = {
            "summarize_frame_s": round(r["summarize_frame_s"], 3),
            "totals_only_s": round(r["totals_only_s"], 3),
            "peak_mb": r["peak_mb"],
            "same_totals_as_pandas": r["totals"] == reference,
        }
    for kind in BASELINES:
        r = runs[kind]
        report["baselines"][kind] = {
            "seconds": round(r["seconds"], 3),
            "peak_mb": r["peak_mb"],
            "wrong_totals": sum(a != b for a, b in zip(r["totals"], reference)),
        }
    print(json.dumps(report, indent=1))
    if not all(k["same_totals_as_pandas"] for k in report["kinds"].values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
