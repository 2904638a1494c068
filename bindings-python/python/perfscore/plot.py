"""Charts a sales manager reads at a glance, as matplotlib figures (matplotlib is imported only
here, and only when a chart is drawn):

- ``grade_distribution(result, plan)``: how many people got each grade, lowest to highest;
- ``attainment_by_group(batch, by="team")``: each group's mean total, with the plan's grade edges;
- ``trend(history, people=None)``: each person's total month by month from a ``History`` (a month
  without a result is a gap, never 0).

Each takes ``ax=`` to draw into an existing axes and returns the figure. The numbers drawn are the
results' own (exact decimals, drawn as floats); nothing is recomputed here."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Optional, Sequence

# One colour per grade position, lowest (red) to highest (green): the light colours' scale.
_GRADE_COLOURS = ["#d33a2c", "#e8743b", "#d9a400", "#7cb342", "#2e9e44", "#1b7a34"]


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # type: ignore[import-untyped, unused-ignore]

    _, ax = plt.subplots()
    return ax


def _grades_of(result: Any) -> List[str]:
    """Grades of a ``SummaryTable`` or a ``BatchResult`` (scorecards), or a list of grades."""
    grades = getattr(result, "grades", None)
    if isinstance(grades, list):
        return grades
    return [getattr(card, "grade", card) for card in result]


def _colours(n: int) -> List[str]:
    if n <= 1:
        return _GRADE_COLOURS[-2:-1]
    step = (len(_GRADE_COLOURS) - 1) / (n - 1)
    return [_GRADE_COLOURS[round(i * step)] for i in range(n)]


def grade_distribution(result: Any, plan: Any, *, ax: Any = None) -> Any:
    """Bars of head count per grade in the plan's order (lowest first), each bar labelled."""
    ax = _axes(ax)
    order: Sequence[str] = plan.grades
    counts = Counter(_grades_of(result))
    heights = [counts.get(g, 0) for g in order]
    bars = ax.bar(list(order), heights, color=_colours(len(order)))
    ax.bar_label(bars)
    ax.set_xlabel("grade")
    ax.set_ylabel("people")
    ax.set_title(f"Grades ({sum(heights)} people)")
    return ax.figure


def attainment_by_group(batch: Any, *, by: str = "team", ax: Any = None) -> Any:
    """Each group's mean total (horizontal bars, highest first), from scorecards that carry the
    group (``team``, ``department`` or ``branch``). People without one are under "(none)"."""
    ax = _axes(ax)
    totals: Dict[str, List[Decimal]] = {}
    for card in batch:
        group = getattr(card, by, None) or "(none)"
        totals.setdefault(group, []).append(card.total)
    means = {g: sum(t, Decimal(0)) / len(t) for g, t in totals.items()}
    groups = sorted(means, key=lambda g: means[g])
    bars = ax.barh(groups, [float(means[g]) for g in groups], color="#4a78b5")
    ax.bar_label(bars, labels=[f"{means[g]:.2f} ({len(totals[g])})" for g in groups])
    ax.set_xlabel("mean total")
    ax.set_title(f"Mean total by {by}")
    return ax.figure


def trend(history: Any, *, people: Optional[Iterable[str]] = None, ax: Any = None) -> Any:
    """Each person's total month by month from a ``History``; ``people`` picks whom (default:
    everyone, for a small team)."""
    ax = _axes(ax)
    wanted = None if people is None else set(people)
    answer = history.series(measure="total", by="person")
    for s in answer["series"]:
        if wanted is not None and s["key"] not in wanted:
            continue
        start = s["history"]["start"]
        values = [None if v is None else float(v) for v in s["history"]["values"]]
        months = _months(start, len(values))
        ax.plot(months, [float("nan") if v is None else v for v in values], marker="o", label=s["key"])
    ax.set_ylabel("total")
    ax.set_title("Totals by month")
    ax.legend(fontsize="small")
    return ax.figure


def _months(start: str, n: int) -> List[str]:
    """``n`` month labels from ``YYYY-MM``."""
    year, month = (int(p) for p in start.split("-"))
    out = []
    for i in range(n):
        y, m = divmod(month - 1 + i, 12)
        out.append(f"{year + y}-{m + 1:02d}")
    return out
