"""perfscore: fair, explainable, exact performance scores for sales teams.

Numbers come back as :class:`decimal.Decimal`; inputs accept Decimal, int, str and float
(a float is read by its shortest representation: ``0.1`` means one tenth).
"""

from __future__ import annotations

from ._errors import InputError, PerfscoreError, PlanError, Problem
from ._perfscore import (
    BatchResult,
    Plan,
    Scorecard,
    __version__,
    demo_plan_json,
    demo_team_csv,
    indicator_library_json,
    template_ids,
)

__all__ = [
    "BatchResult",
    "InputError",
    "PerfscoreError",
    "Plan",
    "PlanError",
    "Problem",
    "Scorecard",
    "__version__",
    "demo_plan_json",
    "demo_team_csv",
    "indicator_library_json",
    "template_ids",
]
