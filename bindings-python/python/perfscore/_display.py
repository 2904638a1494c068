"""Pure-Python niceties: pandas tables and HTML.

Everything here is presentation; the numbers come from the Rust core unchanged.
pandas is optional and imported only when a DataFrame is asked for or given.
"""

from __future__ import annotations

import html
import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Dict, List, Optional

if TYPE_CHECKING:  # pragma: no cover
    from ._perfscore import Scorecard, SummaryTable

_LIGHT_COLOURS = {"green": "#2e9e44", "yellow": "#d9a400", "red": "#d33a2c"}


# ----------------------------------------------------------------------------------- pandas


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float):
        return math.isnan(v)
    if isinstance(v, Decimal):
        return v.is_nan()
    return type(v).__name__ in ("NAType", "NaTType")


def frame_to_records(frame: Any) -> List[Dict[str, Any]]:
    """DataFrame rows as flat record dicts; pandas' missing markers (NaN, NA, None) → None.

    In a DataFrame NaN is how pandas spells "no value", so it means a missing measure here (the
    plan's missing-data policy applies); in a plain dict a NaN is an error.
    """
    columns = [str(c) for c in frame.columns]
    index_name = getattr(frame.index, "name", None)
    with_index = index_name == "id" and "id" not in columns
    out = []
    for idx, row in zip(frame.index, frame.itertuples(index=False, name=None)):
        rec = {c: (None if _is_missing(v) else v) for c, v in zip(columns, row)}
        if with_index:
            rec["id"] = idx
        out.append(rec)
    return out


class BatchResult(List["Scorecard"]):
    """The scorecards of a batch, in input order: a plain ``list`` with table helpers."""

    def to_json_lines(self) -> str:
        """Canonical JSON lines: one scorecard per line, each ending in a newline."""
        return "".join(c.to_json() + "\n" for c in self)

    def to_json(self) -> str:
        """The canonical JSON array of all scorecards."""
        return "[" + ",".join(c.to_json() for c in self) + "]"

    def columns(self) -> List[str]:
        """Column names of the table form (the first scorecard's; the person columns when empty)."""
        return self[0].columns() if self else ["record_id", "name", "team", "department", "branch"]

    def rows(self) -> List[List[Any]]:
        """One row per person (see ``Scorecard.row``)."""
        return [c.row() for c in self]

    def to_dataframe(self) -> Any:
        """A pandas DataFrame, one row per person, Decimal cells (pandas is imported only here)."""
        return batch_dataframe(self)

    def _repr_html_(self) -> str:
        return batch_html(self)

    def __repr__(self) -> str:
        return f"<BatchResult {len(self)} scorecards>"


def plain(value: Any) -> List[Any]:
    """A DataFrame as its rows (``frame_to_records``), a Series, Index or numpy array as a list;
    NaN / NA / None → None (in a pandas or numpy container NaN is how "no value" is spelled)."""
    if hasattr(value, "itertuples") and hasattr(value, "columns"):
        return frame_to_records(value)
    return [None if _is_missing(v) else v for v in value.tolist()]


def batch_dataframe(batch: "BatchResult") -> Any:
    """One row per person, columns from the core's ``Scorecard.columns()``, Decimal cells."""
    try:
        import pandas as pd  # type: ignore[import-untyped, unused-ignore]
    except ImportError as e:  # pragma: no cover - exercised only without pandas
        raise ImportError("to_dataframe() needs pandas: pip install pandas") from e
    return pd.DataFrame(batch.rows(), columns=batch.columns(), dtype=object)


def summary_dataframe(table: "SummaryTable") -> Any:
    """``Plan.summarize_frame``'s result as a DataFrame: record_id, total, grade,
    grade_before_veto, vetoed[, pay]. Exact values are ``Decimal`` object cells; ``vetoed`` is bool.
    """
    try:
        import pandas as pd  # type: ignore[import-untyped, unused-ignore]
    except ImportError as e:  # pragma: no cover - exercised only without pandas
        raise ImportError("to_dataframe() needs pandas: pip install pandas") from e
    data = {
        "record_id": pd.Series(table.record_ids, dtype=object),
        "total": pd.Series(table.totals, dtype=object),
        "grade": pd.Series(table.grades, dtype=object),
        "grade_before_veto": pd.Series(table.grade_before_veto, dtype=object),
        "vetoed": pd.Series(table.vetoed, dtype=bool),
    }
    pay = table.pay
    if pay is not None:
        data["pay"] = pd.Series(pay, dtype=object)
    return pd.DataFrame(data, copy=False)


# ----------------------------------------------------------------------------------- HTML


def light_html(status: Optional[str]) -> str:
    if not status:
        return ""
    colour = _LIGHT_COLOURS.get(status, "#888")
    return (
        f'<span class="perfscore-light perfscore-{html.escape(status)}" '
        f'style="color:{colour}" title="{html.escape(status)}">&#9679;</span> {html.escape(status)}'
    )


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        # Two places for display, like the core's explanations; exact value in the tooltip.
        shown = f"{v:,.2f}" if v == v.to_integral_value() or abs(v) < 10**15 else str(v)
        return f'<span title="{v}">{html.escape(shown)}</span>'
    return html.escape(str(v))


_STYLE = (
    "<style>.perfscore td,.perfscore th{padding:2px 8px;text-align:left}"
    ".perfscore td.n{text-align:right}</style>"
)


def scorecard_html(card: "Scorecard") -> str:
    d = card.to_dict()
    who = html.escape(card.record_id + (f" {card.name}" if card.name else ""))
    head = (
        f"<b>{who}</b>: total <b>{_fmt(card.total)}</b>, grade <b>{html.escape(card.grade)}</b>"
    )
    if card.status:
        head += f", {light_html(card.status)}"
    rows = []
    for s in d.get("sections", []):
        rows.append(
            f'<tr><th colspan="6">{html.escape(s["name"])} ({_fmt(s["weight"])}%)</th>'
            f'<td class="n"><b>{_fmt(s["score"])}</b></td><td></td></tr>'
        )
        for i in s.get("indicators", []):
            status = (i.get("progress") or {}).get("status")
            rows.append(
                "<tr>"
                f"<td>{html.escape(i['name'])}</td>"
                f"<td class='n'>{_fmt(i.get('actual'))}</td>"
                f"<td class='n'>{_fmt(i.get('target'))}</td>"
                f"<td class='n'>{_fmt(i.get('completion'))}</td>"
                f"<td class='n'>{_fmt(i.get('weight'))}</td>"
                f"<td class='n'>{_fmt(i.get('score'))}</td>"
                f"<td class='n'>{_fmt(i.get('contribution'))}</td>"
                f"<td>{light_html(status)}</td>"
                "</tr>"
            )
    extra = []
    for a in d.get("adjustments", []):
        if a["points"] != 0:
            extra.append(f"<li>{html.escape(a['name'])}: {_fmt(a['points'])}</li>")
    for v in d.get("vetoes", []):
        extra.append(
            f"<li><b>veto</b> {html.escape(v['name'])} (<code>{html.escape(v['condition'])}</code>)</li>"
        )
    return (
        f'<div class="perfscore">{_STYLE}<div>{head}</div>'
        "<table><tr><th>indicator</th><th>actual</th><th>target</th><th>completion %</th>"
        "<th>weight %</th><th>score</th><th>contribution</th><th>light</th></tr>"
        + "".join(rows)
        + "</table>"
        + (f"<ul>{''.join(extra)}</ul>" if extra else "")
        + "</div>"
    )


def batch_html(batch: "BatchResult") -> str:
    columns = batch.columns()
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for row in batch.rows():
        cells = []
        for c, v in zip(columns, row):
            if c == "status":
                cells.append(f"<td>{light_html(v if isinstance(v, str) else None)}</td>")
            elif c == "vetoes" and v:
                cells.append(f"<td>{_VETO_BADGE} {html.escape(str(v))}</td>")
            else:
                cls = " class='n'" if isinstance(v, Decimal) else ""
                cells.append(f"<td{cls}>{_fmt(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="perfscore">{_STYLE}<table><tr>{head}</tr>{"".join(body)}</table>'
        f"<small>{len(batch)} scorecards</small></div>"
    )


SUMMARY_HTML_ROWS = 20

# A vetoed row stands out: the red of a red light, in bold.
_VETO_BADGE = f'<b class="perfscore-veto" style="color:{_LIGHT_COLOURS["red"]}">veto</b>'


def summary_html(table: "SummaryTable") -> str:
    """The first rows of a ``SummaryTable`` (the whole table when it is short)."""
    columns = table.columns()
    shown = min(len(table), SUMMARY_HTML_ROWS)
    cols: List[List[Any]] = [
        table.record_ids[:shown],
        table.totals[:shown],
        table.grades[:shown],
        table.grade_before_veto[:shown],
        table.vetoed[:shown],
    ]
    pay = table.pay
    if pay is not None:
        cols.append(pay[:shown])
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for i in range(shown):
        cells = []
        for v in (c[i] for c in cols):
            if isinstance(v, bool):
                cells.append(f"<td>{_VETO_BADGE if v else ''}</td>")
            else:
                cls = " class='n'" if isinstance(v, Decimal) else ""
                cells.append(f"<td{cls}>{_fmt(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = f", first {shown} shown" if shown < len(table) else ""
    return (
        f'<div class="perfscore">{_STYLE}<table><tr>{head}</tr>{"".join(body)}</table>'
        f"<small>{len(table)} people{more}</small></div>"
    )
