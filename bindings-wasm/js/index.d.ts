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
  static fromJson(text: string, limits?: Limits): Plan;
  static fromObject(plan: object, limits?: Limits): Plan;
  /** A bundled template: `monthly-sales-rep`, `young-company-process`. */
  static template(id: string): Plan;
  get id(): string;
  /** The plan document as compact JSON (numbers as exact strings); `Plan.fromJson` reads it back as the same plan. */
  toJson(): string;
  /** The plan document: `JSON.stringify(plan)` writes it, so a Plan may stand in analytics requests. */
  toJSON(): object;
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


/**
 * Split a bonus pool by weights to `minorUnits` decimal places with the largest-remainder method
 * (ties: larger remainder, then larger weight, then earlier position). The parts always sum to the
 * pool; zero weights get zero; an empty or all-zero list is `INPUT_INVALID`.
 */
export declare function splitPool(pool: Num, minorUnits: number, weights: PoolWeight[]): PoolShare[];
/** `splitPool` as the core's canonical JSON array, byte-identical to the Rust crate. */
export declare function splitPoolCanonical(pool: Num, minorUnits: number, weights: PoolWeight[]): string;

// ---------------------------------------------------------------------------------------------
// 360-degree feedback and analytics: the same types in both JS packages,
// kept in shared.d.ts.
// ---------------------------------------------------------------------------------------------
export * from './shared';
import type { Analytics, Limits, PayPlan, PoolShare, PoolWeight } from './shared';

export declare const analytics: Analytics;
