// Types of perfscore-wasm (the same API as the Node binding `perfscore`).

/** A decimal: strings are read exactly; JS numbers by their shortest round-trip representation. */
export type Num = string | number;
/** Decimals in results: normalised strings (`"42.5"`); `total` keeps the plan's scale (`"74.40"`). */
export type Dec = string;
export type ErrorCode = 'PLAN_INVALID' | 'INPUT_INVALID' | 'WASM_TRAP';
export type Status = 'green' | 'yellow' | 'red';

export interface Problem { path: string; message: string }

/** Thrown by every call: `canonical` is the core's `Error::to_canonical_json()`. */
export declare class PerfscoreError extends Error {
  readonly name: 'PerfscoreError';
  readonly code: ErrorCode;
  readonly problems: Problem[];
  readonly canonical: string;
}

export interface RecordInput {
  id: string;
  name?: string;
  team?: string;
  department?: string;
  branch?: string;
  attributes?: Record<string, string>;
  /** By measure id or alias; `null` or absent = missing. */
  measures: Record<string, Num | null>;
}

/** What `recordsFromCsv` / `recordsFromJson` return: decimals as strings. */
export interface LoadedRecord extends RecordInput { measures: Record<string, Dec> }

export type Period =
  | { basis: 'calendar_days' | 'working_days'; elapsed: Num; total: Num }
  | { basis: 'profile'; weights: Num[]; elapsed: Num };

export interface ScoreOptions { period?: Period }

export type Bound = 'floor' | 'cap';

export interface IndicatorProgress {
  fraction: Dec;
  expected: Dec;
  pace: Dec | null;
  status: Status | null;
  projected: Dec | null;
  projected_score: Dec | null;
}

export interface IndicatorScore {
  id: string;
  name: string;
  kind: 'result' | 'process' | 'behaviour';
  actual: Dec | null;
  target?: Dec;
  completion?: Dec;
  /** The rule that produced the points: `{method: 'ratio' | 'bands' | …, …}`. */
  detail: { method: string; [k: string]: unknown };
  raw_score: Dec;
  score: Dec;
  bound?: Bound;
  weight: Dec;
  effective_weight: Dec;
  weighted: Dec;
  contribution: Dec;
  missing?: string;
  progress?: IndicatorProgress;
}

export interface SectionScore {
  id: string;
  name: string;
  weight: Dec;
  effective_weight: Dec;
  score: Dec;
  contribution: Dec;
  left_out?: true;
  indicators: IndicatorScore[];
}

export interface AdjustmentScore {
  id: string;
  name: string;
  bonus: boolean;
  count: Dec;
  points_each: Dec;
  points: Dec;
  capped?: true;
  missing?: true;
}

export interface VetoHit {
  id: string;
  name: string;
  condition: string;
  effect: 'zero_total' | { cap_grade: string };
}

export interface ProgressSummary {
  fraction: Dec;
  status: Status | null;
  projected_total: Dec | null;
  projected_grade: string | null;
}

/** A scorecard: `JSON.parse` of the core's canonical JSON. */
export interface Scorecard {
  plan_id: string;
  record_id: string;
  name?: string;
  team?: string;
  department?: string;
  branch?: string;
  attributes?: Record<string, string>;
  sections: SectionScore[];
  weighted_total: Dec;
  adjustments: AdjustmentScore[];
  adjustment_total: Dec;
  total_bound?: Bound;
  vetoes: VetoHit[];
  unrounded_total: Dec;
  total: Dec;
  grade: string;
  grade_before_veto?: string;
  progress?: ProgressSummary;
}

/** One record's line of `plan.summarize`. */
export interface Summary {
  record_id: string;
  /** With the plan's scale (`"74.40"`), as the scorecard's `total`. */
  total: Dec;
  grade: string;
  /** The grade the total alone would have earned, when a veto capped it; else `null`. */
  grade_before_veto: string | null;
  /** Whether any veto was triggered. */
  vetoed: boolean;
  /** The pay statement's `total`, normalised (`"2400"`); present only when a PayPlan is given. */
  pay?: Dec;
}

export declare class Plan {
  private constructor();
  /** Parse and compile; every problem reported at once (`PLAN_INVALID`). */
  static fromJson(text: string): Plan;
  static fromObject(plan: object): Plan;
  /** A bundled template: `monthly-sales-rep`, `young-company-process`. */
  static template(id: string): Plan;
  get id(): string;
  measureIds(): string[];
  recordsFromCsv(text: string): LoadedRecord[];
  recordsFromJson(text: string): LoadedRecord[];
  score(record: RecordInput, options?: ScoreOptions): Scorecard;
  /** All or nothing: every problem of every record, or every scorecard. */
  scoreMany(records: RecordInput[], options?: ScoreOptions): Scorecard[];
  /**
   * The lean batch result, one per record in input order: total (the plan's scale, as the
   * scorecard's `total`), grade and veto, plus `pay` (the pay statement's `total`, normalised)
   * when a `PayPlan` is given. Scored once, without building scorecards; all or nothing, with
   * exactly `scoreMany`'s errors (then `payPlan.statements`').
   */
  summarize(records: RecordInput[], options?: ScoreOptions | null, payPlan?: PayPlan | null): Summary[];
  /** Resolves with `scoreMany`'s result. In wasm it runs on the calling thread (no worker). */
  scoreManyAsync(records: RecordInput[], options?: ScoreOptions): Promise<Scorecard[]>;
  /** The core's canonical JSON per record, byte for byte. */
  scoreCanonical(records: RecordInput[], options?: ScoreOptions): string[];
  explain(record: RecordInput, lang?: 'en' | 'zh', options?: ScoreOptions): string;
  /** The plan document it was compiled from. */
  toJSON(): object;
}

export declare function demoPlanJson(): string;
export declare function demoTeamCsv(): string;
/** Resolves once the module is instantiated (the browser entry already awaits it on import). */
export declare const ready: Promise<void>;

/** Decimals in results (the Node binding's name for `Dec`). */
export type Decimal = Dec;
/** A constant number, a measure id (`"revenue"`), or a formula (`"collected / invoiced"`). */
export type Value = number | string;
export type RoundingMode = 'half_up' | 'half_even' | 'down';
export type Lang = 'en' | 'zh';

// ---------------------------------------------------------------------------------------------
// Pay (issue 7): pay plans (schema/pay-plan.schema.json), statements, bonus pools
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

/**
 * Split a bonus pool by weights to `minorUnits` decimal places with the largest-remainder method
 * (ties: larger remainder, then larger weight, then earlier position). The parts always sum to the
 * pool; zero weights get zero; an empty or all-zero list is `INPUT_INVALID`.
 */
export declare function splitPool(pool: Num, minorUnits: number, weights: PoolWeight[]): PoolShare[];
/** `splitPool` as the core's canonical JSON array, byte-identical to the Rust crate. */
export declare function splitPoolCanonical(pool: Num, minorUnits: number, weights: PoolWeight[]): string;

// ---------------------------------------------------------------------------------------------
// 360-degree feedback (issue 6) and analytics (issue 9): the same types in both JS packages,
// kept in shared.d.ts.
// ---------------------------------------------------------------------------------------------
export * from './shared';
import type { Analytics } from './shared';

export declare const analytics: Analytics;
