// The file formats perfscore reads and writes, as TypeScript: plans, pay plans, 360-degree
// feedback configurations, period results, scorecards, pay statements, feedback rounds and
// score options. Generated from the core's types (the ones that read and write them, as are
// the JSON Schemas beside this file); do not edit. To regenerate:
// `UPDATE_SCHEMA=1 cargo test -p perfscore --test schema`.

/**
 * An assessment plan: what is measured, how each indicator is scored and weighted, and how the
 * total becomes a grade.
 */
export interface PlanSpec {
  /** Bonus points (加分) and deductions (扣分) applied after the weighted sum. */
  adjustments?: AdjustmentSpec[];
  /** Free text shown to people reading the plan. */
  description?: string | null;
  /**
   * Development rules: weak indicators or 360 competencies → training recommendations
   * (used by the `development_needs` analytics operation, which validates them).
   */
  development?: DevelopmentRule[];
  /** Grade bands over the rounded total; together they must cover every possible total exactly once. */
  grades: GradeSpec[];
  /** Stable identifier of the plan, e.g. `monthly-sales-rep`. */
  id: string;
  /** A flat plan: indicators without sections (one implicit section weighing 100%). */
  indicators?: IndicatorSpec[];
  /** The numbers a record carries (actuals, targets, counts), with the column names they go by. */
  measures: MeasureSpec[];
  /** Display name, e.g. "Monthly sales representative plan". */
  name: string;
  /**
   * Red/yellow/green thresholds for progress during a period.
   *
   * Default: `{"green":"100","yellow":"90"}`.
   */
  progress?: ProgressSpec;
  /**
   * Promotion rules: what a person's history must show to be eligible (read by the plan's
   * `promotion_eligibility` operation; docs/history.md).
   */
  promotion?: PromotionRules | null;
  /**
   * Where and how the total is rounded.
   *
   * Default: `{"mode":"half_up","scale":2}`.
   */
  rounding?: RoundingSpec;
  /** Weighted sections (维度), each holding weighted indicators. Use either `sections` or `indicators`. */
  sections?: SectionSpec[];
  /**
   * Named tables of business facts (CRM orders, payments, visits) that measures with `from`
   * aggregate.
   */
  sources?: SourceSpec[];
  /**
   * Optional floor and cap on the total after adjustments.
   *
   * Default: `{}`.
   */
  total?: TotalSpec;
  /** Vetoes (一票否决): conditions that zero the total or cap the grade. */
  vetoes?: VetoSpec[];
}

/** Bonus points or deductions outside the weights. */
export type AdjustmentKind =
  /** 加分: adds points. */
  | 'bonus'
  /** 扣分: removes points. */
  | 'deduction';

/** Points per occurrence, up to a maximum. */
export interface AdjustmentSpec {
  /** Number of occurrences: a measure id or formula. */
  count: Value;
  /** Identifier, unique in the plan. */
  id: string;
  /** Bonus or deduction. */
  kind: AdjustmentKind;
  /** Most points this adjustment can add or remove in total (positive). */
  max?: Num | null;
  /**
   * What happens when the count is missing: error (default), zero (no occurrences).
   *
   * Default: `"error"`.
   */
  missing?: MissingPolicy;
  /** Display name, e.g. "Customer complaints". */
  name?: string | null;
  /** Points per occurrence (a positive number; the kind gives the sign). */
  points_each: Num;
}

/** How a measure aggregates its facts. */
export type Aggregate =
  /** The sum of a number column (0 with no facts). */
  | 'sum'
  /** The number of facts (0 with none). */
  | 'count'
  /** The number of distinct values (or combinations) of the column(s). */
  | 'count_distinct'
  /**
   * The number of values seen for the first time ever in the window: a customer whose
   * first qualifying fact, among all the facts given, falls in the window.
   */
  | 'count_new'
  /** The smallest value (missing with no facts). */
  | 'min'
  /** The largest value (missing with no facts). */
  | 'max'
  /** The mean, at 28 significant digits (missing with no facts). */
  | 'mean'
  /** The value of the earliest fact by date (missing with no facts). */
  | 'first'
  /** The value of the latest fact by date (missing with no facts). */
  | 'last';

/** A measure computed from facts instead of read from records. */
export interface AggregateSpec {
  /** How the facts become one number per person. */
  aggregate: Aggregate;
  /**
   * The column aggregated (not for `count`); for `count_distinct` and `count_new` a list
   * counts distinct combinations (`["customer", "date"]`: once per customer per day).
   */
  column?: Columns | null;
  /**
   * Whose facts a person is credited with: their own (the default), or, through the org
   * table given with the request, their team's, their branch's, or their own and everyone's
   * who reports to them.
   */
  credit?: Credit;
  /**
   * Which facts count, in the formula language over the source's columns
   * (`status == "signed" and product_line == "hardware"`).
   */
  filter?: string | null;
  /** The source's id. */
  source: string;
  /**
   * Which dates count, relative to the scored period.
   *
   * Default: `"period"`.
   */
  window?: Window;
}

/** A half-open interval `[from, to)` with its points; a missing end is unbounded. */
export interface BandSpec {
  /** Inclusive lower end; absent means no lower end. */
  from?: Num | null;
  /** Points for a value in the band. */
  score: Num;
  /** Exclusive upper end; absent means no upper end. */
  to?: Num | null;
}

/** What a scoring method compares: the actual value itself, or completion = actual ÷ target × 100. */
export type Basis =
  /** The actual value as is (e.g. a collection rate of 0.9). */
  | 'actual'
  /** Completion in percent: actual ÷ target × 100 (e.g. 85 for 850,000 of 1,000,000). */
  | 'completion';

/** One column of a source. */
export interface ColumnSpec {
  /** Other names the column goes by in exports (`回款金额`, `Amount (CNY)`). */
  aliases?: string[];
  /** Identifier used in filters: ASCII letters, digits and `_`, not starting with a digit. */
  id: string;
  /** Whether a negative number is a problem (amounts that are never negative). */
  non_negative?: boolean;
  /** Whether a cell may be empty (otherwise an empty cell is a problem). */
  optional?: boolean;
  /** What the cells hold. */
  type: ColumnType;
  /** The allowed values of an `enum` column. */
  values?: string[];
}

/** The type of a column's cells. */
export type ColumnType =
  /** Free text (names, ids; a JSON number is read as its text). */
  | 'text'
  /** An exact decimal number. */
  | 'decimal'
  /** A whole number. */
  | 'integer'
  /** A calendar date, `YYYY-MM-DD`. */
  | 'date'
  /** `true` / `false`. */
  | 'boolean'
  /** One of the column's `values`. */
  | 'enum';

/** One column or several. */
export type Columns =
  /** One column's id. */
  | string
  /** Several columns' ids. */
  | string[];

/**
 * Whose facts a measure credits each person with. Roll-ups read the org table in force on
 * each fact's date and count a fact once per person, whatever its split.
 */
export type Credit =
  /** The facts credited to the person (split facts by their share). */
  | 'owner'
  /** The facts of everyone in the person's team on the fact's date. */
  | 'team'
  /** The facts of everyone in the person's branch on the fact's date. */
  | 'branch'
  /**
   * The person's own facts and those of everyone who reported to them, directly or through
   * other managers, on the fact's date.
   */
  | 'manager';

/** A point of a threshold/target/stretch curve: at this basis value, this many points. */
export interface CurvePoint {
  /** Basis value (actual, or completion in percent). */
  at: Num;
  /** Points awarded at that value. */
  score: Num;
}

/** A development rule (发展需求规则): below this, recommend that. */
export interface DevelopmentRule {
  /** For an indicator: its score (default), completion or actual. */
  basis?: NeedBasis | null;
  /** A need when the value is strictly below this (positive) threshold. */
  below: Num;
  /** The 360 competency tested: the person's combined score on the answer scale. */
  competency?: string | null;
  /** Optional identifier, unique among the rules, shown with each need. */
  id?: string | null;
  /** The indicator tested (give this or `competency`). */
  indicator?: string | null;
  /** The recommended training or action. */
  recommend: string;
  /** The recommendation in Chinese, if the plan has one. */
  recommend_zh?: string | null;
}

/** At least `at_least` of the last `in_last` periods graded one of `grades`. */
export interface GradeCount {
  /** How many periods must have one of them. */
  at_least: number;
  /** The grades that count (`["S", "A"]`). */
  grades: string[];
  /** Out of how many periods, ending at the as-of period. */
  in_last: number;
}

/** A grade and the half-open range of rounded totals `[from, to)` it covers. */
export interface GradeSpec {
  /** Inclusive lowest total; absent for the lowest grade. */
  from?: Num | null;
  /** The grade, e.g. `S`, `A`, `B`. */
  grade: string;
  /** Optional description, e.g. "Outstanding" / "卓越". */
  label?: string | null;
  /** Exclusive upper total; absent for the highest grade. */
  to?: Num | null;
}

/** What an indicator measures. */
export type IndicatorKind =
  /** An outcome: revenue, collection, margin, contracts, new customers. */
  | 'result'
  /** An activity that leads to outcomes: visits, opportunities, demos. */
  | 'process'
  /** Conduct and attitude, usually rated. */
  | 'behaviour';

/** One scored indicator. */
export interface IndicatorSpec {
  /** The achieved value: a number, a measure id, or a formula over measures. */
  actual: Value;
  /** Identifier, unique in the plan. */
  id: string;
  /**
   * Result, process or behaviour.
   *
   * Default: `"result"`.
   */
  kind?: IndicatorKind;
  /**
   * What happens when a measure it needs is missing from a record.
   *
   * Default: `"error"`.
   */
  missing?: MissingPolicy;
  /** Display name, e.g. "Sales completion". */
  name?: string | null;
  /** How the actual (and target) become points. */
  scoring: MethodSpec;
  /** The target: a number, a measure id (per-person targets), or a formula. */
  target?: Value | null;
  /** Whether this indicator accumulates over the period, so that progress lights apply to it. */
  track_progress?: boolean;
  /** Weight in percent of its section. */
  weight: Num;
}

/** Form of the lower-is-better ratio. */
export type LowerIsBetterForm =
  /** target ÷ actual × 100 (actual 0 scores the cap). */
  | 'inverse'
  /** (2 − actual ÷ target) × 100: each percent over target costs one point. */
  | 'linear';

/** A number a record carries. */
export interface MeasureSpec {
  /** Other names the measure goes by in exports (e.g. `回款金额` for `collected`). */
  aliases?: string[];
  /**
   * Computed from facts instead of read from records: which source, how aggregated, which
   * facts and dates count.
   */
  from?: AggregateSpec | null;
  /** Identifier used in formulas and records: ASCII letters, digits and `_`, not starting with a digit. */
  id: string;
  /** Display name. */
  name?: string | null;
  /** Unit, e.g. `CNY`, `count`, `%`. */
  unit?: string | null;
}

/** How an indicator's value becomes points. Edge cases are documented per method in `docs/scoring-methods.md`. */
export type MethodSpec =
  /** actual ÷ target × 100, then floor (default 0) and optional cap. */
  | {
    /** Highest score (default: none). */
    cap?: Num | null;
    /** Lowest score (default 0). */
    floor?: Num | null;
    method: 'ratio';
    /** Points when the target is 0 (default: a target of 0 is an error). */
    zero_target_score?: Num | null;
  }
  /** For costs, complaints, days sales outstanding: less is better. */
  | {
    /** Highest score; required, since an actual of 0 would otherwise be unbounded. */
    cap: Num;
    /** Lowest score (default 0). */
    floor?: Num | null;
    /**
     * inverse (target ÷ actual × 100, default) or linear ((2 − actual ÷ target) × 100).
     *
     * Default: `"inverse"`.
     */
    form?: LowerIsBetterForm;
    method: 'lower_is_better';
  }
  /** 门槛值/目标值/挑战值: 0 below threshold, linear between the points, capped at stretch. */
  | {
    /** What the points are placed on (default: completion if the indicator has a target, else actual). */
    basis?: Basis | null;
    /** Points below the threshold (default 0). */
    below_threshold?: Num | null;
    method: 'threshold_target_stretch';
    /** The stretch (challenge) value; above it the score stays at its points. */
    stretch?: CurvePoint | null;
    /** The target value. */
    target: CurvePoint;
    /** The lowest value that earns points. */
    threshold: CurvePoint;
  }
  /** 区间法: half-open bands `[from, to)`, contiguous, no gaps or overlaps. */
  | {
    /** The bands, in ascending order. */
    bands: BandSpec[];
    /** What the bands are placed on (default: completion if the indicator has a target, else actual). */
    basis?: Basis | null;
    method: 'bands';
  }
  /** 非此即彼: full points if the condition holds, else none. */
  | {
    /** Points when failed (default 0). */
    fail_score?: Num | null;
    method: 'pass_fail';
    /** A condition over `actual`, `target` and measures, e.g. `actual >= 4`. */
    pass_if: string;
    /** Points when passed (default 100). */
    pass_score?: Num | null;
  }
  /** A rating on a scale (1–5 stars, 0–10) mapped to points. */
  | {
    /** Highest rating on the scale. */
    max: Num;
    method: 'rating';
    /** Lowest rating on the scale. */
    min: Num;
    /** Explicit points per rating; absent means linear from `min` → 0 to `max` → 100. */
    points?: RatingPoint[];
  }
  /** Start from `start` points and deduct `per_unit` for each unit of the actual (e.g. per error). */
  | {
    /** Lowest score (default 0). */
    floor?: Num | null;
    method: 'deduction';
    /** Points deducted per unit. */
    per_unit: Num;
    /** Points with nothing deducted (default 100). */
    start?: Num | null;
  }
  /** A custom formula over `actual`, `target`, `completion` and measures, then optional floor and cap. */
  | {
    /** Highest score. */
    cap?: Num | null;
    /** The formula, e.g. `if(actual >= target, 100, actual / target * 90)`. */
    expr: string;
    /** Lowest score. */
    floor?: Num | null;
    method: 'formula';
  };

/** The latest 360 overall score in the last `in_last` periods is at least `at_least`. */
export interface MinFeedback {
  /** The lowest passing score. */
  at_least: Num;
  /** The periods searched for the latest score, ending at the as-of period. */
  in_last: number;
}

/** What to do when a record lacks a measure an indicator needs. */
export type MissingPolicy =
  /** Refuse to score the record, naming the record and the measure. The default. */
  | 'error'
  /** Score the indicator as 0 points, flagged. */
  | 'zero'
  /** Leave the indicator out and re-weight the rest of its section proportionally, flagged. */
  | 'reweight';

/** What an indicator rule tests. */
export type NeedBasis =
  /** The indicator's points (after floor and cap). The default. */
  | 'score'
  /** Completion, percent (the indicator needs a target). */
  | 'completion'
  /** The actual value. */
  | 'actual';

/** A decimal number: a JSON number, or a string of digits for values a JSON number cannot carry exactly. */
export type Num =
  | number
  | string;

/** Thresholds for progress lights, in percent of the expected pace. */
export interface ProgressSpec {
  /**
   * Green at or above this pace (default 100).
   *
   * Default: `"100"`.
   */
  green?: Num;
  /**
   * Yellow at or above this pace (default 90); red below.
   *
   * Default: `"90"`.
   */
  yellow?: Num;
}

/** The promotion rules; every rule given must pass. */
export interface PromotionRules {
  /** At least `at_least` periods graded one of `grades` in the last `in_last` periods. */
  grade_count?: GradeCount | null;
  /** The latest 360 overall score in the last `in_last` periods is at least `at_least`. */
  min_feedback?: MinFeedback | null;
  /** At least this many periods assessed up to the as-of period. */
  min_periods?: number | null;
  /** No vetoed period in the last `n` periods. */
  no_veto_in_last?: number | null;
}

/** One step of a rating scale and its points. */
export interface RatingPoint {
  /** The rating, e.g. 4 (stars). */
  rating: Num;
  /** Points for that rating. */
  score: Num;
}

/** How a value is rounded to the plan's scale. */
export type RoundingMode =
  /** 四舍五入: halves go away from zero (2.345 → 2.35, −2.345 → −2.35). The default. */
  | 'half_up'
  /** Banker's rounding: halves go to the even neighbour (2.345 → 2.34, 2.355 → 2.36). */
  | 'half_even'
  /** Truncate toward zero (2.349 → 2.34). */
  | 'down';

/** Where and how the total is rounded. */
export interface RoundingSpec {
  /**
   * half_up (四舍五入, default), half_even or down.
   *
   * Default: `"half_up"`.
   */
  mode?: RoundingMode;
  /**
   * Decimal places of the total (0–10, default 2).
   *
   * Default: `2`.
   */
  scale?: number;
}

/** A weighted group of indicators. */
export interface SectionSpec {
  /** Identifier, unique in the plan. */
  id: string;
  /** The section's indicators; their weights add up to exactly 100. */
  indicators: IndicatorSpec[];
  /** Display name, e.g. "Results" / "结果指标". */
  name?: string | null;
  /** Weight in percent of the total; section weights add up to exactly 100. */
  weight: Num;
}

/** A named table of business facts (CRM orders, payments, visits…) that measures aggregate. */
export interface SourceSpec {
  /** The columns perfscore reads; other columns of an export are ignored. */
  columns: ColumnSpec[];
  /**
   * A text column that splits a fact's credit between people (`E001:60;E002:40`, shares in
   * percent adding up to exactly 100); where it is empty the owner has all of it.
   */
  credit_column?: string | null;
  /** The date column that places each fact in a period. */
  date_column: string;
  /** Identifier, e.g. `orders`: the key the facts are given under. */
  id: string;
  /** The column holding each fact's id, unique in the source. */
  id_column: string;
  /** Display name, e.g. "CRM orders". */
  name?: string | null;
  /** The column naming the person credited with the fact (an empty cell: unassigned). */
  owner_column: string;
}

/** Bounds on the total after adjustments. */
export interface TotalSpec {
  /** Highest total. */
  cap?: Num | null;
  /** Lowest total (e.g. 0 so deductions cannot make it negative). */
  floor?: Num | null;
}

/** A JSON number (constant), or a string: a measure id such as `revenue` or a formula such as `collected / invoiced`. */
export type Value =
  | number
  | string;

/** What a triggered veto does. */
export type VetoEffect =
  /** The total becomes 0 (and the grade is the one 0 falls in). */
  | 'zero_total'
  /** The grade is at most this one; the total is kept. */
  | {
    cap_grade: string;
  };

/** 一票否决: a condition that overrides the score. */
export interface VetoSpec {
  /** Zero the total, or cap the grade. */
  effect: VetoEffect;
  /** Identifier, unique in the plan. */
  id: string;
  /**
   * What happens when a measure of the condition is missing: error (default) or zero (treat as not triggered).
   *
   * Default: `"error"`.
   */
  missing?: MissingPolicy;
  /** Display name, e.g. "Compliance violation". */
  name?: string | null;
  /** Condition over measures, e.g. `compliance_violations > 0`. */
  when: string;
}

/**
 * The dates a measure counts, relative to the scored period and the as-of date. `end` below is
 * the period's last day, or the as-of date when that is earlier (period-to-date).
 */
export type Window =
  /** From the period's first day to `end`. */
  | 'period'
  /** Every fact dated up to `end`. */
  | 'to_date'
  /** The same dates one year earlier (same period last year, to the same day). */
  | 'last_year'
  /** The `n` days up to and including `end`. */
  | {
    last_days: number;
  }
  /** The `n` months up to and including `end`. */
  | {
    last_months: number;
  }
  /** Fixed dates, both included. */
  | {
    range: {
      /** First day, `YYYY-MM-DD`. */
      from: string;
      /** Last day, `YYYY-MM-DD`. */
      to: string;
    };
  };

/** How a person's pay is computed from their scorecard and numbers. */
export interface PayPlanSpec {
  /** Commission lines. */
  commissions?: CommissionSpec[];
  /** The currency and its minor units. */
  currency: CurrencySpec;
  /** Identifier, e.g. `sales-pay-2026`. */
  id: string;
  /** Performance pay from the grade or score. */
  performance_pay?: PerformancePaySpec | null;
  /**
   * Rounding mode for each payable line (half_up 四舍五入 by default).
   *
   * Default: `"half_up"`.
   */
  rounding?: RoundingMode;
}

/** A point of the score → coefficient curve. */
export interface CoefficientPoint {
  /** Total score. */
  at: Num;
  /** Coefficient at that score. */
  coefficient: Num;
}

/** The performance-pay coefficient: from the grade, or from the total score. */
export type CoefficientSpec =
  /** Grade → coefficient, e.g. `{"S": 1.5, "A": 1.2, "B": 1.0, "C": 0.8, "D": 0}`; every grade of the plan must be listed. */
  | {
    by_grade: { [key: string]: Num };
  }
  /** Piecewise-linear in the rounded total: points ascending in `at`; flat beyond the ends. */
  | {
    by_score: CoefficientPoint[];
  };

/** One commission line. */
export interface CommissionSpec {
  /** The commission base: revenue, gross margin or cash collected (a measure or formula). */
  base: Value;
  /** Most commission this line pays. */
  cap?: Num | null;
  /** Optional attainment gate. */
  gate?: GateSpec | null;
  /** Identifier, unique in the pay plan. */
  id: string;
  /** flat, retroactive, marginal or interpolated. */
  mode: TierMode;
  /** Optional multiplier table. */
  multiplier?: MultiplierSpec | null;
  /** Display name, e.g. "Sales commission 销售提成". */
  name?: string | null;
  /** Half-open tiers, contiguous, the last one open-ended. */
  tiers: TierSpec[];
  /** Period-to-date pricing and true-up. */
  to_date?: ToDateSpec | null;
}

/** A currency: ISO code and the number of decimal places of its minor unit. */
export interface CurrencySpec {
  /** ISO 4217 code, e.g. `CNY`, `JPY`. */
  code: string;
  /** Decimal places of the minor unit; known codes default (CNY/USD/EUR 2, JPY/KRW 0, KWD/BHD 3). */
  minor_units?: number | null;
}

/** Below a given attainment, nothing or a reduced commission. */
export interface GateSpec {
  /** Attainment, usually in percent: a measure or formula, e.g. `revenue / revenue_target * 100`. */
  attainment: Value;
  /** Factor applied below the gate (default 0: nothing). */
  factor?: Num | null;
  /** The gate: attainment below this reduces the commission. */
  min: Num;
}

/** A band `[from, to)` of a multiplier table. */
export interface MultiplierBand {
  /** The factor. */
  factor: Num;
  /** Inclusive lower end; absent for the first band. */
  from?: Num | null;
  /** Exclusive upper end; absent for the last band. */
  to?: Num | null;
}

/** A multiplier driven by another indicator, e.g. collection rate below 80% → × 0.8. */
export interface MultiplierSpec {
  /** Half-open bands of the driver and their factors, contiguous, covering every value. */
  bands: MultiplierBand[];
  /** The driving value: a measure or formula, e.g. `collected / invoiced`. */
  driver: Value;
}

/** Performance pay: base × coefficient × proration. */
export interface PerformancePaySpec {
  /** The base amount: a number, or a measure/formula for per-person bases. */
  base: Value;
  /** Highest coefficient. */
  cap?: Num | null;
  /** Where the coefficient comes from. */
  coefficient: CoefficientSpec;
  /** Lowest coefficient. */
  floor?: Num | null;
  /** Display name, e.g. "Performance pay 绩效工资". */
  name?: string | null;
  /** Part of a period. */
  proration?: ProrationSpec | null;
}

/** Proration for part of a period. */
export type ProrationSpec =
  /** days employed ÷ days in the period. */
  | {
    days: {
      /** Days employed in the period (measure, formula or number). */
      employed: Value;
      /** Days in the period. */
      in_period: Value;
    };
  }
  /** A given factor from 0 to 1 (measure, formula or number). */
  | {
    factor: Value;
  };

/** How a tier table turns a base into commission. */
export type TierMode =
  /** One rate on the whole base (a single tier). */
  | 'flat'
  /** 全额累进: the rate of the tier reached applies to the whole base. */
  | 'retroactive'
  /** 超额累进: each slice of the base at its own tier's rate. */
  | 'marginal'
  /**
   * The rate moves linearly from each tier's rate to the next tier's across the tier; the
   * resulting rate applies to the whole base.
   */
  | 'interpolated';

/** A half-open tier `[from, to)` with a percentage rate or a fixed amount. */
export interface TierSpec {
  /** A fixed amount paid for reaching this tier (instead of a rate). */
  amount?: Num | null;
  /** Inclusive lower end (the first tier usually starts at 0). */
  from: Num;
  /** Rate in percent (7.5 means 7.5%). */
  rate?: Num | null;
  /** Exclusive upper end; absent for the last tier. */
  to?: Num | null;
}

/** Period-to-date pricing: where the person already stands and what was already paid. */
export interface ToDateSpec {
  /** Commission already paid on it (measure or formula). */
  paid: Value;
  /** Base already booked earlier in the period (measure or formula). */
  prior_base: Value;
}

/** A feedback round's configuration. */
export interface FeedbackSpec {
  /**
   * How answers are combined.
   *
   * Default: `{"method":"mean","per_rater_first":true,"trim":"0.1","trimmed_min_raters":5}`.
   */
  aggregation?: FeedbackAggregationSpec;
  /** Competencies, each a group of items; the overall score weighs them. */
  competencies: FeedbackCompetencySpec[];
  /** Self-versus-others gap (in scale points) from which blind spots and hidden strengths are flagged (default 0.5). */
  gap_threshold?: Num | null;
  /** Rater groups (manager, peers, direct reports, customers, self, custom) with weights. */
  groups: FeedbackGroupSpec[];
  /** Identifier, e.g. `360-2026-h1`. */
  id: string;
  /**
   * Count the self-assessment in the combined score (default: no, it is reported beside it).
   *
   * Default: `false`.
   */
  include_self_in_combined?: boolean;
  /** Optional rater leniency/severity correction. */
  leniency?: FeedbackLeniencySpec | null;
  /** The default answer scale, e.g. 1–5. */
  scale: FeedbackScaleSpec;
}

/** Central tendency over raters. */
export type FeedbackAggregate =
  /** Arithmetic mean (default). */
  | 'mean'
  /** Median (mean of the two middle values for an even count). */
  | 'median'
  /** Mean after dropping `trim` of the values at each end, when there are enough raters. */
  | 'trimmed_mean';

/** How answers are combined. */
export interface FeedbackAggregationSpec {
  /**
   * mean (default), median or trimmed_mean.
   *
   * Default: `"mean"`.
   */
  method?: FeedbackAggregate;
  /**
   * Average each rater's answers first, then across raters (default true); false pools all answers.
   *
   * Default: `true`.
   */
  per_rater_first?: boolean;
  /**
   * Share of values dropped at each end by the trimmed mean (default 0.1).
   *
   * Default: `"0.1"`.
   */
  trim?: Num;
  /**
   * Fewest raters for a trimmed mean; below it the mean is used, and the report says so (default 5).
   *
   * Default: `5`.
   */
  trimmed_min_raters?: number;
}

/** What happens to a group with fewer raters than its minimum. */
export type FeedbackBelowMinimum =
  /** Not shown and not counted (the default). */
  | 'suppress'
  /** Its raters join another group (which must then reach its own minimum). */
  | {
    merge_into: string;
  };

/** A competency: a weighted group of items. */
export interface FeedbackCompetencySpec {
  /** Identifier. */
  id: string;
  /** The questions. */
  items: FeedbackItemSpec[];
  /** Display name. */
  name?: string | null;
  /** Weight in the overall score, percent; omit on every competency for equal weights. */
  weight?: Num | null;
}

/** A rater group. */
export interface FeedbackGroupSpec {
  /**
   * Policy below the minimum (default suppress).
   *
   * Default: `"suppress"`.
   */
  below_minimum?: FeedbackBelowMinimum;
  /** Identifier; responses name it. */
  id: string;
  /** Minimum raters to show or count the group (default by relationship). */
  min_raters?: number | null;
  /** Display name. */
  name?: string | null;
  /** Relationship, which sets the default minimum. */
  relationship: FeedbackRelationship;
  /** Weight in the combined score (re-normalised over the groups present). */
  weight: Num;
}

/** One question. */
export interface FeedbackItemSpec {
  /** Identifier, unique in the questionnaire. */
  id: string;
  /** Reverse-coded: a high answer means less of the competency (scored as min + max − answer). */
  reverse?: boolean;
  /** The item's own scale, when it differs from the default. */
  scale?: FeedbackScaleSpec | null;
  /** The question as asked. */
  text?: string | null;
}

/** Leniency/severity correction method. */
export type FeedbackLeniencyMethod =
  /** Shift each rater's answers by (grand mean − rater's mean). */
  | 'centre'
  /** Rescale each rater's answers to the grand mean and spread. */
  | 'standardise';

/** Leniency correction settings. */
export interface FeedbackLeniencySpec {
  /** centre or standardise. */
  method: FeedbackLeniencyMethod;
  /**
   * Fewest ratees a rater must have rated, with non-zero spread, to be corrected (default 3).
   *
   * Default: `3`.
   */
  min_ratees?: number;
}

/** Who a rater is to the ratee. */
export type FeedbackRelationship =
  /** The direct manager. */
  | 'manager'
  /** The manager's manager. */
  | 'skip_level'
  /** Colleagues at the same level. */
  | 'peer'
  /** People who report to the ratee. */
  | 'direct_report'
  /** Customers. */
  | 'customer'
  /** The ratee about themself. */
  | 'self'
  /** Any other group. */
  | 'custom';

/** An answer scale. */
export interface FeedbackScaleSpec {
  /** Highest answer (e.g. 5, 7 or 10). */
  max: Num;
  /** Lowest answer (e.g. 1). */
  min: Num;
}

/** One person's result of one period under one plan: an element of a history's `results`. */
export interface PeriodResult {
  branch?: string | null;
  /** The 360 overall score, when the period had a feedback round. */
  feedback?: DecimalText | null;
  grade?: string | null;
  grade_before_veto?: string | null;
  /**
   * Scored under a plan the library never saw (no plan hash): only its totals and grades are
   * known.
   */
  imported: boolean;
  indicators?: IndicatorResult[];
  name?: string | null;
  /** The pay statement's total. */
  pay?: DecimalText | null;
  period: PeriodText;
  /** The person's id. */
  person: string;
  /** The plan's id. */
  plan?: string | null;
  /** SHA-256 of the plan's canonical document, hex; absent on imported results. */
  plan_hash?: string | null;
  /** It supersedes the earlier result of its person, period and plan (both stay visible). */
  restates: boolean;
  role?: string | null;
  /** A later result restates it. */
  superseded: boolean;
  team?: string | null;
  total: DecimalText;
  vetoed: boolean;
}

/** A decimal number as exact text (`"85.5"`), as results write it; readers also take JSON numbers. */
export type DecimalText = string;

/** One indicator's outcome in a period result. */
export interface IndicatorResult {
  /** The measured value (sales, visits …), when known. */
  actual?: DecimalText | null;
  /** Completion, percent. */
  completion?: DecimalText | null;
  /** The indicator's id in its plan. */
  id: string;
  /** `red`, `yellow` or `green`. */
  light?: string | null;
  /** Points scored. */
  points?: DecimalText | null;
  /** Its target, when the indicator has one. */
  target?: DecimalText | null;
}

/**
 * A period: `2026-06`, `2026-Q2`, `2026-H1` or `2026` (legacy spellings such as `2026年6月` are
 * read too).
 */
export type PeriodText = string;

/** One person's scorecard. */
export interface Scorecard {
  /** Sum of adjustment points (signed). */
  adjustment_total: DecimalText;
  /** Bonus points and deductions, in plan order. */
  adjustments: AdjustmentScore[];
  /** Other attributes from the record. */
  attributes?: { [key: string]: string };
  /** Branch. */
  branch?: string;
  /** Department. */
  department?: string;
  /** The grade of the rounded total (after any veto's grade cap). */
  grade: string;
  /** The grade the total alone would have earned, when a veto capped it. */
  grade_before_veto?: string;
  /** The person's name. */
  name?: string;
  /** Id of the plan that scored it. */
  plan_id: string;
  /** Progress summary, when scored mid-period. */
  progress?: ProgressSummary;
  /** The record's id. */
  record_id: string;
  /** Section results, in plan order. */
  sections: SectionScore[];
  /** Team. */
  team?: string;
  /** The total, rounded once with the plan's scale and mode. */
  total: DecimalText;
  /** Which bound of the plan's total floor/cap applied, if any. */
  total_bound?: Bound;
  /** The total before rounding (after adjustments, bounds and vetoes). */
  unrounded_total: DecimalText;
  /** Vetoes that were triggered. */
  vetoes: VetoHit[];
  /** Sum of all indicator contributions, before adjustments. */
  weighted_total: DecimalText;
}

/** A bonus or deduction and what it came to. */
export interface AdjustmentScore {
  /** True for bonus points, false for a deduction. */
  bonus: boolean;
  /** The maximum limited the points. */
  capped?: boolean;
  /** Number of occurrences. */
  count: DecimalText;
  /** Adjustment id. */
  id: string;
  /** The count was missing and taken as 0 by the plan's policy. */
  missing?: boolean;
  /** Display name. */
  name: string;
  /** Signed points applied (after the maximum). */
  points: DecimalText;
  /** Points per occurrence. */
  points_each: DecimalText;
}

/** A half-open band `[from, to)`. */
export interface Band {
  /** Inclusive lower end, `None` for unbounded. */
  from: DecimalText | null;
  /** Points for a value in the band. */
  score: DecimalText;
  /** Exclusive upper end, `None` for unbounded. */
  to: DecimalText | null;
}

/** Which bound changed the raw points, if any. */
export type Bound =
  /** Raised to the floor. */
  | 'floor'
  /** Lowered to the cap. */
  | 'cap';

/** Which rule produced an indicator's points: the step-by-step record explanations are rendered from. */
export type Detail =
  /** completion = actual ÷ target × 100. */
  | {
    method: 'ratio';
  }
  /** The target was 0; the plan's fixed points apply. */
  | {
    method: 'zero_target';
  }
  /** Lower is better. */
  | {
    /** inverse or linear. */
    form: LowerIsBetterForm;
    method: 'lower_is_better';
  }
  /** Threshold/target/stretch interpolation on the basis value. */
  | {
    /** What the curve is placed on. */
    basis: Basis;
    method: 'curve';
    /** The basis value. */
    value: DecimalText;
  } & ({
    segment: 'below_threshold';
  } | {
    /** Lower point's basis value. */
    from_at: DecimalText;
    /** Lower point's points. */
    from_score: DecimalText;
    segment: 'between';
    /** Upper point's basis value. */
    to_at: DecimalText;
    /** Upper point's points. */
    to_score: DecimalText;
  } | {
    segment: 'at_or_above_top';
  })
  /** Step bands. */
  | {
    /** The band it fell in. */
    band: Band;
    /** What the bands are placed on. */
    basis: Basis;
    method: 'bands';
    /** The basis value. */
    value: DecimalText;
  }
  /** Pass/fail. */
  | {
    method: 'pass_fail';
    /** Whether the condition held. */
    passed: boolean;
  }
  /** A rating on a scale. */
  | {
    method: 'rating';
    /** Explicit table (true) or linear mapping (false). */
    table: boolean;
  }
  /** Points deducted per unit from a start value. */
  | {
    method: 'deduction';
    /** Points per unit. */
    per_unit: DecimalText;
    /** Points with nothing deducted. */
    start: DecimalText;
  }
  /** A custom formula. */
  | {
    method: 'formula';
  }
  /** A needed measure was missing and the plan scores it as zero. */
  | {
    method: 'missing_scored_zero';
  }
  /** A needed measure was missing and the indicator was left out; its section was re-weighted. */
  | {
    method: 'missing_left_out';
  };

/** One indicator's result. */
export interface IndicatorScore {
  /** The actual value (absent when missing). */
  actual: DecimalText | null;
  /** Which bound applied, if any. */
  bound?: Bound;
  /** actual ÷ target × 100, when the target is positive. */
  completion?: DecimalText;
  /** Its part of the weighted total: weighted × section's effective weight ÷ 100. */
  contribution: DecimalText;
  /** The rule that produced the points. */
  detail: Detail;
  /** Weight actually used after re-weighting for missing data. */
  effective_weight: DecimalText;
  /** Indicator id. */
  id: string;
  /** Result, process or behaviour. */
  kind: IndicatorKind;
  /** The measure that was missing, when the missing-data policy applied. */
  missing?: string;
  /** Display name. */
  name: string;
  /** Progress to date, when scored mid-period and the indicator is tracked. */
  progress?: Progress;
  /** Points before floor/cap. */
  raw_score: DecimalText;
  /** Points after floor/cap (0 when left out). */
  score: DecimalText;
  /** The target, if the indicator has one. */
  target?: DecimalText;
  /** Weight in its section, percent, as planned. */
  weight: DecimalText;
  /** score × effective weight ÷ 100: its part of the section score. */
  weighted: DecimalText;
}

/** Progress of one indicator to date. */
export interface Progress {
  /** target × fraction. */
  expected: DecimalText;
  /** Fraction of the period gone, 0–1. */
  fraction: DecimalText;
  /** actual ÷ expected × 100; `None` when expected is not positive. */
  pace: DecimalText | null;
  /** actual ÷ fraction; `None` when no time has passed. */
  projected: DecimalText | null;
  /** The indicator's score if the projection comes true; filled in by the scorer. */
  projected_score: DecimalText | null;
  /** The light; `None` when pace is undefined. */
  status: Status | null;
}

/** Mid-period summary for the person. */
export interface ProgressSummary {
  /** Fraction of the period gone. */
  fraction: DecimalText;
  /** The grade of the projected total. */
  projected_grade: string | null;
  /** The total if every tracked indicator ends the period at its projection, rounded like the total. */
  projected_total: DecimalText | null;
  /** The worst light among tracked indicators (any red → red); `None` if none has a light. */
  status: Status | null;
}

/** A section's result. */
export interface SectionScore {
  /** Share of the weighted total: Σ of its indicators' contributions. */
  contribution: DecimalText;
  /** Weight actually used (differs when another section was left out). */
  effective_weight: DecimalText;
  /** Section id. */
  id: string;
  /** Indicator results, in plan order. */
  indicators: IndicatorScore[];
  /** Every indicator was left out for missing data, so the section was too. */
  left_out?: boolean;
  /** Display name. */
  name: string;
  /** Σ indicator score × effective indicator weight ÷ 100. */
  score: DecimalText;
  /** Weight in the plan, percent. */
  weight: DecimalText;
}

/** A traffic light. */
export type Status =
  /** Behind: below the yellow threshold. */
  | 'red'
  /** Slightly behind. */
  | 'yellow'
  /** On or ahead of pace. */
  | 'green';

/** A triggered veto. */
export interface VetoHit {
  /** The condition, as written in the plan. */
  condition: string;
  /** `zero_total`, or the grade it caps at. */
  effect: VetoOutcome;
  /** Veto id. */
  id: string;
  /** Display name. */
  name: string;
}

/** What a triggered veto did. */
export type VetoOutcome =
  /** The total was set to 0. */
  | 'zero_total'
  /** The grade was capped at this grade. */
  | {
    cap_grade: string;
  };

/** One person's pay. */
export interface PayStatement {
  /** Currency code. */
  currency: string;
  /** Payable lines, each rounded once. */
  lines: PayLine[];
  /** The person's name. */
  name?: string;
  /** The pay plan. */
  pay_plan_id: string;
  /** The person's record id. */
  record_id: string;
  /** Sum of the rounded lines, in minor units. */
  total: DecimalText;
}

/** Where a performance-pay coefficient came from. */
export type CoefficientSource =
  /** The grade table. */
  | 'grade'
  /** The score curve. */
  | 'score';

/** The attainment gate of a commission. */
export interface GateOutcome {
  /** Whether the attainment was below the gate. */
  applied: boolean;
  /** Attainment found. */
  attainment: DecimalText;
  /** Factor below the gate. */
  factor: DecimalText;
  /** The gate. */
  min: DecimalText;
}

/** The multiplier of a commission. */
export interface MultiplierOutcome {
  /** The driving value (e.g. collection rate). */
  driver: DecimalText;
  /** The factor its band gives. */
  factor: DecimalText;
}

/** A payable line. */
export interface PayLine {
  /** Amount paid, rounded once to the minor unit. */
  amount: DecimalText;
  /** The base amount (performance-pay base, or the commission base this period). */
  base: DecimalText;
  /** How it was computed. */
  detail: PayLineDetail;
  /** `performance_pay` or the commission id. */
  id: string;
  /** Display name. */
  name: string;
  /** Exact amount before rounding. */
  unrounded: DecimalText;
}

/** How a line was computed. */
export type PayLineDetail =
  /** base × coefficient × proration. */
  | {
    /** Which bound applied. */
    bound?: Bound;
    /** Coefficient used. */
    coefficient: DecimalText;
    /** The scorecard's grade. */
    grade: string;
    kind: 'performance_pay';
    /** Proration factor, if any. */
    proration?: DecimalText;
    /** Coefficient before floor/cap. */
    raw_coefficient: DecimalText;
    /** The scorecard's rounded total. */
    score: DecimalText;
    /** Grade table or score curve. */
    source: CoefficientSource;
  }
  /** Tiered commission. */
  | {
    /** The cap applied. */
    capped: boolean;
    /** Attainment gate. */
    gate?: GateOutcome;
    kind: 'commission';
    /** Tier mode. */
    mode: TierMode;
    /** Multiplier. */
    multiplier?: MultiplierOutcome;
    /** Slices of the (cumulative) base and their commission. */
    slices: PaySlice[];
    /** Commission from the tiers alone. */
    tiers_commission: DecimalText;
    /** Period-to-date pricing. */
    to_date?: ToDateOutcome;
  };

/** The part of the base priced in one tier. */
export interface PaySlice {
  /** Fixed amount, for an amount tier. */
  amount: DecimalText | null;
  /** The part of the base priced here. */
  base: DecimalText;
  /** Commission from this slice. */
  commission: DecimalText;
  /** Tier's lower end. */
  from: DecimalText;
  /** Rate in percent, for a rate tier (for interpolated mode: the interpolated rate). */
  rate: DecimalText | null;
  /** Tier's upper end (`None`: open). */
  to: DecimalText | null;
}

/** Period-to-date pricing of a commission. */
export interface ToDateOutcome {
  /** Prior + this period's base: where the tiers were read. */
  cumulative_base: DecimalText;
  /** Commission due on the cumulative base. */
  due: DecimalText;
  /** Already paid; the line pays due − paid (a true-up). */
  paid: DecimalText;
  /** Base booked earlier in the period. */
  prior_base: DecimalText;
}

/** A whole round. */
export interface FeedbackRound {
  /** The configuration id. */
  feedback_id: string;
  /** Leniency corrections applied. */
  leniency: FeedbackLeniencyCorrection[];
  /** Round reliability. */
  reliability: FeedbackReliability;
  /** One report per ratee, by ratee id. */
  reports: FeedbackReport[];
}

/** Self minus others on one item or competency. */
export interface FeedbackGap {
  /** Blind spot, hidden strength, or none. */
  flag: FeedbackGapFlag;
  /** self − others. */
  gap: DecimalText;
  /** Its id. */
  id: string;
  /** Item or competency. */
  level: FeedbackGapLevel;
  /** Combined score of the others. */
  others: DecimalText;
  /** Self score. */
  self_score: DecimalText;
}

/** How a self-versus-others gap is read. */
export type FeedbackGapFlag =
  /** Self rates at least the threshold higher than others do. */
  | 'blind_spot'
  /** Self rates at least the threshold lower than others do. */
  | 'hidden_strength'
  /** Within the threshold. */
  | 'none';

/** Item or competency level of a gap. */
export type FeedbackGapLevel =
  /** An item. */
  | 'item'
  /** A competency. */
  | 'competency';

/** One rater group's result for a ratee. */
export type FeedbackGroupResult = {
  /** Group id. */
  id: string;
  /** Display name. */
  name: string;
  /** Number of raters counted (only for shown groups, so small groups cannot be identified). */
  raters: number | null;
  /** Scores, for shown groups only. */
  scores: FeedbackScores | null;
  /** The group's planned weight. */
  weight: DecimalText;
} & ({
  status: 'shown';
} | {
  /** The minimum it needed. */
  minimum: number;
  status: 'suppressed';
} | {
  /** The group they joined. */
  group: string;
  status: 'merged_into';
} | {
  status: 'no_responses';
});

/** A group's weight in the combined score after re-normalising over the groups present. */
export interface FeedbackGroupWeight {
  /** Group id. */
  group: string;
  /** Percent of the combined score. */
  weight: DecimalText;
}

/** Dispersion and agreement on one item for one ratee. */
export interface FeedbackItemAgreement {
  /** Item id. */
  item: string;
  /** Number of counted (non-self) answers. */
  raters: number;
  /** r_wg (James, Demaree & Wolf 1984), truncated at 0. */
  rwg: Stat;
  /** Sample standard deviation. */
  std_dev: Stat;
}

/** A leniency/severity correction applied to one rater. */
export interface FeedbackLeniencyCorrection {
  /** The rater. */
  rater: string;
  /** Their mean over the ratees they rated. */
  rater_mean: DecimalText;
  /** For standardisation: grand spread ÷ rater spread. */
  scale: DecimalText | null;
  /** grand mean − rater mean. */
  shift: DecimalText;
}

/** A score with the id of what it scores. */
export interface FeedbackNamedScore {
  /** Item or competency id. */
  id: string;
  /** The score on the answer scale. */
  score: DecimalText;
}

/** Reliability of the whole round. */
export interface FeedbackReliability {
  /** Krippendorff's alpha, interval. */
  alpha_interval: Stat;
  /** Krippendorff's alpha, nominal. */
  alpha_nominal: Stat;
  /** Krippendorff's alpha, ordinal. */
  alpha_ordinal: Stat;
  /** Krippendorff's alpha, ratio. */
  alpha_ratio: Stat;
  /** The six Shrout & Fleiss ICCs over ratees × rater slots; `None` when fewer than 2 ratees have 2 raters. */
  icc: IccAll | null;
  /** Ratees in the ICC matrix. */
  icc_ratees: number;
  /** Raters per ratee in the ICC matrix (the fewest any included ratee had). */
  icc_raters_per_ratee: number;
}

/** One ratee's feedback. */
export interface FeedbackReport {
  /** Agreement per item. */
  agreement: FeedbackItemAgreement[];
  /** The combined score of the counted groups. */
  combined: FeedbackScores;
  /** Self-versus-others gaps. */
  gaps: FeedbackGap[];
  /** Every group, shown or not, with the reason. */
  groups: FeedbackGroupResult[];
  /** Who was rated. */
  ratee: string;
  /** The self-assessment, reported beside the combined score. */
  self_scores: FeedbackScores | null;
  /** A trimmed mean was asked for but some group had too few raters, so the mean was used there. */
  trimmed_mean_fell_back: boolean;
  /** The weights the combined score used. */
  weights_used: FeedbackGroupWeight[];
}

/** Item, competency and overall scores of one group (or combined). */
export interface FeedbackScores {
  /** Competency scores. */
  competencies: FeedbackNamedScore[];
  /** Item scores, in questionnaire order (items nobody answered are absent). */
  items: FeedbackNamedScore[];
  /** Competency-weighted overall score. */
  overall: DecimalText | null;
}

/** All six ICC forms with the ANOVA mean squares they are computed from. */
export interface IccAll {
  /** ICC(1,1). */
  icc1_1: Stat;
  /** ICC(1,k). */
  icc1_k: Stat;
  /** ICC(2,1). */
  icc2_1: Stat;
  /** ICC(2,k). */
  icc2_k: Stat;
  /** ICC(3,1). */
  icc3_1: Stat;
  /** ICC(3,k). */
  icc3_k: Stat;
  /** JMS: mean square between judges, df = k − 1. */
  ms_between_judges: number;
  /** BMS: mean square between targets, df = n − 1. */
  ms_between_targets: number;
  /** EMS: residual mean square, df = (n − 1)(k − 1). */
  ms_residual: number;
  /** WMS: mean square within targets, df = n (k − 1). */
  ms_within_targets: number;
}

/**
 * A statistic, or why it is undefined (never NaN, never a made-up 1.0).
 *
 * Serialises as `{"status": "value", "value": 0.62}` or
 * `{"status": "undefined", "reason": "zero_variance"}`.
 */
export type Stat =
  /** The statistic exists; `value` is finite. */
  | {
    status: 'value';
    /** The value of the statistic, always finite. */
    value: number;
  }
  /** The statistic does not exist for this data. */
  | {
    /** Why it does not exist. */
    reason: UndefinedReason;
    status: 'undefined';
  };

/** Why a statistic is undefined. */
export type UndefinedReason =
  /**
   * The variance the statistic divides by is zero: all ratings are equal (or, for some ICC
   * forms, the targets do not differ at all).
   */
  | 'zero_variance'
  /** No rater at all (no judge, coder, or rating in a group). */
  | 'no_raters'
  /** Exactly one rater (judge, coder, or rating in a group). */
  | 'single_rater'
  /** Fewer than two units (targets) to compare. */
  | 'too_few_units'
  /** No unit has values from two raters, so there is no pair to compare. */
  | 'no_pairable_units'
  /** Fewer than two values. */
  | 'not_enough_data'
  /**
   * The denominator of the estimator is negative (ICC(2,k) when the judge variance estimate
   * is negative and larger than the target variance), so the ratio is meaningless.
   */
  | 'negative_denominator'
  /** The scale has fewer than two points, so r_wg's null distribution has no variance. */
  | 'invalid_scale'
  /**
   * An input value is NaN or infinite (for functions that return a [`Stat`] rather than a
   * `Result`).
   */
  | 'non_finite_input'
  /** The result is too large to represent as a finite `f64`. */
  | 'overflow';

/** Options for one scoring run. */
export interface ScoreOptions {
  /**
   * How far the period has gone, for progress lights and projections; absent at period end.
   *
   * Default: `null`.
   */
  period?: PeriodPosition | null;
}

/** How far the period has gone. */
export type PeriodPosition =
  /** `elapsed` of `total` calendar days (day 12 of 30 → 0.4). */
  | {
    basis: 'calendar_days';
    /** Days gone, including today if it counts. */
    elapsed: Num;
    /** Days in the period. */
    total: Num;
  }
  /** `elapsed` of `total` working days, from the caller's calendar. */
  | {
    basis: 'working_days';
    /** Working days gone. */
    elapsed: Num;
    /** Working days in the period. */
    total: Num;
  }
  /**
   * A pace profile: how much of the period's result each sub-period normally brings (e.g.
   * weekly weights, or a seasonal curve), and how many sub-periods are complete.
   */
  | {
    basis: 'profile';
    /** Number of completed sub-periods (a whole number from 0 to the number of weights). */
    elapsed: Num;
    /** Relative weight of each sub-period (non-negative, not all zero). */
    weights: Num[];
  };
