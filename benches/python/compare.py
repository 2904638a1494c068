"""Python end to end: pandas DataFrame -> result DataFrame (record_id, total, grade, pay).

    python benches/python/compare.py [N] [--csv FILE] [--decimal-max M] [--repeat R]

Generates N people (default 100000, seed 42) with the Rust generator
(`target/release/generate`, built by `cargo build --release -p perfscore-benches`) unless
`--csv` gives a file, then times, on the same data:

* perfscore: `plan.score_many(df).to_dataframe()` plus `PayPlan.statements(df).to_dataframe()`
  joined into one result frame (string columns in, Decimal out: exact);
* (a) the vectorised pandas float64 baseline (float64 columns in);
* (b) the plain Python Decimal loop (string columns in), on at most `--decimal-max` people
  (default 20000) and extrapolated per person to N when that is fewer.

Checks perfscore == (b) exactly on (b)'s rows (totals, grades, pay; exits 1 on any mismatch) and
counts how many of (a)'s rounded totals, grades and pays differ from perfscore. Prints one JSON
object. CSV parsing is not timed (both sides start from a loaded DataFrame).
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
    ap.add_argument("--decimal-max", type=int, default=20_000)
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
    if tmp is not None:
        os.unlink(tmp.name)
    n = len(df_str)

    plan = perfscore.Plan.template("monthly-sales-rep")
    pay_plan = perfscore.PayPlan.from_json(pay_plan_json(), plan)

    def run_perfscore():
        scores = plan.score_many(df_str).to_dataframe()[["record_id", "total", "grade"]]
        pay = pay_plan.statements(df_str).to_dataframe()
        scores["pay"] = pay["total"].values
        return scores

    def run_perfscore_score_only():
        return plan.score_many(df_str).to_dataframe()

    t_ps, res_ps = best_of(run_perfscore, args.repeat)
    t_ps_score, _ = best_of(run_perfscore_score_only, args.repeat)

    # where perfscore's Python time goes (diagnosis only; internal helper of the binding)
    from perfscore._display import frame_to_records
    t_rec, recs = best_of(lambda: frame_to_records(df_str), 1)
    t_core, batch = best_of(lambda: plan.score_many(recs), 1)
    t_todf, _ = best_of(lambda: batch.to_dataframe(), 1)
    t_pay, _ = best_of(lambda: pay_plan.statements(df_str).to_dataframe(), 1)
    del batch, recs
    gc.disable()
    try:
        t_nogc, _ = best_of(run_perfscore, 1)
    finally:
        gc.enable()
    t_pd, res_pd = best_of(lambda: baselines.pandas_float(df_float), args.repeat)
    m = min(n, args.decimal_max)
    sub = df_str.iloc[:m]
    t_dec_sub, res_dec = best_of(lambda: baselines.decimal_loop(sub), 1)
    t_dec = t_dec_sub / m * n

    # exactness: perfscore == Decimal loop on the loop's rows
    mismatches = []
    ps_sub = res_ps.iloc[:m]
    for i in range(m):
        a, b = ps_sub.iloc[i], res_dec.iloc[i]
        if (a["record_id"] != b["record_id"] or Decimal(a["total"]) != b["total"]
                or a["grade"] != b["grade"] or Decimal(a["pay"]) != b["pay"]):
            mismatches.append({"record_id": a["record_id"],
                               "perfscore": [str(a["total"]), a["grade"], str(a["pay"])],
                               "decimal_loop": [str(b["total"]), b["grade"], str(b["pay"])]})

    # how far the float64 analyst version drifts from the exact result
    ps_tot = [Decimal(x) for x in res_ps["total"]]
    pd_tot = [Decimal(f"{x:.2f}") for x in res_pd["total"]]
    tot_diff = sum(1 for a, b in zip(ps_tot, pd_tot) if a != b)
    grade_diff = int((res_ps["grade"].values != res_pd["grade"].values).sum())
    pay_diff = sum(1 for a, b in zip(res_ps["pay"], res_pd["pay"]) if Decimal(a) != Decimal(f"{b:.2f}"))
    examples = [
        {"record_id": res_ps["record_id"].iloc[i], "perfscore": str(ps_tot[i]),
         "pandas_float64": repr(float(res_pd["total"].iloc[i]))}
        for i in range(n) if ps_tot[i] != pd_tot[i]
    ][:5]

    out = {
        "n": n,
        "repeat_best_of": args.repeat,
        "seconds": {
            "perfscore_score_and_pay": t_ps,
            "perfscore_score_only": t_ps_score,
            "pandas_float64": t_pd,
            "decimal_loop": t_dec,
        },
        "perfscore_breakdown_seconds": {
            "frame_to_records": t_rec,
            "score_many_of_dicts": t_core,
            "batch_to_dataframe": t_todf,
            "pay_statements_to_dataframe": t_pay,
            "score_and_pay_with_gc_disabled": t_nogc,
        },
        "decimal_loop_measured_on": m,
        "decimal_loop_extrapolated": m < n,
        "ratios": {
            "speedup_vs_pandas_float64": t_pd / t_ps,
            "speedup_vs_decimal_loop": t_dec / t_ps,
        },
        "per_person_us": {
            "perfscore_score_and_pay": t_ps / n * 1e6,
            "pandas_float64": t_pd / n * 1e6,
            "decimal_loop": t_dec_sub / m * 1e6,
        },
        "exact_vs_decimal_loop": {"checked": m, "mismatches": len(mismatches),
                                  "first_mismatches": mismatches[:5]},
        "pandas_float64_vs_perfscore": {"total_differs_after_rounding": tot_diff,
                                        "grade_differs": grade_diff, "pay_differs": pay_diff,
                                        "examples": examples},
    }
    print(json.dumps(out, indent=2))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
