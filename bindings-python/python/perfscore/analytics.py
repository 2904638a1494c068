"""Analytics: targets from history, forecasts, roll-ups, calibration, diagnostics, development.

Every operation takes a request (a mapping, documented in ``docs/analytics-timeseries.md`` and
``docs/analytics-team.md``) and returns its result as a dict, computed by the Rust core exactly
as in every other language::

    from perfscore import analytics
    idx = analytics.seasonal_indices(history={"start": "2023-01", "values": [...]})
    idx["indices"][0]["index"]   # '0.9366' — exact values are decimal strings

A compiled :class:`perfscore.Plan` may stand wherever a request takes a plan document
(``plan=perfscore.Plan.template("monthly-sales-rep")``). pandas works where a notebook has it: ``records`` may be a DataFrame (one row per person, as
``Plan.score_many`` takes it) and a list of values (``history.values``, ``parent.values``) may be a
Series or numpy array; NaN / NA there means "no data", as in frames everywhere in perfscore::

    analytics.rollup(plan=plan, records=df, by=["team"])   # plan: a Plan or its dict
    analytics.targets_from_history(history={"start": "2024-01", "values": df["sales"]})

Exact values (amounts, indices, shares, means) come back as **decimal strings**, as in the
canonical JSON every binding shares (``Decimal(s)`` converts one); statistics computed in
floating point (correlations, smoothing fits) come back as numbers. Request values may be
``Decimal``, ``int``, ``str`` or ``float`` (a float is read by its shortest representation);
NaN and infinity are refused. Problems raise :class:`perfscore.InputError` /
:class:`perfscore.PlanError` with every problem and its path.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from . import _perfscore

__all__ = [
    "allocate_target",
    "calibrate",
    "compare_cycles",
    "development_needs",
    "diagnose",
    "export_history",
    "growth_targets",
    "history_series",
    "holt_winters",
    "nine_box",
    "operations",
    "pacing_projection",
    "person_timeline",
    "promotion_eligibility",
    "read_history",
    "rollup",
    "run",
    "run_json",
    "seasonal_indices",
    "targets_from_history",
]


def operations() -> List[str]:
    """Names of every analytics operation, in a stable order."""
    return list(_perfscore.run("operations", {"group": "analytics"}))


def run_json(operation: str, request: Any) -> str:
    """Run ``operation`` on a request (a mapping, or JSON text); returns the canonical JSON text."""
    return _perfscore.run_json(operation, request)


def run(operation: str, request: Mapping[str, Any]) -> Dict[str, Any]:
    """Run ``operation`` on a request mapping; returns the result as a dict."""
    return dict(_perfscore.run(operation, request))


def _op(name: str, request: Optional[Mapping[str, Any]], fields: Dict[str, Any]) -> Dict[str, Any]:
    return run(name, {**(request or {}), **fields})


def seasonal_indices(request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    """Seasonal indices by classical ratio-to-moving-average decomposition (``history``, ``model``, ``scale``)."""
    return _op("seasonal_indices", request, fields)


def growth_targets(request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    """Same period last year × (1 + g) (``history``, ``growth``, ``start``, ``months``, ``minor_units``)."""
    return _op("growth_targets", request, fields)


def allocate_target(request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    """A total split exactly to people / product lines and months (``total``, ``parts``, ``months``)."""
    return _op("allocate_target", request, fields)


def targets_from_history(request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    """Monthly targets by the short-history fallback ladder (``history``, ``parent``, ``annual_target``)."""
    return _op("targets_from_history", request, fields)


def pacing_projection(request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    """Period-end projection and light (``actual``, ``target``, ``position``)."""
    return _op("pacing_projection", request, fields)


def holt_winters(request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    """Holt-Winters forecast, given or fitted parameters (``history``, ``seasonality``, ``horizon``)."""
    return _op("holt_winters", request, fields)


def rollup(request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    """Totals, attainment and score distributions by dimensions (``plan``, ``records``, ``by``)."""
    return _op("rollup", request, fields)


def calibrate(request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    """Forced distribution of grades with overrides (``plan``, ``records``, ``quotas``, ``overrides``)."""
    return _op("calibrate", request, fields)


def diagnose(request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    """Diagnostics of the scoring scheme with plain-language findings (``plan``, ``records``)."""
    return _op("diagnose", request, fields)


def development_needs(request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    """Training recommendations per person from the plan's development rules (``plan``, ``records``)."""
    return _op("development_needs", request, fields)


def read_history(request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    """Period results (a list of dicts, a DataFrame or CSV text, legacy headers such as 工号 / 考核期间 / 总分 / 等级) as the canonical history (``results``)."""
    return _op("read_history", request, fields)


def person_timeline(request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    """Each person's totals and grades over time: change, rolling mean, trend, streaks, cohort percentile (``results``, ``people``, ``plan``, ``window``, ``lang``)."""
    return _op("person_timeline", request, fields)


def promotion_eligibility(request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    """Eligible / not eligible / not assessable under ``rules`` at ``as_of``, never guessing over missing periods (``results``, ``rules``, ``as_of``, ``people``, ``plan``, ``lang``)."""
    return _op("promotion_eligibility", request, fields)


def compare_cycles(request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    """Two periods, or one period under two plans: grade mix and shift, transition matrix, indicator drift, who changed grade and why (``results``, ``before``, ``after``, ``lang``)."""
    return _op("compare_cycles", request, fields)


def nine_box(request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    """People on a 3 × 3 grid by two scores of a period (total, feedback, pay, an indicator or given values), cut at fixed points or thirds, and movement since ``before`` (``results``, ``period``, ``before``, ``x``, ``y``, ``labels``, ``people``, ``lang``)."""
    return _op("nine_box", request, fields)


def export_history(request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    """A history as JSON Lines or flat CSV text for storage or a spreadsheet; both read back with ``read_history`` (``results``, ``format``: ``jsonl`` / ``csv``)."""
    return _op("export_history", request, fields)


def history_series(request: Optional[Mapping[str, Any]] = None, **fields: Any) -> Dict[str, Any]:
    """Monthly series of totals, pay, 360 or an indicator's actuals per person or group, each ``history`` ready for ``targets_from_history`` / ``holt_winters`` (``results``, ``measure``, ``by``, ``aggregate``, ``people``, ``plan``)."""
    return _op("history_series", request, fields)
