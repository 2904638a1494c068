// Types shared by the Node addon (bindings-node) and the wasm package (bindings-wasm): pay, 360-degree
// feedback and analytics. This file is their one source: bindings-wasm/build.sh copies it into the
// wasm package (bindings-wasm/js/shared.d.ts is a build output, not committed).
import type {
  Bound,
  Decimal,
  Lang,
  Num,
  Plan,
  RecordInput,
  RoundingMode,
  ScoreOptions,
  Value,
} from './index';
// ---------------------------------------------------------------------------------------------
/**
 * Lowered limits for compiling a plan from untrusted users; absent fields keep their defaults,
 * and a value above its default is `INPUT_INVALID` (limits can only be lowered). See SECURITY.md.
 */
export interface Limits {
  /** Problems listed in one error (default 1,000; the rest are counted). */
  max_problems?: number;
  /** Bytes of JSON text in one plan document (default 4 MiB). */
  max_document_bytes?: number;
  /** Entries in any one list of a plan (default 2,000). */
  max_list_items?: number;
}

// Pay: pay plans (schema/pay-plan.schema.json), statements, bonus pools
// ---------------------------------------------------------------------------------------------

/** A currency: ISO code and the decimal places of its minor unit. */
export interface CurrencySpec {
  /** ISO 4217 code, e.g. `CNY`, `JPY`. */
  code: string;
  /** Decimal places of the minor unit (0 to 8); known codes default (CNY/USD/EUR 2, JPY/KRW 0, KWD/BHD 3). */
  minor_units?: number | null;
}

/** A point of the score → coefficient curve. */
export interface CoefficientPoint {
  at: Num;
  coefficient: Num;
}

/** The performance-pay coefficient: by grade (every grade of the scoring plan, no others) or by score. */
export type CoefficientSpec =
  | { by_grade: Record<string, Num> }
  /** Piecewise-linear in the rounded total, points ascending in `at`; flat beyond the ends. */
  | { by_score: CoefficientPoint[] };

/** Proration for part of a period: days employed ÷ days in the period, or a factor from 0 to 1. */
export type ProrationSpec =
  | { days: { employed: Value; in_period: Value } }
  | { factor: Value };

/** Performance pay (绩效工资): base × coefficient × proration. */
export interface PerformancePaySpec {
  name?: string | null;
  /** A number, or a measure/formula for per-person bases. */
  base: Value;
  coefficient: CoefficientSpec;
  /** Lowest coefficient. */
  floor?: Num | null;
  /** Highest coefficient. */
  cap?: Num | null;
  proration?: ProrationSpec | null;
}

/** flat (one tier), retroactive (全额累进), marginal (超额累进) or interpolated. */
export type TierMode = 'flat' | 'retroactive' | 'marginal' | 'interpolated';

/** A half-open tier `[from, to)` with either a `rate` in percent or a fixed `amount`. */
export interface TierSpec {
  from: Num;
  /** Absent for the last tier. */
  to?: Num | null;
  /** Rate in percent (7.5 means 7.5%). */
  rate?: Num | null;
  /** A fixed amount paid for reaching this tier. */
  amount?: Num | null;
}

/** Below `min` attainment, the commission × `factor` (default 0). */
export interface GateSpec {
  attainment: Value;
  min: Num;
  factor?: Num | null;
}

/** A band `[from, to)` of a multiplier table. */
export interface MultiplierBand {
  from?: Num | null;
  to?: Num | null;
  factor: Num;
}

/** A multiplier driven by another value, e.g. collection rate below 0.8 → × 0.8. */
export interface MultiplierSpec {
  driver: Value;
  bands: MultiplierBand[];
}

/** Period-to-date pricing and true-up. */
export interface ToDateSpec {
  prior_base: Value;
  paid: Value;
}

/** One commission line (提成). */
export interface CommissionSpec {
  /** Unique in the pay plan. */
  id: string;
  name?: string | null;
  /** Revenue, gross margin, cash collected…: a measure or formula. */
  base: Value;
  mode: TierMode;
  /** Half-open, contiguous, the last one open-ended. */
  tiers: TierSpec[];
  gate?: GateSpec | null;
  multiplier?: MultiplierSpec | null;
  /** Most commission this line pays. */
  cap?: Num | null;
  to_date?: ToDateSpec | null;
}

/** A pay plan document (schema/pay-plan.schema.json). */
export interface PayPlanSpec {
  id: string;
  currency: CurrencySpec;
  /** Rounding of each payable line (default `half_up`, 四舍五入). */
  rounding?: RoundingMode;
  performance_pay?: PerformancePaySpec | null;
  commissions?: CommissionSpec[];
}

/** A slice of a commission base priced in one tier. */
export interface PaySlice {
  from: Decimal;
  /** `null`: the open last tier. */
  to: Decimal | null;
  base: Decimal;
  /** Rate in percent (interpolated mode: the interpolated rate); `null` for an amount tier. */
  rate: Decimal | null;
  /** Fixed amount of an amount tier; `null` for a rate tier. */
  amount: Decimal | null;
  commission: Decimal;
}

/** How a performance-pay line was computed. */
export interface PerformancePayDetail {
  kind: 'performance_pay';
  grade: string;
  /** The rounded total score. */
  score: Decimal;
  source: 'grade' | 'score';
  raw_coefficient: Decimal;
  coefficient: Decimal;
  /** Which bound of the coefficient applied. */
  bound?: Bound;
  /** Proration factor, when the plan prorates. */
  proration?: Decimal;
}

/** How a commission line was computed. */
export interface CommissionDetail {
  kind: 'commission';
  mode: TierMode;
  slices: PaySlice[];
  tiers_commission: Decimal;
  gate?: { attainment: Decimal; min: Decimal; factor: Decimal; applied: boolean };
  multiplier?: { driver: Decimal; factor: Decimal };
  capped: boolean;
  to_date?: { prior_base: Decimal; cumulative_base: Decimal; due: Decimal; paid: Decimal };
}

export type PayLineDetail = PerformancePayDetail | CommissionDetail;

/** A payable line, rounded once to the currency's minor unit. */
export interface PayLine {
  /** `performance_pay` or the commission id. */
  id: string;
  name: string;
  base: Decimal;
  unrounded: Decimal;
  /** Keeps the currency's minor units (`"2400.00"`). */
  amount: Decimal;
  detail: PayLineDetail;
}

/** One person's pay: `JSON.parse` of the core's `PayStatement::to_canonical_json`. */
export interface PayStatement {
  pay_plan_id: string;
  record_id: string;
  name?: string;
  currency: string;
  lines: PayLine[];
  /** Sum of the rounded lines (`"15250.00"`). */
  total: Decimal;
}

/** One person's part of a bonus pool. */
export interface PoolShare {
  id: string;
  weight: Decimal;
  /** pool × weight ÷ Σ weights, before rounding. */
  exact: Decimal;
  /** In the currency's minor unit (`"33.34"`). */
  amount: Decimal;
  /** Whether this person received one of the left-over minor units. */
  got_remainder_unit: boolean;
}

/** One person's weight in a pool split. */
export interface PoolWeight {
  id: string;
  weight: Num;
}

/**
 * A compiled pay plan, bound to the scoring `Plan` it was compiled against: its formulas see that
 * plan's measures, and a grade table must list exactly that plan's grades.
 */
export declare class PayPlan {
  private constructor();
  /** Compile a pay plan from JSON text against a scoring plan; every problem at once (`PLAN_INVALID`). */
  static fromJson(text: string, plan: Plan): PayPlan;
  /** Compile a pay plan from a plain object (numbers as JS numbers or exact strings). */
  static fromObject(spec: PayPlanSpec, plan: Plan): PayPlan;
  /** The pay plan's id. */
  get id(): string;
  /** The pay plan document it was compiled from (so `JSON.stringify(payPlan)` writes it). */
  toJSON(): PayPlanSpec;
  /** Decimal places of the currency's minor unit. */
  get minorUnits(): number;
  /** Score and pay a batch (all or nothing); one statement per record. */
  statements(records: RecordInput[], options?: ScoreOptions): PayStatement[];
  /** The core's canonical JSON per statement, byte-identical to the Rust crate. */
  statementsCanonical(records: RecordInput[], options?: ScoreOptions): string[];
  /** Score and pay one record; its statement explained line by line. */
  explain(record: RecordInput, lang?: Lang, options?: ScoreOptions): string;
  /**
   * Price one new deal from where the person stands in a commission's tiers:
   * commission(prior + deal) − commission(prior), rounded (`"13750.00"`). Negative deals reverse.
   */
  priceDeal(commissionId: string, priorBase: Num, deal: Num): string;
  /** Split a bonus pool in this plan's currency (see `splitPool`). */
  splitPool(pool: Num, weights: PoolWeight[]): PoolShare[];
}

// ---------------------------------------------------------------------------------------------
// 360-degree feedback: configurations (schema/feedback.schema.json), rounds, reports
// ---------------------------------------------------------------------------------------------

/** An answer scale, e.g. 1–5, 1–7 or 0–10. */
export interface FeedbackScale {
  min: Num;
  max: Num;
}

/** One question. */
export interface FeedbackItemSpec {
  /** Unique in the questionnaire. */
  id: string;
  text?: string | null;
  /** Reverse-coded: scored as min + max − answer. */
  reverse?: boolean;
  /** The item's own scale, when it differs from the default. */
  scale?: FeedbackScale | null;
}

/** A competency: a weighted group of items. */
export interface FeedbackCompetencySpec {
  id: string;
  name?: string | null;
  /** Weight in the overall score, percent; omit on every competency for equal weights. */
  weight?: Num | null;
  items: FeedbackItemSpec[];
}

/** Who a rater is to the ratee; sets the group's default minimum (self, manager, skip-level 1; others 3). */
export type FeedbackRelationship =
  | 'manager'
  | 'skip_level'
  | 'peer'
  | 'direct_report'
  | 'customer'
  | 'self'
  | 'custom';

/** What happens to a group below its minimum: suppressed (default) or merged into another group. */
export type FeedbackBelowMinimum = 'suppress' | { merge_into: string };

/** A rater group. */
export interface FeedbackGroupSpec {
  /** Responses name it in `group`. */
  id: string;
  name?: string | null;
  relationship: FeedbackRelationship;
  /** Weight in the combined score (re-normalised over the groups present). */
  weight: Num;
  /** Minimum raters to show or count the group (default by relationship). */
  min_raters?: number | null;
  below_minimum?: FeedbackBelowMinimum;
}

/** How answers are combined. */
export interface FeedbackAggregationSpec {
  method?: 'mean' | 'median' | 'trimmed_mean';
  /** Share dropped at each end by the trimmed mean (default 0.1). */
  trim?: Num;
  /** Fewest raters for a trimmed mean (default 5); below it the mean is used. */
  trimmed_min_raters?: number;
  /** Average each rater's answers first (default true); false pools all answers. */
  per_rater_first?: boolean;
}

/** Optional rater leniency/severity correction. */
export interface FeedbackLeniencySpec {
  method: 'centre' | 'standardise';
  /** Fewest ratees a rater must have rated, with non-zero spread (default 3). */
  min_ratees?: number;
}

/** A 360-degree feedback configuration (schema/feedback.schema.json). */
export interface FeedbackSpec {
  id: string;
  /** The default answer scale. */
  scale: FeedbackScale;
  competencies: FeedbackCompetencySpec[];
  groups: FeedbackGroupSpec[];
  aggregation?: FeedbackAggregationSpec;
  /** Count the self-assessment in the combined score (default false: reported beside it). */
  include_self_in_combined?: boolean;
  /** Gap (scale points) from which blind spots and hidden strengths are flagged (default 0.5). */
  gap_threshold?: Num | null;
  leniency?: FeedbackLeniencySpec | null;
}

/**
 * An answer: a number (same policy as measure values: strings exact, JS numbers by their shortest
 * form; NaN/Infinity are `INPUT_INVALID`), `'na'` (or `'n/a'`, any case) for not applicable (never
 * counts toward any mean), or `null`/absent for missing.
 */
export type FeedbackAnswer = Num | 'na' | null;

/** One response line: a rater's answer to one item about one ratee. */
export interface FeedbackResponse {
  rater: string;
  ratee: string;
  /** The rater group id. */
  group: string;
  /** The item id. */
  item: string;
  /** (The runtime also reads an absent `value` as missing.) */
  value: FeedbackAnswer;
}

/** Why a statistic does not exist. */
export type UndefinedReason =
  | 'zero_variance'
  | 'no_raters'
  | 'single_rater'
  | 'too_few_units'
  | 'no_pairable_units'
  | 'not_enough_data'
  | 'negative_denominator'
  | 'invalid_scale'
  | 'non_finite_input'
  | 'overflow';

/** A statistic: a finite value, or explicitly undefined with the reason (never NaN). */
export type Stat =
  | { status: 'value'; value: number }
  | { status: 'undefined'; reason: UndefinedReason };

/** A score of an item or competency (on the answer scale). */
export interface FeedbackNamedScore {
  id: string;
  score: Decimal;
}

/** Item, competency and overall scores of one group (or combined). */
export interface FeedbackScores {
  /** Items nobody answered are absent. */
  items: FeedbackNamedScore[];
  competencies: FeedbackNamedScore[];
  overall: Decimal | null;
}

/** Whether a group is shown, and if not, why. */
export type FeedbackGroupStatus =
  | { status: 'shown' }
  | { status: 'suppressed'; minimum: number }
  | { status: 'merged_into'; group: string }
  | { status: 'no_responses' };

/** One rater group's result for a ratee (`raters` and `scores` only for shown groups). */
export type FeedbackGroupResult = FeedbackGroupStatus & {
  id: string;
  name: string;
  raters: number | null;
  /** The group's planned weight. */
  weight: Decimal;
  scores: FeedbackScores | null;
};

/** A group's weight (percent) in the combined score after re-normalising over the groups present. */
export interface FeedbackGroupWeight {
  group: string;
  weight: Decimal;
}

/** Self minus others on one item or competency. */
export interface FeedbackGap {
  level: 'item' | 'competency';
  id: string;
  self_score: Decimal;
  others: Decimal;
  gap: Decimal;
  flag: 'blind_spot' | 'hidden_strength' | 'none';
}

/** Dispersion and agreement on one item for one ratee (counted, non-self answers). */
export interface FeedbackItemAgreement {
  item: string;
  raters: number;
  std_dev: Stat;
  /** r_wg (James, Demaree & Wolf 1984), truncated at 0. */
  rwg: Stat;
}

/** One ratee's feedback. */
export interface FeedbackReport {
  ratee: string;
  /** Every group, shown or not, with the reason. */
  groups: FeedbackGroupResult[];
  combined: FeedbackScores;
  weights_used: FeedbackGroupWeight[];
  /** The self-assessment, reported beside the combined score. */
  self_scores: FeedbackScores | null;
  gaps: FeedbackGap[];
  agreement: FeedbackItemAgreement[];
  trimmed_mean_fell_back: boolean;
}

/** The six Shrout & Fleiss (1979) ICCs with the ANOVA mean squares. */
export interface IccAll {
  icc1_1: Stat;
  icc2_1: Stat;
  icc3_1: Stat;
  icc1_k: Stat;
  icc2_k: Stat;
  icc3_k: Stat;
  ms_between_targets: number;
  ms_within_targets: number;
  ms_between_judges: number;
  ms_residual: number;
}

/** Reliability of the whole round. */
export interface FeedbackReliability {
  alpha_nominal: Stat;
  alpha_ordinal: Stat;
  alpha_interval: Stat;
  alpha_ratio: Stat;
  /** `null` when fewer than 2 ratees have 2 raters. */
  icc: IccAll | null;
  icc_ratees: number;
  icc_raters_per_ratee: number;
}

/** A leniency/severity correction applied to one rater. */
export interface FeedbackLeniencyCorrection {
  rater: string;
  rater_mean: Decimal;
  /** grand mean − rater mean. */
  shift: Decimal;
  /** Standardisation only: grand spread ÷ rater spread. */
  scale: Decimal | null;
}

/** A whole round: `JSON.parse` of the core's `FeedbackRound::to_canonical_json` (decimals as strings). */
export interface FeedbackRound {
  feedback_id: string;
  /** One report per ratee, by ratee id. */
  reports: FeedbackReport[];
  reliability: FeedbackReliability;
  leniency: FeedbackLeniencyCorrection[];
}

/** A validated 360-degree feedback configuration (questionnaire, rater groups, anonymity). */
export declare class Feedback {
  private constructor();
  /** Parse and validate a configuration from JSON text; every problem at once (`PLAN_INVALID`). */
  static fromJson(text: string): Feedback;
  /** A configuration from a plain object (numbers as JS numbers or exact strings). */
  static fromObject(spec: FeedbackSpec): Feedback;
  /** The configuration's id. */
  get id(): string;
  /** The configuration document it was read from (so `JSON.stringify(feedback)` writes it). */
  toJSON(): FeedbackSpec;
  /** Aggregate a round of responses; every problem at once (`INPUT_INVALID`), nothing from bad input. */
  aggregate(responses: FeedbackResponse[]): FeedbackRound;
  /** The round's canonical JSON, byte-identical to the Rust crate. */
  aggregateCanonical(responses: FeedbackResponse[]): string;
  /** Aggregate and explain one ratee's report (groups, counts, weights, gaps), `'en'` or `'zh'`. */
  explain(responses: FeedbackResponse[], ratee: string, lang?: Lang): string;
}

/**
 * Analytics: targets from history, forecasts, roll-ups, calibration, scheme diagnostics
 * and development needs. Requests and results are the JSON forms documented in
 * docs/analytics-timeseries.md and docs/analytics-team.md (the Rust types are the reference);
 * exact values (amounts, indices, shares, means) are decimal strings, floating-point statistics
 * are numbers. Problems throw a `PerfscoreError` with every problem and its path.
 */
export type AnalyticsOperation =
  | 'seasonal_indices'
  | 'growth_targets'
  | 'allocate_target'
  | 'targets_from_history'
  | 'pacing_projection'
  | 'holt_winters'
  | 'rollup'
  | 'calibrate'
  | 'diagnose'
  | 'development_needs';
/** A request object; numbers may be JS numbers (shortest form), decimal strings or BigInts. */
export type AnalyticsRequest = { [field: string]: unknown };
/** A result object, as the core's canonical JSON. */
export type AnalyticsResult = { [field: string]: unknown };
export interface Analytics {
  /** Every operation's name, in a stable order. */
  operations(): AnalyticsOperation[];
  /** Canonical JSON text in and out, byte-identical to the Rust crate. */
  runJson(operation: AnalyticsOperation, request: string): string;
  run(operation: AnalyticsOperation, request: AnalyticsRequest): AnalyticsResult;
  seasonalIndices(request: AnalyticsRequest): AnalyticsResult;
  growthTargets(request: AnalyticsRequest): AnalyticsResult;
  allocateTarget(request: AnalyticsRequest): AnalyticsResult;
  targetsFromHistory(request: AnalyticsRequest): AnalyticsResult;
  pacingProjection(request: AnalyticsRequest): AnalyticsResult;
  holtWinters(request: AnalyticsRequest): AnalyticsResult;
  rollup(request: AnalyticsRequest): AnalyticsResult;
  calibrate(request: AnalyticsRequest): AnalyticsResult;
  diagnose(request: AnalyticsRequest): AnalyticsResult;
  developmentNeeds(request: AnalyticsRequest): AnalyticsResult;
}
