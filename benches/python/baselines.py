"""Baselines for the Python comparison: the bundled `monthly-sales-rep` plan plus
performance pay (3000 x grade coefficient, rounded to cents), written two ways a user would
otherwise write them:

(a) ``pandas_float``: vectorised pandas/numpy float64, the way a competent analyst would
    (np.select / np.interp / clip), rounding the total with ``Series.round(2)``.
(a') ``polars_float``: the same in polars float64 expressions (when / then, clip), the other
    vectorised tool analysts use.
(b) ``decimal_loop``: a plain Python loop over rows with ``decimal.Decimal`` at 60 significant
    digits, mirroring the engine's semantics (docs/scoring-methods.md, docs/plan-format.md): points
    are not rounded, only the total is, half up, to 0.01. It is what a careful user writes, and it
    is timed; it is still a digit-limited arithmetic, so on an exact half-cent reached through a
    non-terminating quotient (691/7 × 0.14 = 13.82) it can round a cent low.

``exact_loop`` is the same plan in ``fractions.Fraction`` (exact rationals, rounded once): the
reference every perfscore total is checked against (not timed).

Both take a DataFrame with the generator's columns (``id`` + measure ids) and return a DataFrame
with columns ``record_id``, ``total``, ``grade``, ``pay``.
"""

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import numpy as np
import pandas as pd

PAY_BASE = 3000
PAY_COEFF = {"S": "1.5", "A": "1.2", "B": "1.0", "C": "0.8", "D": "0"}
GRADE_ORDER = "DCBAS"  # ascending

# ---------------------------------------------------------------------------------------------
# (a) vectorised pandas float64
# ---------------------------------------------------------------------------------------------


def pandas_float(df: pd.DataFrame) -> pd.DataFrame:
    """The plan in vectorised float64. ``df`` has float64 measure columns."""
    rev, rev_t = df["revenue"], df["revenue_target"]
    sales = (rev / rev_t * 100).clip(0, 120)

    rate = np.where(df["invoiced"] == 0, 0.0, df["collected"] / df["invoiced"])
    collection = np.select([rate < 0.8, rate < 0.9, rate < 0.95], [0, 60, 80], 100)

    comp = df["gross_profit"] / df["margin_target"] * 100
    margin = np.where(comp < 60, 0.0, np.interp(comp, [60, 100, 120], [60, 100, 120]))

    nc = df["new_customers"]
    new_cust = np.where(nc < 1, 0.0, np.interp(nc, [1, 3, 5], [50, 100, 120]))

    c = df["contracts"]
    contracts = np.clip(np.where(c >= 4, 100 + (c - 4) * 10, c / 4 * 90), 0, 120)

    overdue = (200 - df["overdue_receivables_days"] / 30 * 100).clip(0, 120)

    results = (
        sales * 0.35 + collection * 0.20 + margin * 0.20
        + new_cust * 0.10 + contracts * 0.10 + overdue * 0.05
    )

    visits = (df["visits"] / 40 * 100).clip(0, 120)
    opp = df["opportunities"]
    opps = np.where(opp < 5, 0.0, np.interp(opp, [5, 10, 15], [60, 100, 110]))
    demos = np.where(df["demos"] >= 4, 100.0, 0.0)
    tw_r = df["teamwork_rating"]
    teamwork = tw_r.map({1: 0.0, 2: 40.0, 3: 70.0, 4: 90.0, 5: 100.0})
    crm = (100 - df["crm_late_entries"] * 10).clip(0, 100)

    others = visits * 30 + opps * 25 + demos * 15 + crm * 15
    has_tw = teamwork.notna()
    process = np.where(has_tw, (others + teamwork.fillna(0) * 15) / 100, others / 85)

    weighted = results * 0.70 + process * 0.30
    adj = -np.minimum(df["complaints"] * 2, 10) + np.minimum(df["key_accounts"].fillna(0) * 3, 6)
    total = pd.Series(np.maximum(weighted + adj, 0), index=df.index)
    total = total.where(df["compliance_violations"] <= 0, 0.0).round(2)

    grade = pd.Series(
        np.select([total < 60, total < 80, total < 95, total < 110], ["D", "C", "B", "A"], "S"),
        index=df.index,
    )
    capped = (df["overdue_receivables_days"] > 90) & grade.isin(["B", "A", "S"])
    grade = grade.mask(capped, "C")
    coeff = grade.map({g: float(v) for g, v in PAY_COEFF.items()})
    pay = (PAY_BASE * coeff).round(2)
    return pd.DataFrame({"record_id": df["id"], "total": total, "grade": grade, "pay": pay})


# ---------------------------------------------------------------------------------------------
# (a') vectorised polars float64
# ---------------------------------------------------------------------------------------------


def polars_float(df):
    """The plan in polars float64 expressions. ``df`` is a polars DataFrame with float64 (or
    int64) measure columns; returns a polars DataFrame (record_id, total, grade, pay)."""
    import polars as pl

    c = pl.col

    def interp(x, pts):
        # np.interp on ascending points: clamped at both ends, linear between.
        (x0, y0), *rest = pts
        expr = pl.lit(float(pts[-1][1]))
        for (a0, s0), (a1, s1) in reversed(list(zip(pts, pts[1:]))):
            expr = pl.when(x < a1).then(s0 + (x - a0) * (s1 - s0) / (a1 - a0)).otherwise(expr)
        return pl.when(x < x0).then(float(y0)).otherwise(expr)

    f = df.with_columns(pl.all().exclude("id").cast(pl.Float64))
    sales = (c("revenue") / c("revenue_target") * 100).clip(0, 120)
    rate = pl.when(c("invoiced") == 0).then(0.0).otherwise(c("collected") / c("invoiced"))
    collection = (
        pl.when(rate < 0.8).then(0.0).when(rate < 0.9).then(60.0).when(rate < 0.95).then(80.0)
        .otherwise(100.0)
    )
    comp = c("gross_profit") / c("margin_target") * 100
    margin = pl.when(comp < 60).then(0.0).otherwise(interp(comp, [(60, 60), (100, 100), (120, 120)]))
    nc = c("new_customers")
    new_cust = pl.when(nc < 1).then(0.0).otherwise(interp(nc, [(1, 50), (3, 100), (5, 120)]))
    k = c("contracts")
    contracts = pl.when(k >= 4).then(100 + (k - 4) * 10).otherwise(k / 4 * 90).clip(0, 120)
    overdue = (200 - c("overdue_receivables_days") / 30 * 100).clip(0, 120)
    results = (
        sales * 0.35 + collection * 0.20 + margin * 0.20
        + new_cust * 0.10 + contracts * 0.10 + overdue * 0.05
    )
    visits = (c("visits") / 40 * 100).clip(0, 120)
    opp = c("opportunities")
    opps = pl.when(opp < 5).then(0.0).otherwise(interp(opp, [(5, 60), (10, 100), (15, 110)]))
    demos = pl.when(c("demos") >= 4).then(100.0).otherwise(0.0)
    teamwork = c("teamwork_rating").replace_strict(
        {1.0: 0.0, 2.0: 40.0, 3.0: 70.0, 4.0: 90.0, 5.0: 100.0}, default=None, return_dtype=pl.Float64
    )
    crm = (100 - c("crm_late_entries") * 10).clip(0, 100)
    others = visits * 30 + opps * 25 + demos * 15 + crm * 15
    process = (
        pl.when(teamwork.is_not_null()).then((others + teamwork.fill_null(0) * 15) / 100)
        .otherwise(others / 85)
    )
    weighted = results * 0.70 + process * 0.30
    adj = -pl.min_horizontal(c("complaints") * 2, pl.lit(10.0)) + pl.min_horizontal(
        c("key_accounts").fill_null(0) * 3, pl.lit(6.0)
    )
    total = pl.max_horizontal(weighted + adj, pl.lit(0.0))
    total = pl.when(c("compliance_violations") <= 0).then(total).otherwise(0.0).round(2)
    out = f.select(c("id").alias("record_id"), total.alias("total"))
    grade = (
        pl.when(c("total") < 60).then(pl.lit("D")).when(c("total") < 80).then(pl.lit("C"))
        .when(c("total") < 95).then(pl.lit("B")).when(c("total") < 110).then(pl.lit("A"))
        .otherwise(pl.lit("S"))
    )
    out = out.with_columns(grade.alias("grade"), f["overdue_receivables_days"].alias("_od"))
    capped = (c("_od") > 90) & c("grade").is_in(["B", "A", "S"])
    out = out.with_columns(pl.when(capped).then(pl.lit("C")).otherwise(c("grade")).alias("grade"))
    coeff = c("grade").replace_strict({g: float(v) for g, v in PAY_COEFF.items()}, return_dtype=pl.Float64)
    return out.select("record_id", "total", "grade", (PAY_BASE * coeff).round(2).alias("pay"))


# ---------------------------------------------------------------------------------------------
# (b) plain Python Decimal loop (exact)
# ---------------------------------------------------------------------------------------------

D = Decimal
CENT = D("0.01")
PAY = {g: D(PAY_BASE) * D(v) for g, v in PAY_COEFF.items()}


def _clamp(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


def _interp(x, pts, below):
    """threshold/target/stretch: below the first point `below`; linear between; flat above."""
    if x < pts[0][0]:
        return below
    for (a0, s0), (a1, s1) in zip(pts, pts[1:]):
        if x < a1:
            return s0 + (x - a0) * (s1 - s0) / (a1 - a0)
    return pts[-1][1]


def _dec(s):
    return None if s is None or s != s or s == "" else D(s)


def _weighted_total(m, N):
    """The plan's total before rounding, in number type ``N`` (Decimal or Fraction); ``m`` holds
    the measures as ``N`` values (or None)."""
    Z, HUNDRED = N(0), N(100)
    teamwork_points = {N(1): N(0), N(2): N(40), N(3): N(70), N(4): N(90), N(5): N(100)}
    margin_pts = [(N(60), N(60)), (N(100), N(100)), (N(120), N(120))]
    newc_pts = [(N(1), N(50)), (N(3), N(100)), (N(5), N(120))]
    opp_pts = [(N(5), N(60)), (N(10), N(100)), (N(15), N(110))]
    # results section (70%)
    rt = m["revenue_target"]
    if rt <= 0:
        raise ValueError("sales_completion: target not positive")
    sales = _clamp(m["revenue"] / rt * HUNDRED, Z, N(120))
    inv = m["invoiced"]
    rate = Z if inv == 0 else m["collected"] / inv
    collection = (N(0) if rate < N("0.8") else N(60) if rate < N("0.9")
                  else N(80) if rate < N("0.95") else N(100))
    mt = m["margin_target"]
    if mt <= 0:
        raise ValueError("gross_margin: target not positive")
    margin = _interp(m["gross_profit"] / mt * HUNDRED, margin_pts, Z)
    newc = _interp(m["new_customers"], newc_pts, Z)
    c = m["contracts"]
    contracts = _clamp(N(100) + (c - 4) * 10 if c >= 4 else c / 4 * 90, Z, N(120))
    overdue = _clamp(N(200) - m["overdue_receivables_days"] / 30 * HUNDRED, Z, N(120))
    results = [(sales, 35), (collection, 20), (margin, 20), (newc, 10), (contracts, 10), (overdue, 5)]
    # process section (30%); teamwork is re-weighted away when missing
    visits = _clamp(m["visits"] / 40 * HUNDRED, Z, N(120))
    opps = _interp(m["opportunities"], opp_pts, Z)
    demos = N(100) if m["demos"] >= 4 else Z
    crm = _clamp(N(100) - m["crm_late_entries"] * 10, Z, N(100))
    process = [(visits, 30), (opps, 25), (demos, 15)]
    tw = m["teamwork_rating"]
    if tw is not None:
        if tw not in teamwork_points:
            raise ValueError(f"teamwork: rating {tw} is not listed")
        process.append((teamwork_points[tw], 15))
    process.append((crm, 15))

    weighted = Z
    for items, sw in ((results, 70), (process, 30)):
        wsum = sum(w for _, w in items)
        for s, w in items:
            ew = N(w) if wsum == 100 else N(w) * HUNDRED / wsum
            weighted += s * ew / HUNDRED * sw / HUNDRED
    comp = m["complaints"]
    ka = m["key_accounts"] if m["key_accounts"] is not None else Z
    if comp < 0 or ka < 0:
        raise ValueError("negative adjustment count")
    total = weighted - min(comp * 2, N(10)) + min(ka * 3, N(6))
    if total < 0:
        total = Z
    if m["compliance_violations"] > 0:
        total = Z
    return total


def _grade(total, m):
    grade = "D" if total < 60 else "C" if total < 80 else "B" if total < 95 else "A" if total < 110 else "S"
    if m["overdue_receivables_days"] > 90 and GRADE_ORDER.index(grade) > GRADE_ORDER.index("C"):
        grade = "C"
    return grade


def score_one(m):
    """Total (rounded, Decimal) and grade for one person's measures (dict of Decimal or None),
    in Decimal arithmetic at 60 significant digits: what a careful user writes."""
    with localcontext(prec=60):
        total = _weighted_total(m, D)
    total = total.quantize(CENT, rounding=ROUND_HALF_UP)
    return total, _grade(total, m)


def exact_one(m):
    """The same in exact rational arithmetic (``fractions.Fraction``), rounded once, half up, to
    cents: the reference every perfscore total must equal. It differs from `score_one` only where
    a non-terminating quotient cancels into an exact half-cent (691/7 × 0.14 = 13.82)."""
    fm = {k: (None if v is None else Fraction(v)) for k, v in m.items()}
    total = _weighted_total(fm, Fraction)
    cents = math.floor(total * 100 + Fraction(1, 2))  # totals are never negative here
    rounded = (D(cents) / 100).quantize(CENT)
    return rounded, _grade(rounded, m)


MEASURES = [
    "revenue", "revenue_target", "collected", "invoiced", "gross_profit", "margin_target",
    "new_customers", "contracts", "overdue_receivables_days", "visits", "opportunities", "demos",
    "teamwork_rating", "crm_late_entries", "complaints", "key_accounts", "compliance_violations",
]


def _loop(df: pd.DataFrame, score) -> pd.DataFrame:
    """The plan as a plain loop over rows, scoring each with ``score``."""
    ids, totals, grades, pays = [], [], [], []
    cols = ["id"] + MEASURES
    for row in df[cols].itertuples(index=False, name=None):
        m = {k: _dec(v) for k, v in zip(MEASURES, row[1:])}
        total, grade = score(m)
        ids.append(row[0])
        totals.append(total)
        grades.append(grade)
        pays.append(PAY[grade].quantize(CENT, rounding=ROUND_HALF_UP))
    return pd.DataFrame({"record_id": ids, "total": totals, "grade": grades, "pay": pays})


def decimal_loop(df: pd.DataFrame) -> pd.DataFrame:
    """The plan as a plain loop over rows with Decimal. ``df`` has string (object) columns."""
    return _loop(df, score_one)


def exact_loop(df: pd.DataFrame) -> pd.DataFrame:
    """`decimal_loop` with `exact_one`: the exact-rational reference (not timed)."""
    return _loop(df, exact_one)
