"""Facts benchmark, side by side: 1,000,000 CRM orders (CSV text written by the Rust `facts`
bench binary) → each of 10,000 people's June revenue (orders not cancelled), signed contracts,
distinct customers and largest signed order, in perfscore (exact decimals), pandas and polars
(float64), from the same text. Prints one JSON line: seconds (best of `repeat`) and how many
people's revenue each float engine gets wrong at the cent.

    python benches/python/facts.py ORDERS.csv [repeat]
"""

import io
import json
import sys
import time
from decimal import Decimal

import pandas as pd
import polars as pl

import perfscore

PLAN = json.loads(open(__file__.replace("python/facts.py", "src/facts.rs"), encoding="utf-8").read().split('r#"', 1)[1].split('"#', 1)[0])


def best(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def with_perfscore(plan, text):
    out = plan.records_from_facts({"orders": text}, "2026-06")
    return {r["id"]: Decimal(r["measures"]["revenue"]) for r in out["records"]}


def with_pandas(text):
    df = pd.read_csv(io.StringIO(text), dtype={"amount": "float64"})
    june = df[df["date"].str.startswith("2026-06")]
    revenue = june[june["status"] != "cancelled"].groupby("owner")["amount"].sum()
    signed = june[june["status"] == "signed"].groupby("owner")["amount"].agg(["count", "max"])
    customers = june.groupby("owner")["customer"].nunique()
    return revenue, signed, customers


def with_polars(text):
    df = pl.read_csv(io.StringIO(text), schema_overrides={"amount": pl.Float64})
    june = df.filter(pl.col("date").str.starts_with("2026-06"))
    return june.group_by("owner").agg(
        pl.col("amount").filter(pl.col("status") != "cancelled").sum().alias("revenue"),
        (pl.col("status") == "signed").sum().alias("contracts"),
        pl.col("customer").n_unique().alias("customers"),
        pl.col("amount").filter(pl.col("status") == "signed").max().alias("largest"),
    )


def wrong_at_the_cent(exact, floats):
    return sum(1 for k, v in floats.items() if Decimal(repr(round(v, 2))) != exact.get(k, Decimal(0)).quantize(Decimal("0.01")))


def main():
    path = sys.argv[1]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    text = open(path, encoding="utf-8").read()
    plan = perfscore.Plan.from_dict(PLAN)
    t_ps, exact = best(lambda: with_perfscore(plan, text), repeat)
    t_pd, (revenue, _, _) = best(lambda: with_pandas(text), repeat)
    t_pl, pl_out = best(lambda: with_polars(text), repeat)
    pl_revenue = dict(zip(pl_out["owner"].to_list(), pl_out["revenue"].to_list()))
    print(json.dumps({
        "facts": text.count("\n") - 1,
        "people": len(exact),
        "perfscore_s": round(t_ps, 3),
        "pandas_s": round(t_pd, 3),
        "polars_s": round(t_pl, 3),
        "perfscore_vs_pandas": round(t_pd / t_ps, 2),
        "perfscore_vs_polars": round(t_pl / t_ps, 2),
        "pandas_wrong_cents": wrong_at_the_cent(exact, revenue.to_dict()),
        "polars_wrong_cents": wrong_at_the_cent(exact, pl_revenue),
    }))


if __name__ == "__main__":
    main()
