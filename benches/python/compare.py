"""Python end to end: pandas DataFrame -> result DataFrame (record_id, total, grade, pay).

    python benches/python/compare.py [N] [--csv FILE] [--decimal-max M] [--repeat R]

Generates N people (default 100000, seed 42) with the Rust generator
(`target/release/generate`, built by `cargo build --release -p perfscore-benches`) unless
`--csv` gives a file, then times, on the same data:

* perfscore (the measured path): `plan.summarize_frame(df_str, pay_plan=pay).to_dataframe()`, the
  columnar path (string columns in, Decimal out: exact; scores and pay in one pass, GIL released,
  default thread count), with a breakdown of its phases (`SummaryTable._timings` plus
  `to_dataframe()`), the same on one thread, and the same from the float64 frame;
* perfscore's fast exact path, `plan.summarize_frame(df_float).to_pandas()` without a pay plan
  (totals and grades only, exact `decimal128[pyarrow]` columns: the kernel reads the float64
  frame's columns as they are), default threads and one thread;
* perfscore, the record path (secondary, to show the change): `plan.score_many(df).to_dataframe()`
  plus `PayPlan.statements(df).to_dataframe()` joined into one result frame (timed once);
* (a) the vectorised pandas float64 baseline (float64 columns in), and the same in polars
  float64 expressions (read by polars' own CSV reader, not timed);
* (b) the plain Python Decimal loop (string columns in), on all N people unless `--decimal-max`
  says fewer (then extrapolated per person to N).

Checks perfscore == an exact-rational reference (fractions.Fraction) on (b)'s rows (totals, grades, pay; exits 1 on any mismatch), that
the record path and the float64-frame path give the same result as the measured path on all rows,
and counts how many of (a)'s rounded totals, grades and pays differ from perfscore. Prints one JSON
object. CSV parsing is not timed (every side starts from a loaded DataFrame).
"""

import argparse
import gc
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

import pandas as pd
import polars as pl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import baselines  # noqa: E402
import perfscore  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def pay_plan_json() -> str:
    src = open(os.path.join(ROOT, "benches", "src", "lib.rs"), encoding="utf-8").read()
    m = re.search(r'PAY_PLAN_JSON: &str = r#"(.*?)"#;', src, re.S)
    if not m:
        raise SystemExit("PAY_PLAN_JSON not found in benches/src/lib.rs")
    return m.group(1)


def best_of(fn, repeat):
    best, out = None, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        best = dt if best is None or dt < best else best
    return best, out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=100_000)
    ap.add_argument("--csv")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--decimal-max", type=int, default=None, help="run (b) on at most M people (default: all)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    path = args.csv
    tmp = None
    if path is None:
        gen = os.path.join(ROOT, "target", "release", "generate")
        tmp = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)
        subprocess.run([gen, str(args.n), str(args.seed)], stdout=tmp, check=True)
        tmp.close()
        path = tmp.name
    df_str = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    df_str = df_str.astype(object).where(df_str.notna(), None)
    df_float = pd.read_csv(path, dtype={"id": str})
    df_polars = pl.read_csv(path, schema_overrides={"id": pl.String})
    if tmp is not None:
        os.unlink(tmp.name)
    n = len(df_str)

    plan = perfscore.Plan.template("monthly-sales-rep")
    pay_plan = perfscore.PayPlan.from_json(pay_plan_json(), plan)

    def run_perfscore(threads=None, frame=None):
        table = plan.summarize_frame(df_str if frame is None else frame, pay_plan=pay_plan, threads=threads)
        t0 = time.perf_counter()
        out = table.to_dataframe()
        return out, table, time.perf_counter() - t0

    def run_record_path():
        scores = plan.score_many(df_str).to_dataframe()[["record_id", "total", "grade"]]
        pay = pay_plan.statements(df_str).to_dataframe()
        scores["pay"] = pay["total"].values
        return scores

    t_ps, (res_ps, table, t_todf) = best_of(run_perfscore, args.repeat)
    # Phase timings exist only in the benchmark wheel (the `timings` cargo feature); the smoke
    # run uses the test build, which reads no clock.
    phases = dict(getattr(table, "_timings", {}))
    phases["to_dataframe"] = t_todf
    threads_used = table.threads
    t_ps_1, _ = best_of(lambda: run_perfscore(threads=1), args.repeat)
    t_ps_float, (res_ps_float, _, _) = best_of(lambda: run_perfscore(frame=df_float), args.repeat)
    del table
    gc.disable()
    try:
        t_nogc, _ = best_of(run_perfscore, 1)
    finally:
        gc.enable()
    t_old, res_old = best_of(run_record_path, 1)
    # The fast exact path (totals and grades only, no pay): the compiled kernel from the float64
    # frame's columns.
    t_tf, res_tf = best_of(lambda: plan.summarize_frame(df_float).to_pandas(), args.repeat)
    t_tf_1, _ = best_of(lambda: plan.summarize_frame(df_float, threads=1).to_pandas(), args.repeat)
    t_pd, res_pd = best_of(lambda: baselines.pandas_float(df_float), args.repeat)
    t_pl, res_pl = best_of(lambda: baselines.polars_float(df_polars), args.repeat)
    m = n if args.decimal_max is None else min(n, args.decimal_max)
    sub = df_str.iloc[:m]
    t_dec_sub, res_dec = best_of(lambda: baselines.decimal_loop(sub), 1)
    t_dec = t_dec_sub / m * n

    cols = ["record_id", "total", "grade", "pay"]
    ps_rows = list(zip(*(res_ps[c].tolist() for c in cols)))

    # exactness: perfscore == the exact-rational reference (fractions.Fraction, rounded once) on
    # the loop's rows; the 60-digit Decimal loop's own drift from it is reported beside.
    res_exact = baselines.exact_loop(sub)
    mismatches = []
    exact_rows = list(zip(*(res_exact[c].tolist() for c in cols)))
    for a, b in zip(ps_rows[:m], exact_rows):
        if a[0] != b[0] or a[1] != b[1] or a[2] != b[2] or a[3] != b[3]:
            mismatches.append({"record_id": a[0],
                               "perfscore": [str(a[1]), a[2], str(a[3])],
                               "exact": [str(b[1]), b[2], str(b[3])]})
    if len(res_exact) != m:
        mismatches.append({"record_id": None, "perfscore": [m], "exact": [len(res_exact)]})
    # The totals-only path against the same reference (totals and grades).
    exact_tg = list(zip(res_exact["total"].tolist(), res_exact["grade"].tolist()))
    totals_rows = list(zip(res_tf["total"].tolist(), res_tf["grade"].tolist()))[:m]
    totals_mismatches = sum(1 for a, b in zip(totals_rows, exact_tg) if a != b) + abs(len(totals_rows) - len(exact_tg))
    if totals_mismatches:
        mismatches.append({"record_id": None, "perfscore": ["summarize_frame without pay differs", totals_mismatches],
                           "exact": ["fractions.Fraction", m]})
    dec_rows = list(zip(*(res_dec[c].tolist() for c in cols)))
    decimal_drift = sum(1 for a, b in zip(exact_rows, dec_rows) if a[1] != b[1] or a[2] != b[2])

    # the record path and the float64-frame input give the very same table (text included: 74.40)
    def same(res):
        rows = list(zip(*(res[c].tolist() for c in cols)))
        return sum(1 for a, b in zip(ps_rows, rows)
                   if a[0] != b[0] or str(a[1]) != str(b[1]) or a[2] != b[2] or str(a[3]) != str(b[3])) \
            + abs(len(rows) - len(ps_rows))
    old_diff = same(res_old)
    float_diff = same(res_ps_float)
    if old_diff or float_diff:
        mismatches.append({"record_id": None, "perfscore": ["record path differs", old_diff],
                           "exact": ["float64 frame differs", float_diff]})

    # how far the float64 analyst version drifts from the exact result
    ps_tot = [Decimal(x) for x in res_ps["total"]]
    pd_tot = [Decimal(f"{x:.2f}") for x in res_pd["total"]]
    tot_diff = sum(1 for a, b in zip(ps_tot, pd_tot) if a != b)
    grade_diff = int((res_ps["grade"].values != res_pd["grade"].values).sum())
    pay_diff = sum(1 for a, b in zip(res_ps["pay"], res_pd["pay"]) if Decimal(a) != Decimal(f"{b:.2f}"))
    pl_tot = [Decimal(f"{x:.2f}") for x in res_pl["total"].to_list()]
    pl_tot_diff = sum(1 for a, b in zip(ps_tot, pl_tot) if a != b)
    pl_grade_diff = sum(1 for a, b in zip(res_ps["grade"].tolist(), res_pl["grade"].to_list()) if a != b)
    examples = [
        {"record_id": res_ps["record_id"].iloc[i], "perfscore": str(ps_tot[i]),
         "pandas_float64": repr(float(res_pd["total"].iloc[i]))}
        for i in range(n) if ps_tot[i] != pd_tot[i]
    ][:5]

    out = {
        "n": n,
        "repeat_best_of": args.repeat,
        "threads": threads_used,
        "cpus": os.cpu_count(),
        "seconds": {
            "perfscore_summarize_frame": t_ps,
            "perfscore_summarize_frame_1_thread": t_ps_1,
            "perfscore_summarize_frame_float64_input": t_ps_float,
            "perfscore_record_path": t_old,
            "perfscore_totals_only": t_tf,
            "perfscore_totals_only_1_thread": t_tf_1,
            "pandas_float64": t_pd,
            "polars_float64": t_pl,
            "decimal_loop": t_dec,
        },
        "perfscore_breakdown_seconds": {
            **phases,
            "summarize_frame_with_gc_disabled": t_nogc,
        },
        "decimal_loop_measured_on": m,
        "decimal_loop_extrapolated": m < n,
        "ratios": {
            "speedup_vs_pandas_float64": t_pd / t_ps,
            "speedup_vs_decimal_loop": t_dec / t_ps,
            "speedup_vs_pandas_float64_1_thread": t_pd / t_ps_1,
            "speedup_vs_decimal_loop_1_thread": t_dec / t_ps_1,
            "record_path_speedup_vs_pandas_float64": t_pd / t_old,
            "record_path_speedup_vs_decimal_loop": t_dec / t_old,
            "summarize_frame_speedup_vs_record_path": t_old / t_ps,
            "totals_only_speedup_vs_pandas_float64": t_pd / t_tf,
            "totals_only_speedup_vs_pandas_float64_1_thread": t_pd / t_tf_1,
            "totals_only_speedup_vs_decimal_loop": t_dec / t_tf,
            "totals_only_speedup_vs_polars_float64": t_pl / t_tf,
            "totals_only_speedup_vs_polars_float64_1_thread": t_pl / t_tf_1,
        },
        "per_person_us": {
            "perfscore_summarize_frame": t_ps / n * 1e6,
            "perfscore_summarize_frame_1_thread": t_ps_1 / n * 1e6,
            "perfscore_record_path": t_old / n * 1e6,
            "pandas_float64": t_pd / n * 1e6,
            "decimal_loop": t_dec_sub / m * 1e6,
        },
        "exact_vs_decimal_loop": {"checked": m, "mismatches": len(mismatches),
                                  "first_mismatches": mismatches[:5],
                                  "reference": "fractions.Fraction, rounded once",
                                  "decimal_loop_differs_from_exact": decimal_drift,
                                  "totals_only_mismatches": totals_mismatches},
        "same_as_record_path_and_float64_input": {"checked": n, "record_path_differs": old_diff,
                                                  "float64_input_differs": float_diff},
        "polars_float64_vs_perfscore": {"total_differs_after_rounding": pl_tot_diff,
                                         "grade_differs": pl_grade_diff},
        "pandas_float64_vs_perfscore": {"total_differs_after_rounding": tot_diff,
                                        "grade_differs": grade_diff, "pay_differs": pay_diff,
                                        "examples": examples},
    }
    print(json.dumps(out, indent=2))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
