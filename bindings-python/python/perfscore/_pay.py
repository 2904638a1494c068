"""Pure-Python niceties for pay: pandas tables and HTML.

Everything here is presentation; the numbers come from the Rust core unchanged.
"""

from __future__ import annotations

import html
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Dict, List, Union

from ._display import _STYLE, _fmt

if TYPE_CHECKING:  # pragma: no cover
    from ._perfscore import PayStatement, PoolShare

__all__ = ["PayStatements", "PoolSplit", "pay_dataframe"]


class PayStatements(List["PayStatement"]):
    """The statements of a batch, in input order: a plain ``list`` with table helpers."""

    def to_json_lines(self) -> str:
        """Canonical JSON lines: one statement per line, each ending in a newline."""
        return "".join(s.to_json() + "\n" for s in self)

    def columns(self) -> List[str]:
        """``record_id``, ``name``, ``currency``, one column per line id (first seen order), ``total``."""
        ids: List[str] = []
        for s in self:
            for line in s.lines:
                if line.id not in ids:
                    ids.append(line.id)
        return ["record_id", "name", "currency", *ids, "total"]

    def rows(self) -> List[List[Union[str, Decimal, None]]]:
        """One row per person: the rounded amount of each line (None if the person has no such line)."""
        columns = self.columns()
        out = []
        for s in self:
            amounts = {line.id: line.amount for line in s.lines}
            row: List[Union[str, Decimal, None]] = [s.record_id, s.name, s.currency]
            row.extend(amounts.get(c) for c in columns[3:-1])
            row.append(s.total)
            out.append(row)
        return out

    def to_dataframe(self) -> Any:
        """A pandas DataFrame, one row per person, a column per line amount and the total."""
        return pay_dataframe(self)

    def _repr_html_(self) -> str:
        columns = self.columns()
        head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
        body = []
        for row in self.rows():
            cells = []
            for v in row:
                cls = " class='n'" if isinstance(v, Decimal) else ""
                cells.append(f"<td{cls}>{_fmt(v)}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        return (
            f'<div class="perfscore">{_STYLE}<table><tr>{head}</tr>{"".join(body)}</table>'
            f"<small>{len(self)} pay statements</small></div>"
        )


class PoolSplit(List["PoolShare"]):
    """A split pool: the shares in input order, a plain ``list`` with table helpers."""

    @property
    def total(self) -> Decimal:
        """The sum of the amounts: always exactly the pool."""
        return sum((s.amount for s in self), Decimal(0))

    def amounts(self) -> Dict[str, Decimal]:
        """The amounts by id (``{id: Decimal}``), in input order."""
        return {s.id: s.amount for s in self}

    def to_json(self) -> str:
        """The core's canonical JSON array of shares, byte for byte."""
        return "[" + ",".join(s.to_json() for s in self) + "]"

    def to_dataframe(self) -> Any:
        """A pandas DataFrame, one row per share, Decimal cells (pandas is imported only here)."""
        rows = [[s.id, s.weight, s.exact, s.amount, s.got_remainder_unit] for s in self]
        columns = ["id", "weight", "exact", "amount", "got_remainder_unit"]
        return _pandas().DataFrame(rows, columns=columns, dtype=object)

    def _repr_html_(self) -> str:
        body = "".join(
            "<tr>"
            f"<td>{html.escape(s.id)}</td><td class='n'>{_fmt(s.weight)}</td>"
            f"<td class='n'>{html.escape(str(s.exact))}</td><td class='n'><b>{_fmt(s.amount)}</b></td>"
            f"<td>{'+1' if s.got_remainder_unit else ''}</td>"
            "</tr>"
            for s in self
        )
        return (
            f'<div class="perfscore">{_STYLE}<table><tr><th>id</th><th>weight</th><th>exact</th>'
            f"<th>amount</th><th>remainder unit</th></tr>{body}</table>"
            f"<small>{len(self)} shares, total {_fmt(self.total)}</small></div>"
        )

    def __repr__(self) -> str:
        return f"<PoolSplit {len(self)} shares total={self.total}>"


def _pandas() -> Any:
    try:
        import pandas as pd  # type: ignore[import-untyped, unused-ignore]
    except ImportError as e:  # pragma: no cover - exercised only without pandas
        raise ImportError("to_dataframe() needs pandas: pip install pandas") from e
    return pd


def pay_dataframe(statements: Any) -> Any:
    """Pay statements (any iterable) as a DataFrame: one row per person, Decimal cells."""
    batch = statements if isinstance(statements, PayStatements) else PayStatements(statements)
    return _pandas().DataFrame(batch.rows(), columns=batch.columns(), dtype=object)


def statement_html(statement: "PayStatement") -> str:
    who = html.escape(statement.record_id + (f" {statement.name}" if statement.name else ""))
    rows = []
    for line in statement.lines:
        rows.append(
            "<tr>"
            f"<td>{html.escape(line.name)}</td>"
            f"<td class='n'>{_fmt(line.base)}</td>"
            f"<td class='n'><b>{_fmt(line.amount)}</b></td>"
            f"<td>{html.escape(line.explain('en'))}</td>"
            "</tr>"
        )
    return (
        f'<div class="perfscore">{_STYLE}<div><b>{who}</b>: total '
        f"<b>{_fmt(statement.total)}</b> {html.escape(statement.currency)}</div>"
        "<table><tr><th>line</th><th>base</th><th>amount</th><th>how</th></tr>"
        + "".join(rows)
        + "</table></div>"
    )
