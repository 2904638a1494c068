"""The file formats perfscore reads and writes, as `TypedDict`s: plans, pay plans, 360-degree
feedback configurations, period results and score options (``perfscore.formats``).

Generated from the core's types (the ones that read and write them, as are the JSON Schemas
beside this file) by ``UPDATE_SCHEMA=1 cargo test -p perfscore --test schema``; do not edit.
"""

from decimal import Decimal
from typing import Any, Dict, List, Literal, TypedDict, Union


class _PlanSpecRequired(TypedDict):
    # Grade bands over the rounded total; together they must cover every possible total exactly once.
    grades: List["GradeSpec"]
    # Stable identifier of the plan, e.g. `monthly-sales-rep`.
    id: str
    # The numbers a record carries (actuals, targets, counts), with the column names they go by.
    measures: List["MeasureSpec"]
    # Display name, e.g. "Monthly sales representative plan".
    name: str


class PlanSpec(_PlanSpecRequired, total=False):
    """An assessment plan: what is measured, how each indicator is scored and weighted, and how the
    total becomes a grade."""
    # Bonus points (加分) and deductions (扣分) applied after the weighted sum.
    adjustments: List["AdjustmentSpec"]
    # Free text shown to people reading the plan.
    description: Union[str, None]
    # Development rules: weak indicators or 360 competencies → training recommendations
    # (used by the `development_needs` analytics operation, which validates them).
    development: List["DevelopmentRule"]
    # A flat plan: indicators without sections (one implicit section weighing 100%).
    indicators: List["IndicatorSpec"]
    # Red/yellow/green thresholds for progress during a period.
    #
    # Default: `{"green":"100","yellow":"90"}`.
    progress: "ProgressSpec"
    # Promotion rules: what a person's history must show to be eligible (read by the plan's
    # `promotion_eligibility` operation; docs/history.md).
    promotion: Union["PromotionRules", None]
    # Where and how the total is rounded.
    #
    # Default: `{"mode":"half_up","scale":2}`.
    rounding: "RoundingSpec"
    # Weighted sections (维度), each holding weighted indicators. Use either `sections` or `indicators`.
    sections: List["SectionSpec"]
    # Named tables of business facts (CRM orders, payments, visits) that measures with `from`
    # aggregate.
    sources: List["SourceSpec"]
    # Optional floor and cap on the total after adjustments.
    #
    # Default: `{}`.
    total: "TotalSpec"
    # Vetoes (一票否决): conditions that zero the total or cap the grade.
    vetoes: List["VetoSpec"]


# Bonus points or deductions outside the weights.
AdjustmentKind = Union[Literal["bonus"], Literal["deduction"]]


class _AdjustmentSpecRequired(TypedDict):
    # Number of occurrences: a measure id or formula.
    count: "Value"
    # Identifier, unique in the plan.
    id: str
    # Bonus or deduction.
    kind: "AdjustmentKind"
    # Points per occurrence (a positive number; the kind gives the sign).
    points_each: "Num"


class AdjustmentSpec(_AdjustmentSpecRequired, total=False):
    """Points per occurrence, up to a maximum."""
    # Most points this adjustment can add or remove in total (positive).
    max: Union["Num", None]
    # What happens when the count is missing: error (default), zero (no occurrences).
    #
    # Default: `"error"`.
    missing: "MissingPolicy"
    # Display name, e.g. "Customer complaints".
    name: Union[str, None]


# How a measure aggregates its facts.
Aggregate = Union[Literal["sum"], Literal["count"], Literal["count_distinct"], Literal["count_new"], Literal["min"], Literal["max"], Literal["mean"], Literal["first"], Literal["last"]]


class _AggregateSpecRequired(TypedDict):
    # How the facts become one number per person.
    aggregate: "Aggregate"
    # The source's id.
    source: str


class AggregateSpec(_AggregateSpecRequired, total=False):
    """A measure computed from facts instead of read from records."""
    # The column aggregated (not for `count`); for `count_distinct` and `count_new` a list
    # counts distinct combinations (`["customer", "date"]`: once per customer per day).
    column: Union["Columns", None]
    # Whose facts a person is credited with: their own (the default), or, through the org
    # table given with the request, their team's, their branch's, or their own and everyone's
    # who reports to them.
    credit: "Credit"
    # Which facts count, in the formula language over the source's columns
    # (`status == "signed" and product_line == "hardware"`).
    filter: Union[str, None]
    # Which dates count, relative to the scored period.
    #
    # Default: `"period"`.
    window: "Window"


# A half-open interval `[from, to)` with its points; a missing end is unbounded.
_BandSpecRequired = TypedDict("_BandSpecRequired", {
    # Points for a value in the band.
    "score": "Num",
})
_BandSpecOptional = TypedDict("_BandSpecOptional", {
    # Inclusive lower end; absent means no lower end.
    "from": Union["Num", None],
    # Exclusive upper end; absent means no upper end.
    "to": Union["Num", None],
}, total=False)


class BandSpec(_BandSpecRequired, _BandSpecOptional):
    """A half-open interval `[from, to)` with its points; a missing end is unbounded."""


# What a scoring method compares: the actual value itself, or completion = actual ÷ target × 100.
Basis = Union[Literal["actual"], Literal["completion"]]


class _ColumnSpecRequired(TypedDict):
    # Identifier used in filters: ASCII letters, digits and `_`, not starting with a digit.
    id: str
    # What the cells hold.
    type: "ColumnType"


class ColumnSpec(_ColumnSpecRequired, total=False):
    """One column of a source."""
    # Other names the column goes by in exports (`回款金额`, `Amount (CNY)`).
    aliases: List[str]
    # Whether a negative number is a problem (amounts that are never negative).
    non_negative: bool
    # Whether a cell may be empty (otherwise an empty cell is a problem).
    optional: bool
    # The allowed values of an `enum` column.
    values: List[str]


# The type of a column's cells.
ColumnType = Union[Literal["text"], Literal["decimal"], Literal["integer"], Literal["date"], Literal["boolean"], Literal["enum"]]


# One column or several.
Columns = Union[str, List[str]]


# Whose facts a measure credits each person with. Roll-ups read the org table in force on
# each fact's date and count a fact once per person, whatever its split.
Credit = Union[Literal["owner"], Literal["team"], Literal["branch"], Literal["manager"]]


class CurvePoint(TypedDict):
    """A point of a threshold/target/stretch curve: at this basis value, this many points."""
    # Basis value (actual, or completion in percent).
    at: "Num"
    # Points awarded at that value.
    score: "Num"


class _DevelopmentRuleRequired(TypedDict):
    # A need when the value is strictly below this (positive) threshold.
    below: "Num"
    # The recommended training or action.
    recommend: str


class DevelopmentRule(_DevelopmentRuleRequired, total=False):
    """A development rule (发展需求规则): below this, recommend that."""
    # For an indicator: its score (default), completion or actual.
    basis: Union["NeedBasis", None]
    # The 360 competency tested: the person's combined score on the answer scale.
    competency: Union[str, None]
    # Optional identifier, unique among the rules, shown with each need.
    id: Union[str, None]
    # The indicator tested (give this or `competency`).
    indicator: Union[str, None]
    # The recommendation in Chinese, if the plan has one.
    recommend_zh: Union[str, None]


class GradeCount(TypedDict):
    """At least `at_least` of the last `in_last` periods graded one of `grades`."""
    # How many periods must have one of them.
    at_least: int
    # The grades that count (`["S", "A"]`).
    grades: List[str]
    # Out of how many periods, ending at the as-of period.
    in_last: int


# A grade and the half-open range of rounded totals `[from, to)` it covers.
_GradeSpecRequired = TypedDict("_GradeSpecRequired", {
    # The grade, e.g. `S`, `A`, `B`.
    "grade": str,
})
_GradeSpecOptional = TypedDict("_GradeSpecOptional", {
    # Inclusive lowest total; absent for the lowest grade.
    "from": Union["Num", None],
    # Optional description, e.g. "Outstanding" / "卓越".
    "label": Union[str, None],
    # Exclusive upper total; absent for the highest grade.
    "to": Union["Num", None],
}, total=False)


class GradeSpec(_GradeSpecRequired, _GradeSpecOptional):
    """A grade and the half-open range of rounded totals `[from, to)` it covers."""


# What an indicator measures.
IndicatorKind = Union[Literal["result"], Literal["process"], Literal["behaviour"]]


class _IndicatorSpecRequired(TypedDict):
    # The achieved value: a number, a measure id, or a formula over measures.
    actual: "Value"
    # Identifier, unique in the plan.
    id: str
    # How the actual (and target) become points.
    scoring: "MethodSpec"
    # Weight in percent of its section.
    weight: "Num"


class IndicatorSpec(_IndicatorSpecRequired, total=False):
    """One scored indicator."""
    # Result, process or behaviour.
    #
    # Default: `"result"`.
    kind: "IndicatorKind"
    # What happens when a measure it needs is missing from a record.
    #
    # Default: `"error"`.
    missing: "MissingPolicy"
    # Display name, e.g. "Sales completion".
    name: Union[str, None]
    # The target: a number, a measure id (per-person targets), or a formula.
    target: Union["Value", None]
    # Whether this indicator accumulates over the period, so that progress lights apply to it.
    track_progress: bool


# Form of the lower-is-better ratio.
LowerIsBetterForm = Union[Literal["inverse"], Literal["linear"]]


# A number a record carries.
_MeasureSpecRequired = TypedDict("_MeasureSpecRequired", {
    # Identifier used in formulas and records: ASCII letters, digits and `_`, not starting with a digit.
    "id": str,
})
_MeasureSpecOptional = TypedDict("_MeasureSpecOptional", {
    # Other names the measure goes by in exports (e.g. `回款金额` for `collected`).
    "aliases": List[str],
    # Computed from facts instead of read from records: which source, how aggregated, which
    # facts and dates count.
    "from": Union["AggregateSpec", None],
    # Display name.
    "name": Union[str, None],
    # Unit, e.g. `CNY`, `count`, `%`.
    "unit": Union[str, None],
}, total=False)


class MeasureSpec(_MeasureSpecRequired, _MeasureSpecOptional):
    """A number a record carries."""


class _MethodSpecRatioRequired(TypedDict):
    method: Literal["ratio"]


class MethodSpecRatio(_MethodSpecRatioRequired, total=False):
    """actual ÷ target × 100, then floor (default 0) and optional cap."""
    # Highest score (default: none).
    cap: Union["Num", None]
    # Lowest score (default 0).
    floor: Union["Num", None]
    # Points when the target is 0 (default: a target of 0 is an error).
    zero_target_score: Union["Num", None]


class _MethodSpecLowerIsBetterRequired(TypedDict):
    # Highest score; required, since an actual of 0 would otherwise be unbounded.
    cap: "Num"
    method: Literal["lower_is_better"]


class MethodSpecLowerIsBetter(_MethodSpecLowerIsBetterRequired, total=False):
    """For costs, complaints, days sales outstanding: less is better."""
    # Lowest score (default 0).
    floor: Union["Num", None]
    # inverse (target ÷ actual × 100, default) or linear ((2 − actual ÷ target) × 100).
    #
    # Default: `"inverse"`.
    form: "LowerIsBetterForm"


class _MethodSpecThresholdTargetStretchRequired(TypedDict):
    method: Literal["threshold_target_stretch"]
    # The target value.
    target: "CurvePoint"
    # The lowest value that earns points.
    threshold: "CurvePoint"


class MethodSpecThresholdTargetStretch(_MethodSpecThresholdTargetStretchRequired, total=False):
    """门槛值/目标值/挑战值: 0 below threshold, linear between the points, capped at stretch."""
    # What the points are placed on (default: completion if the indicator has a target, else actual).
    basis: Union["Basis", None]
    # Points below the threshold (default 0).
    below_threshold: Union["Num", None]
    # The stretch (challenge) value; above it the score stays at its points.
    stretch: Union["CurvePoint", None]


class _MethodSpecBandsRequired(TypedDict):
    # The bands, in ascending order.
    bands: List["BandSpec"]
    method: Literal["bands"]


class MethodSpecBands(_MethodSpecBandsRequired, total=False):
    """区间法: half-open bands `[from, to)`, contiguous, no gaps or overlaps."""
    # What the bands are placed on (default: completion if the indicator has a target, else actual).
    basis: Union["Basis", None]


class _MethodSpecPassFailRequired(TypedDict):
    method: Literal["pass_fail"]
    # A condition over `actual`, `target` and measures, e.g. `actual >= 4`.
    pass_if: str


class MethodSpecPassFail(_MethodSpecPassFailRequired, total=False):
    """非此即彼: full points if the condition holds, else none."""
    # Points when failed (default 0).
    fail_score: Union["Num", None]
    # Points when passed (default 100).
    pass_score: Union["Num", None]


class _MethodSpecRatingRequired(TypedDict):
    # Highest rating on the scale.
    max: "Num"
    method: Literal["rating"]
    # Lowest rating on the scale.
    min: "Num"


class MethodSpecRating(_MethodSpecRatingRequired, total=False):
    """A rating on a scale (1–5 stars, 0–10) mapped to points."""
    # Explicit points per rating; absent means linear from `min` → 0 to `max` → 100.
    points: List["RatingPoint"]


class _MethodSpecDeductionRequired(TypedDict):
    method: Literal["deduction"]
    # Points deducted per unit.
    per_unit: "Num"


class MethodSpecDeduction(_MethodSpecDeductionRequired, total=False):
    """Start from `start` points and deduct `per_unit` for each unit of the actual (e.g. per error)."""
    # Lowest score (default 0).
    floor: Union["Num", None]
    # Points with nothing deducted (default 100).
    start: Union["Num", None]


class _MethodSpecFormulaRequired(TypedDict):
    # The formula, e.g. `if(actual >= target, 100, actual / target * 90)`.
    expr: str
    method: Literal["formula"]


class MethodSpecFormula(_MethodSpecFormulaRequired, total=False):
    """A custom formula over `actual`, `target`, `completion` and measures, then optional floor and cap."""
    # Highest score.
    cap: Union["Num", None]
    # Lowest score.
    floor: Union["Num", None]


# How an indicator's value becomes points. Edge cases are documented per method in `docs/scoring-methods.md`.
MethodSpec = Union["MethodSpecRatio", "MethodSpecLowerIsBetter", "MethodSpecThresholdTargetStretch", "MethodSpecBands", "MethodSpecPassFail", "MethodSpecRating", "MethodSpecDeduction", "MethodSpecFormula"]


class MinFeedback(TypedDict):
    """The latest 360 overall score in the last `in_last` periods is at least `at_least`."""
    # The lowest passing score.
    at_least: "Num"
    # The periods searched for the latest score, ending at the as-of period.
    in_last: int


# What to do when a record lacks a measure an indicator needs.
MissingPolicy = Union[Literal["error"], Literal["zero"], Literal["reweight"]]


# What an indicator rule tests.
NeedBasis = Union[Literal["score"], Literal["completion"], Literal["actual"]]


# A decimal number: a JSON number, or a string of digits for values a JSON number cannot carry exactly.
Num = Union[Decimal, float, str]


class ProgressSpec(TypedDict, total=False):
    """Thresholds for progress lights, in percent of the expected pace."""
    # Green at or above this pace (default 100).
    #
    # Default: `"100"`.
    green: "Num"
    # Yellow at or above this pace (default 90); red below.
    #
    # Default: `"90"`.
    yellow: "Num"


class PromotionRules(TypedDict, total=False):
    """The promotion rules; every rule given must pass."""
    # At least `at_least` periods graded one of `grades` in the last `in_last` periods.
    grade_count: Union["GradeCount", None]
    # The latest 360 overall score in the last `in_last` periods is at least `at_least`.
    min_feedback: Union["MinFeedback", None]
    # At least this many periods assessed up to the as-of period.
    min_periods: Union[int, None]
    # No vetoed period in the last `n` periods.
    no_veto_in_last: Union[int, None]


class RatingPoint(TypedDict):
    """One step of a rating scale and its points."""
    # The rating, e.g. 4 (stars).
    rating: "Num"
    # Points for that rating.
    score: "Num"


# How a value is rounded to the plan's scale.
RoundingMode = Union[Literal["half_up"], Literal["half_even"], Literal["down"]]


class RoundingSpec(TypedDict, total=False):
    """Where and how the total is rounded."""
    # half_up (四舍五入, default), half_even or down.
    #
    # Default: `"half_up"`.
    mode: "RoundingMode"
    # Decimal places of the total (0–10, default 2).
    #
    # Default: `2`.
    scale: int


class _SectionSpecRequired(TypedDict):
    # Identifier, unique in the plan.
    id: str
    # The section's indicators; their weights add up to exactly 100.
    indicators: List["IndicatorSpec"]
    # Weight in percent of the total; section weights add up to exactly 100.
    weight: "Num"


class SectionSpec(_SectionSpecRequired, total=False):
    """A weighted group of indicators."""
    # Display name, e.g. "Results" / "结果指标".
    name: Union[str, None]


class _SourceSpecRequired(TypedDict):
    # The columns perfscore reads; other columns of an export are ignored.
    columns: List["ColumnSpec"]
    # The date column that places each fact in a period.
    date_column: str
    # Identifier, e.g. `orders`: the key the facts are given under.
    id: str
    # The column holding each fact's id, unique in the source.
    id_column: str
    # The column naming the person credited with the fact (an empty cell: unassigned).
    owner_column: str


class SourceSpec(_SourceSpecRequired, total=False):
    """A named table of business facts (CRM orders, payments, visits…) that measures aggregate."""
    # A text column that splits a fact's credit between people (`E001:60;E002:40`, shares in
    # percent adding up to exactly 100); where it is empty the owner has all of it.
    credit_column: Union[str, None]
    # Display name, e.g. "CRM orders".
    name: Union[str, None]


class TotalSpec(TypedDict, total=False):
    """Bounds on the total after adjustments."""
    # Highest total.
    cap: Union["Num", None]
    # Lowest total (e.g. 0 so deductions cannot make it negative).
    floor: Union["Num", None]


# A JSON number (constant), or a string: a measure id such as `revenue` or a formula such as `collected / invoiced`.
Value = Union[float, str]


class VetoEffectCapGrade(TypedDict):
    """The grade is at most this one; the total is kept."""
    cap_grade: str


# What a triggered veto does.
VetoEffect = Union[Literal["zero_total"], "VetoEffectCapGrade"]


class _VetoSpecRequired(TypedDict):
    # Zero the total, or cap the grade.
    effect: "VetoEffect"
    # Identifier, unique in the plan.
    id: str
    # Condition over measures, e.g. `compliance_violations > 0`.
    when: str


class VetoSpec(_VetoSpecRequired, total=False):
    """一票否决: a condition that overrides the score."""
    # What happens when a measure of the condition is missing: error (default) or zero (treat as not triggered).
    #
    # Default: `"error"`.
    missing: "MissingPolicy"
    # Display name, e.g. "Compliance violation".
    name: Union[str, None]


class WindowLastDays(TypedDict):
    """The `n` days up to and including `end`."""
    last_days: int


class WindowLastMonths(TypedDict):
    """The `n` months up to and including `end`."""
    last_months: int


_WindowRangeRangeRequired = TypedDict("_WindowRangeRangeRequired", {
    # First day, `YYYY-MM-DD`.
    "from": str,
    # Last day, `YYYY-MM-DD`.
    "to": str,
})
_WindowRangeRangeOptional = TypedDict("_WindowRangeRangeOptional", {
}, total=False)


class WindowRangeRange(_WindowRangeRangeRequired, _WindowRangeRangeOptional):
    pass


class WindowRange(TypedDict):
    """Fixed dates, both included."""
    range: "WindowRangeRange"


# The dates a measure counts, relative to the scored period and the as-of date. `end` below is
# the period's last day, or the as-of date when that is earlier (period-to-date).
Window = Union[Literal["period"], Literal["to_date"], Literal["last_year"], "WindowLastDays", "WindowLastMonths", "WindowRange"]


class _PayPlanSpecRequired(TypedDict):
    # The currency and its minor units.
    currency: "CurrencySpec"
    # Identifier, e.g. `sales-pay-2026`.
    id: str


class PayPlanSpec(_PayPlanSpecRequired, total=False):
    """How a person's pay is computed from their scorecard and numbers."""
    # Commission lines.
    commissions: List["CommissionSpec"]
    # Performance pay from the grade or score.
    performance_pay: Union["PerformancePaySpec", None]
    # Rounding mode for each payable line (half_up 四舍五入 by default).
    #
    # Default: `"half_up"`.
    rounding: "RoundingMode"


class CoefficientPoint(TypedDict):
    """A point of the score → coefficient curve."""
    # Total score.
    at: "Num"
    # Coefficient at that score.
    coefficient: "Num"


class CoefficientSpecByGrade(TypedDict):
    """Grade → coefficient, e.g. `{"S": 1.5, "A": 1.2, "B": 1.0, "C": 0.8, "D": 0}`; every grade of the plan must be listed."""
    by_grade: Dict[str, "Num"]


class CoefficientSpecByScore(TypedDict):
    """Piecewise-linear in the rounded total: points ascending in `at`; flat beyond the ends."""
    by_score: List["CoefficientPoint"]


# The performance-pay coefficient: from the grade, or from the total score.
CoefficientSpec = Union["CoefficientSpecByGrade", "CoefficientSpecByScore"]


class _CommissionSpecRequired(TypedDict):
    # The commission base: revenue, gross margin or cash collected (a measure or formula).
    base: "Value"
    # Identifier, unique in the pay plan.
    id: str
    # flat, retroactive, marginal or interpolated.
    mode: "TierMode"
    # Half-open tiers, contiguous, the last one open-ended.
    tiers: List["TierSpec"]


class CommissionSpec(_CommissionSpecRequired, total=False):
    """One commission line."""
    # Most commission this line pays.
    cap: Union["Num", None]
    # Optional attainment gate.
    gate: Union["GateSpec", None]
    # Optional multiplier table.
    multiplier: Union["MultiplierSpec", None]
    # Display name, e.g. "Sales commission 销售提成".
    name: Union[str, None]
    # Period-to-date pricing and true-up.
    to_date: Union["ToDateSpec", None]


class _CurrencySpecRequired(TypedDict):
    # ISO 4217 code, e.g. `CNY`, `JPY`.
    code: str


class CurrencySpec(_CurrencySpecRequired, total=False):
    """A currency: ISO code and the number of decimal places of its minor unit."""
    # Decimal places of the minor unit; known codes default (CNY/USD/EUR 2, JPY/KRW 0, KWD/BHD 3).
    minor_units: Union[int, None]


class _GateSpecRequired(TypedDict):
    # Attainment, usually in percent: a measure or formula, e.g. `revenue / revenue_target * 100`.
    attainment: "Value"
    # The gate: attainment below this reduces the commission.
    min: "Num"


class GateSpec(_GateSpecRequired, total=False):
    """Below a given attainment, nothing or a reduced commission."""
    # Factor applied below the gate (default 0: nothing).
    factor: Union["Num", None]


# A band `[from, to)` of a multiplier table.
_MultiplierBandRequired = TypedDict("_MultiplierBandRequired", {
    # The factor.
    "factor": "Num",
})
_MultiplierBandOptional = TypedDict("_MultiplierBandOptional", {
    # Inclusive lower end; absent for the first band.
    "from": Union["Num", None],
    # Exclusive upper end; absent for the last band.
    "to": Union["Num", None],
}, total=False)


class MultiplierBand(_MultiplierBandRequired, _MultiplierBandOptional):
    """A band `[from, to)` of a multiplier table."""


class MultiplierSpec(TypedDict):
    """A multiplier driven by another indicator, e.g. collection rate below 80% → × 0.8."""
    # Half-open bands of the driver and their factors, contiguous, covering every value.
    bands: List["MultiplierBand"]
    # The driving value: a measure or formula, e.g. `collected / invoiced`.
    driver: "Value"


class _PerformancePaySpecRequired(TypedDict):
    # The base amount: a number, or a measure/formula for per-person bases.
    base: "Value"
    # Where the coefficient comes from.
    coefficient: "CoefficientSpec"


class PerformancePaySpec(_PerformancePaySpecRequired, total=False):
    """Performance pay: base × coefficient × proration."""
    # Highest coefficient.
    cap: Union["Num", None]
    # Lowest coefficient.
    floor: Union["Num", None]
    # Display name, e.g. "Performance pay 绩效工资".
    name: Union[str, None]
    # Part of a period.
    proration: Union["ProrationSpec", None]


class ProrationSpecDaysDays(TypedDict):
    # Days employed in the period (measure, formula or number).
    employed: "Value"
    # Days in the period.
    in_period: "Value"


class ProrationSpecDays(TypedDict):
    """days employed ÷ days in the period."""
    days: "ProrationSpecDaysDays"


class ProrationSpecFactor(TypedDict):
    """A given factor from 0 to 1 (measure, formula or number)."""
    factor: "Value"


# Proration for part of a period.
ProrationSpec = Union["ProrationSpecDays", "ProrationSpecFactor"]


# How a tier table turns a base into commission.
TierMode = Union[Literal["flat"], Literal["retroactive"], Literal["marginal"], Literal["interpolated"]]


# A half-open tier `[from, to)` with a percentage rate or a fixed amount.
_TierSpecRequired = TypedDict("_TierSpecRequired", {
    # Inclusive lower end (the first tier usually starts at 0).
    "from": "Num",
})
_TierSpecOptional = TypedDict("_TierSpecOptional", {
    # A fixed amount paid for reaching this tier (instead of a rate).
    "amount": Union["Num", None],
    # Rate in percent (7.5 means 7.5%).
    "rate": Union["Num", None],
    # Exclusive upper end; absent for the last tier.
    "to": Union["Num", None],
}, total=False)


class TierSpec(_TierSpecRequired, _TierSpecOptional):
    """A half-open tier `[from, to)` with a percentage rate or a fixed amount."""


class ToDateSpec(TypedDict):
    """Period-to-date pricing: where the person already stands and what was already paid."""
    # Commission already paid on it (measure or formula).
    paid: "Value"
    # Base already booked earlier in the period (measure or formula).
    prior_base: "Value"


class _FeedbackSpecRequired(TypedDict):
    # Competencies, each a group of items; the overall score weighs them.
    competencies: List["FeedbackCompetencySpec"]
    # Rater groups (manager, peers, direct reports, customers, self, custom) with weights.
    groups: List["FeedbackGroupSpec"]
    # Identifier, e.g. `360-2026-h1`.
    id: str
    # The default answer scale, e.g. 1–5.
    scale: "FeedbackScaleSpec"


class FeedbackSpec(_FeedbackSpecRequired, total=False):
    """A feedback round's configuration."""
    # How answers are combined.
    #
    # Default: `{"method":"mean","per_rater_first":true,"trim":"0.1","trimmed_min_raters":5}`.
    aggregation: "FeedbackAggregationSpec"
    # Self-versus-others gap (in scale points) from which blind spots and hidden strengths are flagged (default 0.5).
    gap_threshold: Union["Num", None]
    # Count the self-assessment in the combined score (default: no, it is reported beside it).
    #
    # Default: `false`.
    include_self_in_combined: bool
    # Optional rater leniency/severity correction.
    leniency: Union["FeedbackLeniencySpec", None]


# Central tendency over raters.
FeedbackAggregate = Union[Literal["mean"], Literal["median"], Literal["trimmed_mean"]]


class FeedbackAggregationSpec(TypedDict, total=False):
    """How answers are combined."""
    # mean (default), median or trimmed_mean.
    #
    # Default: `"mean"`.
    method: "FeedbackAggregate"
    # Average each rater's answers first, then across raters (default true); false pools all answers.
    #
    # Default: `true`.
    per_rater_first: bool
    # Share of values dropped at each end by the trimmed mean (default 0.1).
    #
    # Default: `"0.1"`.
    trim: "Num"
    # Fewest raters for a trimmed mean; below it the mean is used, and the report says so (default 5).
    #
    # Default: `5`.
    trimmed_min_raters: int


class FeedbackBelowMinimumMergeInto(TypedDict):
    """Its raters join another group (which must then reach its own minimum)."""
    merge_into: str


# What happens to a group with fewer raters than its minimum.
FeedbackBelowMinimum = Union[Literal["suppress"], "FeedbackBelowMinimumMergeInto"]


class _FeedbackCompetencySpecRequired(TypedDict):
    # Identifier.
    id: str
    # The questions.
    items: List["FeedbackItemSpec"]


class FeedbackCompetencySpec(_FeedbackCompetencySpecRequired, total=False):
    """A competency: a weighted group of items."""
    # Display name.
    name: Union[str, None]
    # Weight in the overall score, percent; omit on every competency for equal weights.
    weight: Union["Num", None]


class _FeedbackGroupSpecRequired(TypedDict):
    # Identifier; responses name it.
    id: str
    # Relationship, which sets the default minimum.
    relationship: "FeedbackRelationship"
    # Weight in the combined score (re-normalised over the groups present).
    weight: "Num"


class FeedbackGroupSpec(_FeedbackGroupSpecRequired, total=False):
    """A rater group."""
    # Policy below the minimum (default suppress).
    #
    # Default: `"suppress"`.
    below_minimum: "FeedbackBelowMinimum"
    # Minimum raters to show or count the group (default by relationship).
    min_raters: Union[int, None]
    # Display name.
    name: Union[str, None]


class _FeedbackItemSpecRequired(TypedDict):
    # Identifier, unique in the questionnaire.
    id: str


class FeedbackItemSpec(_FeedbackItemSpecRequired, total=False):
    """One question."""
    # Reverse-coded: a high answer means less of the competency (scored as min + max − answer).
    reverse: bool
    # The item's own scale, when it differs from the default.
    scale: Union["FeedbackScaleSpec", None]
    # The question as asked.
    text: Union[str, None]


# Leniency/severity correction method.
FeedbackLeniencyMethod = Union[Literal["centre"], Literal["standardise"]]


class _FeedbackLeniencySpecRequired(TypedDict):
    # centre or standardise.
    method: "FeedbackLeniencyMethod"


class FeedbackLeniencySpec(_FeedbackLeniencySpecRequired, total=False):
    """Leniency correction settings."""
    # Fewest ratees a rater must have rated, with non-zero spread, to be corrected (default 3).
    #
    # Default: `3`.
    min_ratees: int


# Who a rater is to the ratee.
FeedbackRelationship = Union[Literal["manager"], Literal["skip_level"], Literal["peer"], Literal["direct_report"], Literal["customer"], Literal["self"], Literal["custom"]]


class FeedbackScaleSpec(TypedDict):
    """An answer scale."""
    # Highest answer (e.g. 5, 7 or 10).
    max: "Num"
    # Lowest answer (e.g. 1).
    min: "Num"


class _PeriodResultRequired(TypedDict):
    # Scored under a plan the library never saw (no plan hash): only its totals and grades are
    # known.
    imported: bool
    period: "PeriodText"
    # The person's id.
    person: str
    # It supersedes the earlier result of its person, period and plan (both stay visible).
    restates: bool
    # A later result restates it.
    superseded: bool
    total: "DecimalText"
    vetoed: bool


class PeriodResult(_PeriodResultRequired, total=False):
    """One person's result of one period under one plan: an element of a history's `results`."""
    branch: Union[str, None]
    # The 360 overall score, when the period had a feedback round.
    feedback: Union["DecimalText", None]
    grade: Union[str, None]
    grade_before_veto: Union[str, None]
    indicators: List["IndicatorResult"]
    name: Union[str, None]
    # The pay statement's total.
    pay: Union["DecimalText", None]
    # The plan's id.
    plan: Union[str, None]
    # SHA-256 of the plan's canonical document, hex; absent on imported results.
    plan_hash: Union[str, None]
    role: Union[str, None]
    team: Union[str, None]


# A decimal number as exact text (`"85.5"`), as results write it; readers also take JSON numbers.
DecimalText = str


class _IndicatorResultRequired(TypedDict):
    # The indicator's id in its plan.
    id: str


class IndicatorResult(_IndicatorResultRequired, total=False):
    """One indicator's outcome in a period result."""
    # The measured value (sales, visits …), when known.
    actual: Union["DecimalText", None]
    # Completion, percent.
    completion: Union["DecimalText", None]
    # `red`, `yellow` or `green`.
    light: Union[str, None]
    # Points scored.
    points: Union["DecimalText", None]
    # Its target, when the indicator has one.
    target: Union["DecimalText", None]


# A period: `2026-06`, `2026-Q2`, `2026-H1` or `2026` (legacy spellings such as `2026年6月` are
# read too).
PeriodText = str


class ScoreOptions(TypedDict, total=False):
    """Options for one scoring run."""
    # How far the period has gone, for progress lights and projections; absent at period end.
    #
    # Default: `null`.
    period: Union["PeriodPosition", None]


class PeriodPositionCalendarDays(TypedDict):
    """`elapsed` of `total` calendar days (day 12 of 30 → 0.4)."""
    basis: Literal["calendar_days"]
    # Days gone, including today if it counts.
    elapsed: "Num"
    # Days in the period.
    total: "Num"


class PeriodPositionWorkingDays(TypedDict):
    """`elapsed` of `total` working days, from the caller's calendar."""
    basis: Literal["working_days"]
    # Working days gone.
    elapsed: "Num"
    # Working days in the period.
    total: "Num"


class PeriodPositionProfile(TypedDict):
    """A pace profile: how much of the period's result each sub-period normally brings (e.g.
    weekly weights, or a seasonal curve), and how many sub-periods are complete."""
    basis: Literal["profile"]
    # Number of completed sub-periods (a whole number from 0 to the number of weights).
    elapsed: "Num"
    # Relative weight of each sub-period (non-negative, not all zero).
    weights: List["Num"]


# How far the period has gone.
PeriodPosition = Union["PeriodPositionCalendarDays", "PeriodPositionWorkingDays", "PeriodPositionProfile"]
