"""Pure-Python niceties for 360-degree feedback: the ``NA`` answer, flattened statistics,
records with the feedback score attached, pandas tables and HTML.

Everything here is presentation; the numbers come from the Rust core unchanged.
"""

from __future__ import annotations

import html
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional

from ._display import _STYLE, _fmt

if TYPE_CHECKING:  # pragma: no cover
    from ._perfscore import FeedbackReport, FeedbackRound

__all__ = ["NA", "NotApplicable"]

class NotApplicable:
    """The "not applicable" answer (the rater could not judge); never counts toward any mean.

    Use the singleton :data:`perfscore.NA` (the strings ``"na"`` and ``"n/a"`` mean the same).
    """

    _instance: Optional["NotApplicable"] = None

    def __new__(cls) -> "NotApplicable":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "perfscore.NA"

    def __reduce__(self) -> str:
        return "NA"

    def __bool__(self) -> bool:
        return False


NA = NotApplicable()


def _is_stat(d: Dict[str, Any]) -> bool:
    return d.get("status") == "value" and set(d) == {"status", "value"}


def flatten_stats(obj: Any) -> Any:
    """``{"status": "value", "value": x}`` → ``x``; undefined statistics stay dicts with their reason."""
    if isinstance(obj, dict):
        if _is_stat(obj):
            return obj["value"]
        return {k: flatten_stats(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [flatten_stats(v) for v in obj]
    return obj


def attach_to_records(
    round: "FeedbackRound", records: Iterable[Mapping[str, Any]], measure: str
) -> List[Dict[str, Any]]:
    """Like the core's ``FeedbackRound::attach_to_records``, on copies of record dicts.

    A nested record (with a ``measures`` dict) gets the score in a copy of ``measures``; a flat one
    as a key. Records without a report or without a combined overall score are copied unchanged.
    """
    if isinstance(records, (str, bytes)) or isinstance(records, Mapping):
        raise TypeError("expected a list of record dicts")
    overall: Dict[str, Decimal] = {}
    for report in round.reports:
        value = report.combined.get("overall")
        if value is not None:
            overall[report.ratee] = value
    out: List[Dict[str, Any]] = []
    for i, record in enumerate(records):
        if not isinstance(record, Mapping):
            raise TypeError(f"records[{i}]: expected a dict, found {type(record).__name__}")
        new = dict(record)
        rid = new.get("id")
        key = str(rid) if isinstance(rid, (str, int)) and not isinstance(rid, bool) else None
        if key is not None and key in overall:
            if isinstance(new.get("measures"), Mapping):
                new["measures"] = {**new["measures"], measure: overall[key]}
            else:
                new[measure] = overall[key]
        out.append(new)
    return out


def _scores_by_id(scores: Optional[Dict[str, Any]], level: str) -> Dict[str, Decimal]:
    return {s["id"]: s["score"] for s in (scores or {}).get(level, [])}


def round_columns(round: "FeedbackRound") -> List[str]:
    competencies: List[str] = []
    for report in round.reports:
        for c in report.combined.get("competencies", []):
            if c["id"] not in competencies:
                competencies.append(c["id"])
    return ["ratee", "overall", *competencies, "self_overall", "groups_shown"]


def round_rows(round: "FeedbackRound") -> List[List[Any]]:
    columns = round_columns(round)
    rows = []
    for report in round.reports:
        combined = report.combined
        by_id = _scores_by_id(combined, "competencies")
        own = report.self_scores
        shown = [g["id"] for g in report.groups if g["status"] == "shown"]
        rows.append(
            [
                report.ratee,
                combined.get("overall"),
                *(by_id.get(c) for c in columns[2:-2]),
                own.get("overall") if own else None,
                ", ".join(shown),
            ]
        )
    return rows


def round_dataframe(round: "FeedbackRound") -> Any:
    """One row per ratee: combined overall, each combined competency, self overall, groups shown."""
    try:
        import pandas as pd  # type: ignore[import-untyped, unused-ignore]
    except ImportError as e:  # pragma: no cover - exercised only without pandas
        raise ImportError("to_dataframe() needs pandas: pip install pandas") from e
    return pd.DataFrame(round_rows(round), columns=round_columns(round), dtype=object)


def _stat(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    if isinstance(v, dict):
        return html.escape(f"undefined ({v.get('reason', '')})")
    return _fmt(v)


def report_html(report: "FeedbackReport") -> str:
    weights = {w["group"]: w["weight"] for w in report.weights_used}
    rows = []
    for g in report.groups:
        status = g["status"]
        if status == "suppressed":
            status = f"suppressed (fewer than {g['minimum']})"
        elif status == "merged_into":
            status = f"merged into {g['group']}"
        overall = (g.get("scores") or {}).get("overall")
        rows.append(
            "<tr>"
            f"<td>{html.escape(g['name'])}</td><td>{html.escape(status)}</td>"
            f"<td class='n'>{_fmt(g.get('raters'))}</td>"
            f"<td class='n'>{_fmt(weights.get(g['id']))}</td>"
            f"<td class='n'>{_fmt(overall)}</td>"
            "</tr>"
        )
    gaps = "".join(
        f"<li>{html.escape(g['id'])}: self {_fmt(g['self_score'])} vs {_fmt(g['others'])} "
        f"→ {html.escape(g['flag'].replace('_', ' '))}</li>"
        for g in report.gaps
        if g["flag"] != "none"
    )
    agreement = "".join(
        f"<tr><td>{html.escape(a['item'])}</td><td class='n'>{a['raters']}</td>"
        f"<td class='n'>{_stat(a['std_dev'])}</td><td class='n'>{_stat(a['rwg'])}</td></tr>"
        for a in report.agreement
    )
    return (
        f'<div class="perfscore">{_STYLE}<div><b>{html.escape(report.ratee)}</b>: combined '
        f"<b>{_fmt(report.combined.get('overall'))}</b></div>"
        "<table><tr><th>group</th><th>status</th><th>raters</th><th>weight used %</th>"
        "<th>overall</th></tr>" + "".join(rows) + "</table>"
        + (f"<ul>{gaps}</ul>" if gaps else "")
        + "<table><tr><th>item</th><th>raters</th><th>SD</th><th>r_wg</th></tr>"
        + agreement
        + "</table></div>"
    )


def round_html(round: "FeedbackRound") -> str:
    columns = round_columns(round)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for row in round_rows(round):
        cells = []
        for v in row:
            cls = " class='n'" if isinstance(v, Decimal) else ""
            cells.append(f"<td{cls}>{_fmt(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    rel = round.reliability
    stats = ", ".join(
        f"{html.escape(k)} {_stat(rel[k])}"
        for k in ("alpha_interval", "alpha_ordinal")
        if k in rel
    )
    icc = rel.get("icc")
    if isinstance(icc, dict) and "icc1_1" in icc:
        stats += f", ICC(1,1) {_stat(icc['icc1_1'])}"
    return (
        f'<div class="perfscore">{_STYLE}<table><tr>{head}</tr>{"".join(body)}</table>'
        f"<small>{len(round.reports)} ratees; {stats}</small></div>"
    )
