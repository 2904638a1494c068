// Type definitions for `perfscore` (Node.js native addon). Hand-written to match index.js and the
// core's canonical JSON (core/src/scorecard.rs) and plan schema (schema/plan.schema.json); the
// TypeScript check in test.sh (examples/usage.ts) keeps them honest. The wasm package
// (perfscore-wasm) exposes the same API.

// ---------------------------------------------------------------------------------------------
// Numbers and errors
// ---------------------------------------------------------------------------------------------

/**
 * A decimal number going in: a string of digits (exact, up to 28 significant digits) or a JS
 * number (read by its shortest decimal representation, so `0.1` is one tenth). `NaN`,
 * `Infinity` and non-numeric strings are rejected with `INPUT_INVALID`.
 */
export type Num = string | number;

/** A decimal number coming out: always a normalised decimal string such as `"42.5"`. */
export type Decimal = string;

/** One problem, located by a path into the plan or the input (e.g. `sections[1].indicators`). */
export interface Problem {
  path: string;
  message: string;
}

/** Stable error codes. */
export type ErrorCode = 'PLAN_INVALID' | 'INPUT_INVALID';

/**
 * What every function of this package throws (or rejects with) for a bad plan or bad input.
 * `message` is the core's text (`invalid plan (2 problems): …`).
 */
export interface PerfscoreError extends Error {
  name: 'PerfscoreError';
  code: ErrorCode;
  problems: Problem[];
  /** `{"code":…,"problems":[…]}`, byte-identical to the Rust core's `Error::to_canonical_json`. */
  canonical: string;
}

/** The canonical JSON of a perfscore error (its `canonical` property); throws for other values. */
export function errorToCanonicalJson(e: unknown): string;

// ---------------------------------------------------------------------------------------------
// Plans (schema/plan.schema.json)
// ---------------------------------------------------------------------------------------------

/** A constant number, a measure id (`"revenue"`), or a formula (`"collected / invoiced"`). */
export type Value = number | string;

/** What to do when a record lacks a measure: refuse (default), score 0, or leave out and re-weight. */
export type MissingPolicy = 'error' | 'zero' | 'reweight';

export type IndicatorKind = 'result' | 'process' | 'behaviour';

/** What a method compares: the actual value itself, or completion = actual ÷ target × 100. */
export type Basis = 'actual' | 'completion';

export type RoundingMode = 'half_up' | 'half_even' | 'down';

export interface MeasureSpec {
  /** ASCII letters, digits and `_`, not starting with a digit. */
  id: string;
  name?: string | null;
  unit?: string | null;
  /** Other names the measure goes by in exports (e.g. `回款金额`). */
  aliases?: string[];
}

export interface CurvePoint {
  at: Num;
  score: Num;
}

export interface BandSpec {
  /** Inclusive lower end; absent means unbounded. */
  from?: Num | null;
  /** Exclusive upper end; absent means unbounded. */
  to?: Num | null;
  score: Num;
}

export interface RatingPoint {
  rating: Num;
  score: Num;
}

export interface RatioMethod {
  method: 'ratio';
  floor?: Num | null;
  cap?: Num | null;
  zero_target_score?: Num | null;
}

export interface LowerIsBetterMethod {
  method: 'lower_is_better';
  cap: Num;
  floor?: Num | null;
  form?: 'inverse' | 'linear';
}

export interface ThresholdTargetStretchMethod {
  method: 'threshold_target_stretch';
  basis?: Basis | null;
  threshold: CurvePoint;
  target: CurvePoint;
  stretch?: CurvePoint | null;
  below_threshold?: Num | null;
}

export interface BandsMethod {
  method: 'bands';
  basis?: Basis | null;
  bands: BandSpec[];
}

export interface PassFailMethod {
  method: 'pass_fail';
  /** A condition over `actual`, `target` and measures, e.g. `actual >= 4`. */
  pass_if: string;
  pass_score?: Num | null;
  fail_score?: Num | null;
}

export interface RatingMethod {
  method: 'rating';
  min: Num;
  max: Num;
  points?: RatingPoint[];
}

export interface DeductionMethod {
  method: 'deduction';
  per_unit: Num;
  start?: Num | null;
  floor?: Num | null;
}

export interface FormulaMethod {
  method: 'formula';
  /** e.g. `if(actual >= target, 100, actual / target * 90)`. */
  expr: string;
  floor?: Num | null;
  cap?: Num | null;
}

export type MethodSpec =
  | RatioMethod
  | LowerIsBetterMethod
  | ThresholdTargetStretchMethod
  | BandsMethod
  | PassFailMethod
  | RatingMethod
  | DeductionMethod
  | FormulaMethod;

export interface IndicatorSpec {
  id: string;
  name?: string | null;
  kind?: IndicatorKind;
  /** Weight in percent of its section. */
  weight: Num;
  actual: Value;
  target?: Value | null;
  scoring: MethodSpec;
  missing?: MissingPolicy;
  track_progress?: boolean;
}

export interface SectionSpec {
  id: string;
  name?: string | null;
  /** Weight in percent of the total; section weights add up to exactly 100. */
  weight: Num;
  indicators: IndicatorSpec[];
}

export interface AdjustmentSpec {
  id: string;
  name?: string | null;
  kind: 'bonus' | 'deduction';
  /** Number of occurrences: a measure id or formula. */
  count: Value;
  points_each: Num;
  max?: Num | null;
  missing?: MissingPolicy;
}

export type VetoEffect = 'zero_total' | { cap_grade: string };

export interface VetoSpec {
  id: string;
  name?: string | null;
  /** Condition over measures, e.g. `compliance_violations > 0`. */
  when: string;
  effect: VetoEffect;
  missing?: MissingPolicy;
}

export interface GradeSpec {
  grade: string;
  label?: string | null;
  /** Inclusive lowest total; absent for the lowest grade. */
  from?: Num | null;
  /** Exclusive upper total; absent for the highest grade. */
  to?: Num | null;
}

export interface RoundingSpec {
  /** Decimal places of the total (0–10, default 2). */
  scale?: number;
  mode?: RoundingMode;
}

export interface TotalSpec {
  floor?: Num | null;
  cap?: Num | null;
}

export interface ProgressSpec {
  green?: Num;
  yellow?: Num;
}

/** An assessment plan (考核方案); see docs/plan-format.md. Use either `sections` or `indicators`. */
export interface PlanSpec {
  id: string;
  name: string;
  description?: string | null;
  measures: MeasureSpec[];
  sections?: SectionSpec[];
  indicators?: IndicatorSpec[];
  adjustments?: AdjustmentSpec[];
  vetoes?: VetoSpec[];
  grades: GradeSpec[];
  rounding?: RoundingSpec;
  total?: TotalSpec;
  progress?: ProgressSpec;
}

// ---------------------------------------------------------------------------------------------
// Records and options
// ---------------------------------------------------------------------------------------------

/** One person's numbers for the period. */
export interface RecordInput {
  /** Employee number, unique in a batch. */
  id: string;
  name?: string;
  team?: string;
  department?: string;
  branch?: string;
  attributes?: Record<string, string>;
  /** Values by measure id or alias; `null` or absent means missing. */
  measures: Record<string, Num | null>;
}

/** A record as returned by `recordsFromCsv` / `recordsFromJson`: decimals as strings. */
export interface RecordOutput extends RecordInput {
  measures: Record<string, Decimal>;
}

export type PeriodPosition =
  | { basis: 'calendar_days' | 'working_days'; elapsed: Num; total: Num }
  | { basis: 'profile'; weights: Num[]; elapsed: Num };

export interface ScoreOptions {
  /** How far the period has gone, for progress lights; absent at period end. */
  period?: PeriodPosition;
}

export type Lang = 'en' | 'zh';

// ---------------------------------------------------------------------------------------------
// Scorecards (the core's canonical JSON, parsed)
// ---------------------------------------------------------------------------------------------

export type Status = 'red' | 'yellow' | 'green';
export type Bound = 'floor' | 'cap';

export interface Band {
  from: Decimal | null;
  to: Decimal | null;
  score: Decimal;
}

export type CurveSegment =
  | { segment: 'below_threshold' }
  | { segment: 'between'; from_at: Decimal; from_score: Decimal; to_at: Decimal; to_score: Decimal }
  | { segment: 'at_or_above_top' };

/** Which rule produced an indicator's points. */
export type Detail =
  | { method: 'ratio' }
  | { method: 'zero_target' }
  | { method: 'lower_is_better'; form: 'inverse' | 'linear' }
  | ({ method: 'curve'; basis: Basis; value: Decimal } & CurveSegment)
  | { method: 'bands'; basis: Basis; value: Decimal; band: Band }
  | { method: 'pass_fail'; passed: boolean }
  | { method: 'rating'; table: boolean }
  | { method: 'deduction'; start: Decimal; per_unit: Decimal }
  | { method: 'formula' }
  | { method: 'missing_scored_zero' }
  | { method: 'missing_left_out' };

/** Progress of one indicator to date. */
export interface Progress {
  fraction: Decimal;
  expected: Decimal;
  pace: Decimal | null;
  status: Status | null;
  projected: Decimal | null;
  projected_score: Decimal | null;
}

export interface IndicatorScore {
  id: string;
  name: string;
  kind: IndicatorKind;
  /** `null` when the actual could not be evaluated (a missing measure under a zero/reweight policy). */
  actual: Decimal | null;
  target?: Decimal;
  completion?: Decimal;
  detail: Detail;
  raw_score: Decimal;
  score: Decimal;
  bound?: Bound;
  weight: Decimal;
  effective_weight: Decimal;
  weighted: Decimal;
  contribution: Decimal;
  /** The measure that was missing, when the plan's policy scored or left the indicator out. */
  missing?: string;
  progress?: Progress;
}

export interface SectionScore {
  id: string;
  name: string;
  weight: Decimal;
  effective_weight: Decimal;
  score: Decimal;
  contribution: Decimal;
  left_out?: boolean;
  indicators: IndicatorScore[];
}

export interface AdjustmentScore {
  id: string;
  name: string;
  bonus: boolean;
  count: Decimal;
  points_each: Decimal;
  points: Decimal;
  capped?: boolean;
  missing?: boolean;
}

export interface VetoHit {
  id: string;
  name: string;
  condition: string;
  effect: 'zero_total' | { cap_grade: string };
}

export interface ProgressSummary {
  fraction: Decimal;
  status: Status | null;
  projected_total: Decimal | null;
  projected_grade: string | null;
}

/** One person's scorecard: `JSON.parse` of the core's canonical JSON. */
export interface Scorecard {
  plan_id: string;
  record_id: string;
  name?: string;
  team?: string;
  department?: string;
  branch?: string;
  attributes?: Record<string, string>;
  sections: SectionScore[];
  weighted_total: Decimal;
  adjustments: AdjustmentScore[];
  adjustment_total: Decimal;
  total_bound?: Bound;
  vetoes: VetoHit[];
  unrounded_total: Decimal;
  /** The total, rounded once with the plan's scale and mode (keeps trailing zeros: `"74.40"`). */
  total: Decimal;
  grade: string;
  /** Present when a veto capped the grade. */
  grade_before_veto?: string;
  /** Present when scored mid-period (`options.period`). */
  progress?: ProgressSummary;
}

// ---------------------------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------------------------

/** A compiled assessment plan. Compile once, score any number of records. */
/** One record's line of `plan.summarize`. */
export interface Summary {
  record_id: string;
  /** With the plan's scale (`"74.40"`), as the scorecard's `total`. */
  total: Decimal;
  grade: string;
  /** The grade the total alone would have earned, when a veto capped it; else `null`. */
  grade_before_veto: string | null;
  /** Whether any veto was triggered. */
  vetoed: boolean;
  /** The pay statement's `total`, normalised (`"2400"`); present only when a PayPlan is given. */
  pay?: Decimal;
}

export declare class Plan {
  private constructor();
  /** Compile a plan from JSON text; all problems are reported at once (`PLAN_INVALID`). */
  static fromJson(text: string, limits?: Limits): Plan;
  /** Compile a plan from a plain object (numbers as JS numbers or exact strings). */
  static fromObject(plan: PlanSpec, limits?: Limits): Plan;
  /** A bundled template. */
  static template(id: 'monthly-sales-rep' | 'young-company-process' | (string & {})): Plan;
  /** The plan's id. */
  get id(): string;
  /** The plan document as compact JSON (numbers as exact strings); `Plan.fromJson` reads it back as the same plan. */
  toJson(): string;
  /** The plan document: `JSON.stringify(plan)` writes it, so a Plan may stand in analytics requests. */
  toJSON(): PlanSpec;
  /** Measure ids, in plan order. */
  measureIds(): string[];
  /** Records from a CSV export (headers may be measure aliases); decimals as strings. */
  recordsFromCsv(text: string): RecordOutput[];
  /** Records from a JSON array of record objects; decimals as strings. */
  recordsFromJson(text: string): RecordOutput[];
  /** Score one record. */
  score(record: RecordInput, options?: ScoreOptions): Scorecard;
  /** Score a batch; if any record has a problem, all problems are thrown and nothing is scored. */
  scoreMany(records: RecordInput[], options?: ScoreOptions): Scorecard[];
  /**
   * The lean batch result, one per record in input order: total (the plan's scale, as the
   * scorecard's `total`), grade and veto, plus `pay` (the pay statement's `total`, normalised)
   * when a `PayPlan` is given. Scored once, without building scorecards or any JSON; all or
   * nothing, with exactly `scoreMany`'s errors (then `payPlan.statements`').
   */
  summarize(records: RecordInput[], options?: ScoreOptions | null, payPlan?: PayPlan | null): Summary[];
  /** `scoreMany` on the libuv thread pool, off the event loop. */
  scoreManyAsync(records: RecordInput[], options?: ScoreOptions): Promise<Scorecard[]>;
  /** The core's canonical JSON per scorecard, byte-identical to the Rust crate. */
  scoreCanonical(records: RecordInput[], options?: ScoreOptions): string[];
  /** Score one record and explain every number, in English (default) or Simplified Chinese. */
  explain(record: RecordInput, lang?: Lang, options?: ScoreOptions): string;
}

/** The bundled demo plan (`monthly-sales-rep`) as JSON text. */
export function demoPlanJson(): string;
/** The bundled 12-person demo team as CSV text. */
export function demoTeamCsv(): string;
/** Version of the perfscore core the addon was built from. */
export function version(): string;


/**
 * Split a bonus pool by weights to `minorUnits` decimal places with the largest-remainder method
 * (ties: larger remainder, then larger weight, then earlier position). The parts always sum to the
 * pool; zero weights get zero; an empty or all-zero list is `INPUT_INVALID`.
 */
export function splitPool(pool: Num, minorUnits: number, weights: PoolWeight[]): PoolShare[];
/** `splitPool` as the core's canonical JSON array, byte-identical to the Rust crate. */
export function splitPoolCanonical(pool: Num, minorUnits: number, weights: PoolWeight[]): string;

// ---------------------------------------------------------------------------------------------
// 360-degree feedback and analytics: the same types in both JS packages,
// kept in shared.d.ts.
// ---------------------------------------------------------------------------------------------
export * from './shared';
import type { Analytics, Limits, PayPlan, PoolShare, PoolWeight } from './shared';

export const analytics: Analytics;
