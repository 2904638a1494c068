"""Each person's history as a Python object: the canonical history document (what
``analytics.read_history`` answers) with pandas in and out on a (person, period) index.

Only conversion lives here; reading, checking and every operation run in the Rust core.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, List, Mapping

from . import analytics

__all__ = ["History"]

_DECIMALS = ("total", "pay", "feedback")


class History:
    """Period results with one current result per (person, period, plan); a restatement is
    explicit and both stay visible (``docs/history.md``).

    ``History(results)`` reads anything ``analytics.read_history`` reads — a list of dicts, CSV
    text with legacy headers (工号, 考核期间, 总分, 等级), a pandas DataFrame (a (person, period)
    index is read as columns) — all or nothing, raising :class:`perfscore.InputError` with every
    bad cell. It pickles through its canonical document.
    """

    __slots__ = ("_results", "_ignored")

    def __init__(self, results: Any = ()) -> None:
        if _is_frame(results) and _index_names(results) & {"person", "period"}:
            results = results.reset_index()
        doc = analytics.read_history(results=_as_list(results))
        self._results: List[Dict[str, Any]] = list(doc["results"])
        self._ignored: List[str] = list(doc["ignored_columns"])

    @classmethod
    def from_frame(cls, frame: Any) -> "History":
        """A history from a pandas DataFrame (columns or a (person, period) index)."""
        return cls(frame)

    @property
    def results(self) -> List[Dict[str, Any]]:
        """The canonical results, in the order given (copies; decimals as strings)."""
        return [dict(r) for r in self._results]

    @property
    def ignored_columns(self) -> List[str]:
        """Columns or keys of the input that name no field."""
        return list(self._ignored)

    def __len__(self) -> int:
        return len(self._results)

    def __repr__(self) -> str:
        people = len({r["person"] for r in self._results})
        return f"<perfscore.History: {len(self._results)} results, {people} people>"

    def __reduce__(self) -> Any:
        return (History, (self._results,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, History) and self._results == other._results

    __hash__ = None  # type: ignore[assignment]

    def extend(self, results: Any) -> "History":
        """A new history with ``results`` (a list of dicts, a DataFrame or a History) after
        these; a result for a (person, period, plan) already here must say ``restates``."""
        if isinstance(results, History):
            more = results._results
        elif _is_frame(results):
            frame = results.reset_index() if _index_names(results) else results
            more = frame.to_dict("records")
        else:
            more = list(results)
        return History(self._results + more)

    def to_json(self) -> str:
        """The canonical history document as JSON text (what the host stores)."""
        return analytics.run_json("read_history", {"results": self._results})

    def to_jsonl(self) -> str:
        """Every result as JSON Lines (one canonical result per line, everything kept)."""
        return str(analytics.export_history(results=self._results, format="jsonl")["text"])

    def to_csv(self) -> str:
        """Every result as flat CSV (the result's own columns; indicators stay in JSON); text cells
        a spreadsheet would run as formulas get a leading ``'``."""
        return str(analytics.export_history(results=self._results, format="csv")["text"])

    def to_frame(self) -> Any:
        """A pandas DataFrame indexed by (person, period): exact ``Decimal`` totals, pay and 360
        scores, the indicators as a list per row; it reads back with ``History(frame)``."""
        import pandas as pd  # type: ignore[import-untyped, unused-ignore]

        # The core's flat columns (its CSV export header), then the JSON-only indicators.
        header = analytics.export_history(results=[], format="csv")["text"].splitlines()[0]
        columns = [*header.split(","), "indicators"]
        rows = []
        for r in self._results:
            row: Dict[str, Any] = {}
            for c in columns:
                v = r.get(c)
                row[c] = Decimal(v) if c in _DECIMALS and v is not None else v
            rows.append(row)
        return pd.DataFrame(rows, columns=columns).set_index(["person", "period"])

    # The operations, with this history as `results`.

    def timeline(self, **fields: Any) -> Dict[str, Any]:
        """``analytics.person_timeline`` (``people``, ``plan``, ``window``, ``lang``)."""
        return analytics.person_timeline(results=self._results, **fields)

    def promotion(self, rules: Any, as_of: str, **fields: Any) -> Dict[str, Any]:
        """Promotion eligibility at ``as_of`` under ``rules``: a mapping, or a
        :class:`perfscore.Plan` whose own ``promotion`` rules decide."""
        if hasattr(rules, "promotion_eligibility"):
            return dict(rules.promotion_eligibility(self._results, as_of, **fields))
        return analytics.promotion_eligibility(results=self._results, rules=rules, as_of=as_of, **fields)

    def compare(self, before: Any, after: Any, **fields: Any) -> Dict[str, Any]:
        """``analytics.compare_cycles`` between ``before`` and ``after``."""
        return analytics.compare_cycles(results=self._results, before=before, after=after, **fields)

    def nine_box(self, period: Any, x: Mapping[str, Any], y: Mapping[str, Any], **fields: Any) -> Dict[str, Any]:
        """``analytics.nine_box`` of ``period`` on axes ``x`` and ``y``."""
        return analytics.nine_box(results=self._results, period=period, x=x, y=y, **fields)

    def series(self, **fields: Any) -> Dict[str, Any]:
        """``analytics.history_series`` (``measure``, ``by``, ``aggregate``, ``people``, ``plan``)."""
        return analytics.history_series(results=self._results, **fields)


def _is_frame(x: Any) -> bool:
    return type(x).__name__ == "DataFrame" and hasattr(x, "reset_index")


def _index_names(frame: Any) -> set:
    return {n for n in getattr(frame.index, "names", []) if n is not None}


def _as_list(x: Any) -> Any:
    if isinstance(x, (str, list)) or _is_frame(x):
        return x
    if isinstance(x, History):
        return x._results
    return list(x)
