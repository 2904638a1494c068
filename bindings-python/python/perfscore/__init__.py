"""perfscore: fair, explainable, exact performance scores for sales teams.

Numbers come back as :class:`decimal.Decimal`; inputs accept Decimal, int, str and float
(a float is read by its shortest representation: ``0.1`` means one tenth).
"""

from __future__ import annotations

from . import analytics
from ._errors import InputError, PerfscoreError, PlanError, Problem
from ._feedback import NA, NotApplicable
from ._history import History
from ._display import BatchResult
from ._pay import PayStatements, PoolSplit, pay_dataframe
from ._perfscore import (
    Accumulator,
    Feedback,
    FeedbackReport,
    FeedbackRound,
    PayLine,
    PayPlan,
    PayStatement,
    Plan,
    PoolShare,
    Scorecard,
    SummaryTable,
    __version__,
    demo_plan_json,
    demo_team_csv,
    indicator_library_json,
    run,
    run_json,
    split_pool,
    template_ids,
)


def demo_history_csv() -> str:
    """The demo team's January–May 2026 as a legacy export (工号, 姓名, 考核期间, 总分, 等级):
    past results for :class:`History` (``docs/history.md``)."""
    return str(run("demo_history_csv", {}))


__all__ = [
    "Accumulator",
    "BatchResult",
    "Feedback",
    "FeedbackReport",
    "FeedbackRound",
    "History",
    "InputError",
    "NA",
    "NotApplicable",
    "PayLine",
    "PayPlan",
    "PayStatement",
    "PayStatements",
    "PerfscoreError",
    "Plan",
    "PlanError",
    "PoolShare",
    "PoolSplit",
    "Problem",
    "Scorecard",
    "SummaryTable",
    "__version__",
    "analytics",
    "demo_history_csv",
    "demo_plan_json",
    "demo_team_csv",
    "indicator_library_json",
    "pay_dataframe",
    "run",
    "run_json",
    "split_pool",
    "template_ids",
]
