"""History benchmark, side by side: a monthly history (CSV text written by the Rust `history`
bench binary, 工号 / 考核期间 / 总分 / 等级) → every person's timeline in perfscore
(`analytics.person_timeline`: read and check every cell, change from the month before, rolling
mean of 3, cohort percentile, trend, streaks, best / worst; exact decimals) and the nearest
pandas equivalent (read_csv, then per person the change, rolling mean and slope, and the
percentile rank per month; float64, no checks, no streaks). Prints one JSON line: seconds, best of
`repeat`.

    python benches/python/history.py HISTORY.csv [repeat]
"""

import io
import json
import sys
import time

import numpy as np
import pandas as pd

from perfscore import analytics


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def with_perfscore(text):
    return analytics.person_timeline(results=text)


def with_pandas(text):
    df = pd.read_csv(io.StringIO(text))
    df.columns = ["person", "period", "total", "grade"]
    df = df.sort_values(["person", "period"])
    g = df.groupby("person")["total"]
    df["change"] = g.diff()
    df["rolling_mean"] = g.transform(lambda s: s.rolling(3).mean())
    df["percentile"] = df.groupby("period")["total"].rank(pct=True) * 100
    x = df.groupby("person").cumcount()
    df["x"] = x
    slope = df.groupby("person").apply(lambda d: np.polyfit(d["x"], d["total"], 1)[0], include_groups=False)
    return df, slope


def main():
    path = sys.argv[1]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    text = open(path, encoding="utf-8").read()
    t_ps = best(lambda: with_perfscore(text), repeat)
    t_pd = best(lambda: with_pandas(text), repeat)
    print(json.dumps({
        "results": text.count("\n") - 1,
        "perfscore_s": round(t_ps, 3),
        "pandas_s": round(t_pd, 3),
        "perfscore_vs_pandas": round(t_pd / t_ps, 2),
    }))


if __name__ == "__main__":
    main()
