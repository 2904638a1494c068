// Type definitions for perfscore in JavaScript: one file, shipped by the Node package (native
// addon) and the wasm package alike, since both run the same front (bindings-js/api.mjs).
// The file formats (plans, pay plans, feedback configurations, period results), scorecards, pay
// statements, feedback rounds and score options are generated from the core's types into
// formats.d.ts (schema/formats.d.ts in the repository) and re-exported here; the rest is written
// to match the core's results, and the TypeScript check in bindings-node/test.sh
// (examples/usage.ts) keeps it honest.

import type {
  FeedbackRound,
  FeedbackScaleSpec,
  FeedbackSpec,
  MethodSpec,
  Num,
  PayLineDetail,
  PayPlanSpec,
  PayStatement,
  PeriodResult,
  PeriodText,
  PlanSpec,
  PromotionRules,
  ScoreOptions,
  Scorecard,
} from './formats.js';
export * from './formats.js';

// ---------------------------------------------------------------------------------------------
// Numbers and errors
// ---------------------------------------------------------------------------------------------

/** A decimal number coming out: always a normalised decimal string such as `"42.5"`. */
export type Decimal = string;

/**
 * One problem (docs/errors.md): where it is as data (`loc`, e.g. `["sections", 1, "indicators"]`),
 * the record's id when it is about one, a stable `kind` code, the same place as text (`path`) and
 * what is wrong.
 */
export interface Problem {
  loc: (string | number)[];
  id?: string;
  kind: string;
  path: string;
  message: string;
  message_zh?: string;
}

/** Stable error codes (`WASM_TRAP`: the wasm instance trapped and was re-created). */
export type ErrorCode = 'PLAN_INVALID' | 'INPUT_INVALID' | 'WASM_TRAP';

/**
 * What every function of this package throws (or rejects with) for a bad plan or bad input.
 * `message` is the core's text (`invalid plan (2 problems): …`).
 */
export declare class PerfscoreError extends Error {
  name: string;
  code: ErrorCode;
  problems: Problem[];
  /** `{"code":…,"problems":[…]}`, byte-identical to the Rust core's `Error::to_canonical_json`. */
  canonical: string;
}

/** The canonical JSON of a perfscore error (its `canonical` property); throws for other values. */
export function errorToCanonicalJson(e: unknown): string;

// ---------------------------------------------------------------------------------------------
// Plans: the types are in formats.d.ts; these name each scoring method's variant
// ---------------------------------------------------------------------------------------------

export type RatioMethod = Extract<MethodSpec, { method: 'ratio' }>;
export type LowerIsBetterMethod = Extract<MethodSpec, { method: 'lower_is_better' }>;
export type ThresholdTargetStretchMethod = Extract<MethodSpec, { method: 'threshold_target_stretch' }>;
export type BandsMethod = Extract<MethodSpec, { method: 'bands' }>;
export type PassFailMethod = Extract<MethodSpec, { method: 'pass_fail' }>;
export type RatingMethod = Extract<MethodSpec, { method: 'rating' }>;
export type DeductionMethod = Extract<MethodSpec, { method: 'deduction' }>;
export type FormulaMethod = Extract<MethodSpec, { method: 'formula' }>;

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

/** A fact source's rows: objects keyed by column id or alias, or CSV text with a header row. */
export type FactRows = Array<Record<string, string | number | boolean | null>> | string;

/** The request of `recordsFromFacts` / `scoreFacts` (docs/facts.md). */
export interface FactsRequest {
  /** Rows by source id; a source not given has no facts. */
  facts: Record<string, FactRows>;
  /** `2026-06`, `2026-Q2`, `2026-H1`, `2026`, or `{from, to}` (dates as `YYYY-MM-DD` text). */
  period: string | { from: string; to: string };
  /** Facts dated after it are not known yet (period-to-date); `YYYY-MM-DD`. */
  as_of?: string;
  /** Records giving the measures that do not come from facts (targets, ratings): objects, or CSV text with a header row. */
  records?: RecordInput[] | string;
  /** The people to produce records for; facts of anyone else are listed in `not_listed`. */
  people?: string[];
  /** The org table (docs/facts.md#org-table): needed by team, branch and manager roll-ups; facts of people it has no entry for are listed in `not_in_org`. */
  org?: OrgRows;
}

/** The org table: `person`, `team`, `branch`, `manager`, `from`, `to` (or their aliases), as objects or CSV text. */
export type OrgRows =
  | Array<{ person: string; team?: string | null; branch?: string | null; manager?: string | null; from?: string | null; to?: string | null } & Record<string, string | number | null | undefined>>
  | string;

/** The request of `pivotFacts` (docs/facts.md#cross-analysis). */
export interface PivotRequest extends Omit<FactsRequest, 'records' | 'people'> {
  /** Columns of the measures' sources, or `person`, `team`, `branch`, `manager`, `month`, `quarter`, `year`; `[]` for the total alone. */
  by: string[];
  /** Fact measure ids (default: every fact measure); the first ranks `top`. */
  measures?: string[];
  compare?: Array<'previous_period' | 'last_year'>;
  /** Keep the largest groups by the first measure; the rest is one `others` row. */
  top?: number;
  lang?: 'en' | 'zh';
}

/** One measure's numbers in a pivot row (decimals as text; `null` where there is none). */
export interface PivotCell {
  value: Decimal | null;
  /** Percent of the total, 2 places (sums and counts only). */
  share: Decimal | null;
  previous?: Decimal | null;
  change?: Decimal | null;
  change_pct?: Decimal | null;
  last_year?: Decimal | null;
  yoy_change?: Decimal | null;
  yoy_pct?: Decimal | null;
}

/** The result of `pivotFacts`. */
export interface PivotResult {
  period: { from: string; to: string };
  as_of: string | null;
  by: string[];
  measures: string[];
  rows: Array<{ key: Record<string, string | boolean | null>; values: Record<string, PivotCell> }>;
  others: { groups: number; values: Record<string, PivotCell> } | null;
  total: Record<string, PivotCell>;
  /** The answer in words, in `lang`. */
  summary: string[];
  not_in_org?: FactRef[];
}

/** The request of `reconcileFacts` (docs/facts.md#reconciliation). */
export interface ReconcileRequest extends Omit<FactsRequest, 'records'> {
  /** Two fact measure ids, e.g. CRM `revenue` and finance `invoiced`. */
  left: string;
  right: string;
  /** The largest difference that still matches (default 0). */
  tolerance?: Num;
  /** Or at most this percent of the right side. */
  tolerance_pct?: Num;
  lang?: 'en' | 'zh';
}

/** The result of `reconcileFacts`: the people beyond the tolerance, the largest difference first. */
export interface ReconcileResult {
  left: string;
  right: string;
  period: { from: string; to: string };
  as_of: string | null;
  people: number;
  matched: number;
  differences: Array<{ person: string; left: Decimal | null; right: Decimal | null; difference: Decimal | null; difference_pct: Decimal | null }>;
  summary: string[];
}

/** The result of `checkFacts`: the facts' problems as data, and what scoring would leave out. */
export interface FactsReport {
  ok: boolean;
  /** Facts read cleanly, by source. */
  facts: Record<string, number>;
  problems: Problem[];
  /** How many problems of each kind. */
  kinds: Record<string, number>;
  unassigned: FactRef[];
  /** With `period`. */
  outside_period?: Array<FactRef & { date: string }>;
  /** With `period` and `org`. */
  not_in_org?: FactRef[];
}

/** A fact left out of every record. */
export interface FactRef {
  source: string;
  /** Its 0-based row in the source as given. */
  row: number;
  id: string;
  /** For `not_listed`: the owner not among `people`. */
  owner?: string;
}

/** The query of an accumulator's `records` / `score`: `FactsRequest` without `facts`. */
export type FactsQuery = Omit<FactsRequest, 'facts'>;

/**
 * A plan's facts held between requests (docs/facts.md#live-accumulation): every update is all
 * or nothing, and the answer always equals `recordsFromFacts` / `scoreFacts` over the facts held.
 * In the wasm package a trap loses the state: later calls throw `STATE_LOST`.
 */
export interface Accumulator {
  /** Add facts to a source: how many, and whose numbers changed. */
  add(source: string, facts: FactRows): { changed: number; people: string[] };
  /** Retract facts of a source by id: how many, and whose numbers changed. */
  retract(source: string, ids: string[]): { changed: number; people: string[] };
  records(query: FactsQuery): FactsRecords;
  score(query: FactsQuery & { options?: ScoreOptions }): Scorecard[];
  pivot(query: Omit<PivotRequest, 'facts'>): PivotResult;
  reconcile(query: Omit<ReconcileRequest, 'facts'>): ReconcileResult;
  /** How many facts are held. */
  size(): number;
  /** The state, for `plan.accumulator(state)`. */
  toJson(): string;
  /** Run one accumulator operation (`add`, `retract`, `records`, `score`, `pivot`, `reconcile`, `size`, `to_json`) on a request; the result text. */
  run(operation: string, request?: object): string;
}

/** The result of `recordsFromFacts`. */
export interface FactsRecords {
  records: RecordOutput[];
  /** Facts whose owner cell is empty. */
  unassigned: FactRef[];
  /** Facts of owners outside `people`. */
  not_listed: FactRef[];
  /** With `org`: facts in the period of people with no org entry on their date. */
  not_in_org?: FactRef[];
}

/** A record as returned by `recordsFromCsv` / `recordsFromJson`: decimals as strings. */
export interface RecordOutput extends RecordInput {
  measures: Record<string, Decimal>;
}

export type Lang = 'en' | 'zh';

// ---------------------------------------------------------------------------------------------
// Scorecards: `JSON.parse` of the core's canonical JSON; the types are in formats.d.ts
// (`Scorecard`, `SectionScore`, `IndicatorScore`, `Detail`, `Progress`, …)
// ---------------------------------------------------------------------------------------------

export type CurveSegment =
  | { segment: 'below_threshold' }
  | { segment: 'between'; from_at: Decimal; from_score: Decimal; to_at: Decimal; to_score: Decimal }
  | { segment: 'at_or_above_top' };

// ---------------------------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------------------------

/** A compiled assessment plan. Compile once, score any number of records. */
/** One record's line of `plan.summarize`. */
/** `Plan.totals`: one entry per record in each column, in input order. */
export interface Totals {
  ids: string[];
  /** Decimal text at the plan's scale (`"72.48"`). */
  totals: string[];
  grades: string[];
  /** The grade the total alone earned, where a veto capped it; else `null`. */
  grades_before_veto: (string | null)[];
  vetoed: boolean[];
}

/**
 * `totalsColumns`' result: typed arrays a host reads without a string or object per person
 * (exact: every total is an integer number of units below 2^53), plus the `Totals` shape on
 * demand (`totals`, `grades`, … are computed when read; `JSON.stringify` writes `Totals`).
 */
export interface TotalsColumns extends Totals {
  /** Decimal places of the totals. */
  readonly scale: number;
  /** Each total in units of 10^-scale (7248 at scale 2 is 72.48). */
  readonly units: Float64Array;
  readonly gradeNames: string[];
  /** Each grade, as an index into `gradeNames`. */
  readonly gradeIndex: Int32Array;
  /** The grade the total alone earned where a veto capped it, else −1. */
  readonly gradeBeforeVetoIndex: Int32Array;
  /** 1 where any veto hit, else 0. */
  readonly vetoedMask: Uint8Array;
  /** Row `i`'s total as decimal text (`"72.48"`). */
  total(i: number): string;
  toJSON(): Totals;
}

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

/** Settings of the long-batch methods (`summarizeAsync`, `iterSummaries`). */
export interface LongBatch {
  /** Threads per part (the native package; wasm uses one). */
  threads?: number;
  /** Stops the batch at the next part: the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Rows per part: 16,384 on the native package, 4,096 in wasm (about 40 ms each). */
  partRows?: number;
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
   * Each person's record from business facts (docs/facts.md): the plan's fact measures
   * aggregated over `period` as known on `asOf`, merged into `records` (measures read from
   * records); facts with no owner, or whose owner is not in `people`, are listed.
   */
  recordsFromFacts(request: FactsRequest): FactsRecords;
  /** A live accumulator of this plan's facts: empty, or restored from an earlier `toJson()` state. */
  accumulator(state?: string): Accumulator;
  /** `recordsFromFacts`, then each record scored; mid-period (`as_of` inside the period) progress runs to the as-of date unless `options` says otherwise. */
  scoreFacts(request: FactsRequest & { options?: ScoreOptions }): Scorecard[];
  /** Fact measures grouped by columns, person, team, branch, manager, month, quarter or year, with shares, changes and a top-N. */
  pivotFacts(request: PivotRequest): PivotResult;
  /** Two fact measures compared per person within a tolerance. */
  reconcileFacts(request: ReconcileRequest): ReconcileResult;
  /** The data-quality report of facts: their problems as data (never thrown for the facts themselves). */
  checkFacts(request: { facts: Record<string, FactRows>; period?: FactsRequest['period']; org?: OrgRows }): FactsReport;
  /** Each record scored and kept as its period result (`2026-06`, `2026-Q2` …) with this plan's id and hash: the history document `analytics.personTimeline` and `analytics.promotionEligibility` read (docs/history.md). */
  periodResults(
    records: RecordInput[],
    period: string,
    options?: ScoreOptions,
    /** `payPlan`: a PayPlan (or its document): each result's `pay` is its statement's total; `feedback`: each person's 360 overall (`{ E1: '4.2' }`). */
    extras?: { payPlan?: PayPlan | PayPlanSpec | string; feedback?: Record<string, Num> },
  ): HistoryDocument;
  /** Promotion eligibility under this plan's `promotion` rules (docs/history.md). */
  promotionEligibility(request: Omit<EligibilityRequest, 'rules'>): Eligibility;
  /**
   * The lean batch result, one per record in input order: total (the plan's scale, as the
   * scorecard's `total`), grade and veto, plus `pay` (the pay statement's `total`, normalised)
   * when a `PayPlan` is given. Scored once, without building scorecards or any JSON; all or
   * nothing, with exactly `scoreMany`'s errors (then `payPlan.statements`').
   */
  summarize(
    records: RecordInput[],
    options?: ScoreOptions | null,
    payPlan?: PayPlan | null,
    /** `threads`: how many threads the native package scores on (default: the engine's policy, one per 4,096 records up to 8); the wasm package always uses one. */
    run?: { threads?: number },
  ): Summary[];
  /**
   * Each record's total (decimal text at the plan's scale), grade, grade before a veto and veto,
   * as columns in input order, from the core's fast exact path: a certified-float kernel with
   * the exact engine for every row it cannot settle. The same totals and grades as `summarize`
   * at period end; all or nothing.
   */
  totals(records: RecordInput[]): Totals;
  /**
   * `totals` of columns held as typed arrays (or arrays of numbers; NaN or null = missing), in the
   * order of `ids`, without a record object per person. A number stands for its shortest decimal
   * (0.1 is one tenth). `threads` applies to the native package (wasm uses one).
   */
  totalsColumns(
    table: { ids: string[]; columns: Record<string, Float64Array | ArrayLike<number | null>> },
    run?: { threads?: number },
  ): TotalsColumns;
  /** The plan's grade names, best first: what `TotalsColumns` grade indexes point into. */
  readonly gradeNames: string[];
  /** `scoreMany` on the libuv thread pool, off the event loop. */
  scoreManyAsync(records: RecordInput[], options?: ScoreOptions): Promise<Scorecard[]>;
  /**
   * `summarize` of a long batch without holding the event loop: an array of records or CSV
   * text (read as `recordsFromCsv` reads it), scored part by part (on libuv's thread pool with
   * the native package; with a turn of the event loop after each part in wasm). Exactly
   * `summarize`'s summaries, and all problems of every part at the end; `signal` stops it at
   * the next part, rejecting with the signal's reason and returning nothing.
   */
  summarizeAsync(
    input: RecordInput[] | string,
    options?: ScoreOptions | null,
    payPlan?: PayPlan | null,
    run?: LongBatch & { onProgress?: (progress: { rows: number; total: number | undefined }) => void },
  ): Promise<Summary[]>;
  /**
   * Batches scored one by one, each batch's summaries as soon as it is scored: CSV text (in
   * parts of `partRows` rows) or an iterable / async iterable of record arrays, so memory holds
   * one batch. Rows are numbered and ids checked across the stream; a batch with a problem
   * throws (the batches before it were already handed out).
   */
  iterSummaries(
    source: string | Iterable<RecordInput[]> | AsyncIterable<RecordInput[]>,
    options?: ScoreOptions | null,
    payPlan?: PayPlan | null,
    run?: LongBatch & { onProgress?: (progress: { rows: number; total: undefined }) => void },
  ): AsyncGenerator<Summary[], void, undefined>;
  /** The core's canonical JSON per scorecard, byte-identical to the Rust crate. */
  scoreCanonical(records: RecordInput[], options?: ScoreOptions): string[];
  /** Score one record and explain every number, in English (default) or Simplified Chinese. */
  explain(record: RecordInput, lang?: Lang, options?: ScoreOptions): string;
  /** Run any of the plan's operations on a request object; the result as JSON text (docs/operations.md). */
  run(operation: string, request?: object): string;
}

/** The bundled demo plan (`monthly-sales-rep`) as JSON text. */
export function demoPlanJson(): string;
/** The bundled 12-person demo team as CSV text. */
export function demoTeamCsv(): string;
/** The demo team's January–May 2026 as a legacy export (工号, 姓名, 考核期间, 总分, 等级): past results for `analytics.readHistory` (docs/history.md). */
export function demoHistoryCsv(): string;
/** The demo team's June as raw facts: the plan with sources, each source's CSV, and the people's other measures as CSV (docs/facts.md#the-demo). Not in a build without business facts. */
export function demoFacts(): { plan: PlanSpec; facts: { orders: string; payments: string; visits: string }; people: string };
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

export const analytics: Analytics;

// ---------------------------------------------------------------------------------------------
// Pay, 360-degree feedback and analytics
// ---------------------------------------------------------------------------------------------
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

// Pay: pay plans and statements (in formats.d.ts), bonus pools
// ---------------------------------------------------------------------------------------------

/** How a performance-pay line was computed (a `PayLineDetail`). */
export type PerformancePayDetail = Extract<PayLineDetail, { kind: 'performance_pay' }>;
/** How a commission line was computed (a `PayLineDetail`). */
export type CommissionDetail = Extract<PayLineDetail, { kind: 'commission' }>;

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
  /** Run any of its operations on a request object; the result as JSON text (docs/operations.md). */
  run(operation: string, request?: object): string;
}

// ---------------------------------------------------------------------------------------------
// 360-degree feedback: configurations, rounds and reports (in formats.d.ts), responses
// ---------------------------------------------------------------------------------------------

/** An answer scale (the configuration's `scale`). */
export type FeedbackScale = FeedbackScaleSpec;

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

/** Whether a group is shown, and if not, why. */
export type FeedbackGroupStatus =
  | { status: 'shown' }
  | { status: 'suppressed'; minimum: number }
  | { status: 'merged_into'; group: string }
  | { status: 'no_responses' };

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
  /** Run any of its operations on a request object; the result as JSON text (docs/operations.md). */
  run(operation: string, request?: object): string;
}

/**
 * Analytics: targets from history, forecasts, roll-ups, calibration, scheme diagnostics,
 * development needs, and each person's history (timelines, promotion eligibility). Requests
 * and results are the JSON forms documented in docs/analytics-timeseries.md,
 * docs/analytics-team.md and docs/history.md (the Rust types are the reference);
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
  | 'development_needs'
  | 'read_history'
  | 'person_timeline'
  | 'promotion_eligibility'
  | 'compare_cycles'
  | 'nine_box'
  | 'history_series'
  | 'export_history';
/** A request object; numbers may be JS numbers (shortest form), decimal strings or BigInts. */
export type AnalyticsRequest = { [field: string]: unknown };
/** A result object, as the core's canonical JSON. */
export type AnalyticsResult = { [field: string]: unknown };
/** A history: the document the host keeps and sends back (`read_history`, `Plan.periodResults`). */
export interface HistoryDocument {
  results: PeriodResult[];
  /** Columns of an imported export the reader did not use (`read_history` only). */
  ignored_columns?: string[];
}
/** Period results as a request takes them: objects (legacy header names allowed) or CSV text. */
export type HistoryInput = PeriodResult[] | Array<Record<string, unknown>> | string;
export interface TimelinePoint {
  period: PeriodText;
  total: Decimal;
  grade?: string;
  vetoed: boolean;
  /** Total minus the total of the period just before (`null` when that period has none). */
  change: Decimal | null;
  /** Mean of this and the `window − 1` periods before (`null` unless all have a result). */
  rolling_mean: Decimal | null;
  /** Mid-rank percentile in the period's cohort. */
  percentile: Decimal;
  cohort: number;
  imported: boolean;
}
export interface Streak { grade: string; periods: number; from: PeriodText; to: PeriodText }
export interface PersonTimeline {
  person: string;
  name?: string;
  grain: 'month' | 'quarter' | 'half' | 'year';
  periods: TimelinePoint[];
  trend: { slope: Decimal; unit: string; periods: number } | null;
  /** The run of one grade ending at the latest period. */
  streak: Streak | null;
  /** The longest run (the earliest of equals). */
  longest_streak: Streak | null;
  best: PeriodText | null;
  worst: PeriodText | null;
  summary: string;
}
export interface TimelineRequest {
  results: HistoryInput;
  people?: string[];
  plan?: string;
  /** Periods in the rolling mean (default 3). */
  window?: number;
  lang?: 'en' | 'zh';
}
export interface EligibilityRequest {
  results: HistoryInput;
  rules: PromotionRules;
  as_of: PeriodText;
  people?: string[];
  plan?: string;
  lang?: 'en' | 'zh';
}
export interface Eligibility {
  as_of: PeriodText;
  people: Array<{
    person: string;
    status: 'eligible' | 'not_eligible' | 'not_assessable';
    checks: Array<{ rule: string; status: 'pass' | 'fail' | 'unknown'; reason: string }>;
  }>;
}
/** A period, or a period under one plan. */
export type CycleSide = PeriodText | { period: PeriodText; plan?: string };
export interface CompareRequest { results: HistoryInput; before: CycleSide; after: CycleSide; lang?: 'en' | 'zh' }
export interface CycleComparison {
  before: { period: PeriodText; plan?: string; people: number };
  after: { period: PeriodText; plan?: string; people: number };
  grade_mix: Array<{ grade: string; before: number; after: number; before_share: Decimal; after_share: Decimal; shift: Decimal }>;
  /** `rows[i][j]`: people graded `grades[i]` before and `grades[j]` after (`none`: no result). */
  transitions: { grades: string[]; rows: number[][] };
  indicators: Array<{ indicator: string; mean_before: Decimal | null; mean_after: Decimal | null; sd_before: number | null; sd_after: number | null }>;
  changed: Array<{ person: string; before: string; after: string; total_before: Decimal; total_after: Decimal; most_moved?: string; reason: string }>;
  findings: string[];
}
/** One axis of a 9-box: the score and its two cut points (a value on a cut goes up) or thirds of the cohort. */
export interface NineBoxAxis {
  score: 'total' | 'feedback' | 'pay' | 'indicator' | 'given';
  /** The indicator whose points place people (`score: 'indicator'`). */
  indicator?: string;
  /** Each person's value per period (`score: 'given'`, a potential rating say). */
  values?: Array<{ person: string; period: PeriodText; value: Num }>;
  cuts?: [Num, Num] | 'thirds';
  name?: string;
}
export interface NineBoxRequest {
  results: HistoryInput;
  period: CycleSide;
  before?: CycleSide;
  x: NineBoxAxis;
  y: NineBoxAxis;
  /** Nine labels, box 1 (low, low) to box 9 (high, high). */
  labels?: string[];
  people?: string[];
  lang?: 'en' | 'zh';
}
export type NineBoxBand = 'low' | 'middle' | 'high';
export interface NineBox {
  period: PeriodText;
  before?: PeriodText;
  x: { name: string; cuts: [Decimal, Decimal] | 'thirds' };
  y: { name: string; cuts: [Decimal, Decimal] | 'thirds' };
  /** Box 1 (x low, y low) … 9 (high, high): 3 × y band + x band + 1. */
  boxes: Array<{ box: number; x: NineBoxBand; y: NineBoxBand; label: string; count: number; people: string[] }>;
  people: Array<{
    person: string;
    x_value: Decimal;
    y_value: Decimal;
    box: number;
    label: string;
    before_box?: number | null;
    movement?: 'up' | 'down' | 'across' | 'same' | 'new';
  }>;
  not_placed: Array<{ person: string; reason: string }>;
  movement?: {
    up: number; down: number; across: number; same: number; new: number; left: number;
    transitions: Array<{ from: number; to: number; count: number }>;
  };
  summary: string;
}
/** What a history series measures: a result's total, pay or 360 score, or one indicator's value. */
export type HistoryMeasure =
  | 'total'
  | 'pay'
  | 'feedback'
  | { indicator: string; value?: 'actual' | 'target' | 'points' | 'completion' };
export interface HistorySeriesRequest {
  results: HistoryInput;
  measure?: HistoryMeasure;
  by?: 'person' | 'team' | 'branch' | 'role' | 'all';
  /** Default: `sum` for pay, actuals and targets, `mean` otherwise. */
  aggregate?: 'sum' | 'mean';
  people?: string[];
  plan?: string;
}
export interface HistorySeries {
  measure: string;
  by: string;
  aggregate: 'sum' | 'mean';
  series: Array<{
    key: string;
    /** Pass as `history` to `targetsFromHistory`, `seasonalIndices` or `holtWinters`; a month without data is `null`. */
    history: { start: PeriodText; values: Array<Decimal | null> };
    /** Results behind each month. */
    people: number[];
  }>;
  /** Results left out of a group series because they name no team (branch, role). */
  unassigned: number;
}
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
  /** Period results (objects or CSV text, legacy headers 工号 / 考核期间 / 总分 / 等级) as the canonical history. */
  readHistory(request: { results: HistoryInput }): HistoryDocument;
  /** Each person's totals and grades over time: change, rolling mean, trend, streaks, cohort percentile. */
  personTimeline(request: TimelineRequest): { timelines: PersonTimeline[] };
  /** Eligible / not eligible / not assessable under rules at an as-of period, never guessing over gaps. */
  promotionEligibility(request: EligibilityRequest): Eligibility;
  /** Two periods, or one period under two plans: grade mix, transitions, indicator drift, who changed grade and why. */
  compareCycles(request: CompareRequest): CycleComparison;
  /** People on a 3 × 3 grid by two scores of a period, cut at fixed points or thirds, and movement since an earlier cycle. */
  nineBox(request: NineBoxRequest): NineBox;
  /** Monthly series of totals, pay, 360 or an indicator's actuals per person or group, ready for targets and forecasts. */
  historySeries(request: HistorySeriesRequest): HistorySeries;
  /** A history as JSON Lines (everything) or flat CSV (the result's own columns) text; both read back with `readHistory`. */
  exportHistory(request: { results: HistoryInput; format?: 'jsonl' | 'csv' }): { format: 'jsonl' | 'csv'; text: string };
}

/**
 * Run any operation that needs no compiled object (`split_pool`, `template`, `operations`, an
 * analytics operation …) on a request object; the parsed result. See docs/operations.md.
 */
export declare function run(operation: string, request?: object): unknown;

/** wasm package only: resolves once the module is instantiated (the browser entry awaits it on import). */
export declare const ready: Promise<void>;
