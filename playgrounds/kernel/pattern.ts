import type { FaultCatalog, FaultPlan } from './faults.ts';
import type { Invariant } from './invariants.ts';
import type { PatternRun } from './run.ts';
import type { Simulation } from './simulation.ts';

/** A numeric setting the reader can change (a slider), with its unit in the name. */
export interface ParamSpec {
  name: string;
  label: string;
  min: number;
  max: number;
  step: number;
  default: number;
}

export type Params = Record<string, number>;

/** One implementation of the pattern: the correct one, or a named naive one. */
export interface VariantSpec {
  name: string;
  label: string;
  naive: boolean;
  /** One sentence on what this variant does differently. */
  description: string;
}

/** A playground embedded in an article: a named preset with a pinned seed and fault plan. */
export interface PlaygroundPreset {
  id: string;
  title: string;
  /** The variant shown first; `compare` puts it beside the correct one on the same seed. */
  variant: string;
  compare: boolean;
  seed: number;
  plan: string;
  params?: Params;
  /** What the reader should try, shown above the controls. */
  prompt: string;
}

/**
 * A chart of how far the work has got, drawn from the trace's `progress` events: the `worked`
 * series is what a process holds in memory (lost when it crashes), the `saved` one what is durable.
 */
export interface ProgressSpec {
  title: string;
  /** What the values count, such as `items`. */
  unit: string;
  worked: string;
  saved: string;
  /** The value at which the work is complete. */
  total: (params: Params) => number;
}

/**
 * A statechart the page draws from plain data, with live counts of the entities in each state
 * (from the trace's `transition` events). States may name a `group` (a compound state they sit in).
 */
export interface StatechartSpec {
  title: string;
  /** What moves through the chart, in the plural: `orders`, `sagas`. */
  entities: string;
  initial: string;
  states: ReadonlyArray<{ id: string; label: string; final: boolean; group?: string }>;
  transitions: ReadonlyArray<{ from: string; event: string; to: string }>;
}

/**
 * A grid of every combination of a naive design's boolean flags: entities are counted in the
 * cell of their flags now (the trace's `transition` events name a combination with
 * `flagCombination`), and the cells no state of the real workflow has are marked impossible.
 */
export interface FlagGridSpec {
  title: string;
  entities: string;
  flags: readonly string[];
  /** How many of the flags (from the front) run down the rows; the rest run across. */
  rowFlags: number;
  /** The combinations some state of the workflow has. */
  possible: readonly string[];
}

/** The name of a combination of flags, as grids and moves write it: `paid+shipped`, or `none`. */
export function flagCombination(flags: Readonly<Record<string, boolean>>, order: readonly string[]): string {
  const set = order.filter((flag) => flags[flag]);
  return set.length === 0 ? 'none' : set.join('+');
}

/**
 * One lane per entity (a saga, say), with its steps marked by kind: the transactions whose label
 * matches a step's pattern (a regular expression's source, so the spec stays plain data). A
 * refusal often writes nothing, so transactions that only read count too; `ignore` leaves out
 * the ones that decided nothing new, such as a repeat answered from an inbox.
 */
export interface EntityLanesSpec {
  title: string;
  /** The ref that names an entity, up to its id: `trip:`. */
  refPrefix: string;
  /** What one lane is, in the singular: `Trip`. */
  entity: string;
  steps: ReadonlyArray<{ kind: 'forward' | 'compensation' | 'refused'; label: string; pattern: string }>;
  ignore?: string;
}

/**
 * Where a run's entities stand and what they hold, read from counters: a bar of entities by
 * standing (an `open` one is stuck once the run has settled), and gauges of the resources they
 * hold, split into what completed entities keep and what open ones only lock.
 */
export interface StandingsSpec {
  title: string;
  /** The plural of what is counted: `trips`. */
  entities: string;
  /** The counter of entities started. */
  total: string;
  standings: ReadonlyArray<{ counter: string; label: string; tone: 'done' | 'undone' | 'open' }>;
  /** What an `open` entity is called once the run has settled: nothing will move it any more. */
  stuckLabel: string;
  holdings: {
    title: string;
    rows: ReadonlyArray<{ label: string; kept: string; locked: string }>;
    keptLabel: string;
    lockedLabel: string;
    /** What a lock is called once the run has settled and nobody will release it. */
    leakedLabel: string;
  };
}

/** A slider of a sweep: a parameter, or a setting the sweep turns into its fault plan. */
export type SweepSlider = ParamSpec;

/**
 * A measured curve: one outcome of real runs against one parameter, each point the mean over a
 * few seeds, with a theory's prediction to hold it against.
 */
export interface SweepSpec {
  id: string;
  title: string;
  /** What the reader should look for, shown above the chart. */
  prompt: string;
  variant: string;
  /** The parameter varied along the x axis, and its values. */
  vary: { param: string; values: readonly number[] };
  sliders: readonly SweepSlider[];
  seeds: readonly number[];
  /** The run's parameters and fault plan for one point, given the sliders' values. */
  configure: (settings: Params, value: number) => { params: Params; plan: string };
  /** Runs in a sweep keep their faults on until the work is done, so no drain flattens the curve. */
  timing: (params: Params) => { workloadMs: number; drainMs: number };
  /** Where a point sits on the x axis (e.g. chunk size turned into an interval in ms). */
  x: { label: string; unit: 'ms' | 'count'; of: (params: Params) => number };
  /** The outcome, read from the finished run's database (e.g. when the job completed). */
  y: { label: string; unit: 'ms' | 'count'; measure: (run: PatternRun) => Promise<number | null> };
  /** The theory's optimum on the x axis for these settings, with its formula in words. */
  optimum: (settings: Params) => { x: number; label: string };
}

/** What a pattern's setup gets: the world to populate for one run. */
export interface PatternWorld {
  sim: Simulation;
  variant: string;
  params: Params;
}

/**
 * Everything the kernel, the worker, the CLI and the tests need to know about a pattern.
 * Each pattern folder's index.ts exports one of these.
 */
export interface Pattern {
  id: string;
  title: string;
  /** The article's slug: its page lives at /patterns/<slug>/. */
  articleSlug: string;
  /** Logical schema names, one per service database. */
  schemas: readonly string[];
  /** DDL for all schemas; `s` maps each logical name to this run's physical schema. */
  ddl: (s: Readonly<Record<string, string>>) => string;
  variants: readonly VariantSpec[];
  /** The variant `--variant naive` means. */
  headlineNaive: string;
  params: readonly ParamSpec[];
  /** How long the workload runs, then how long the system is left to settle without faults. */
  timing: (params: Params) => { workloadMs: number; drainMs: number };
  /** What faults can target in a variant; the variant `*` gives the union over all variants. */
  faultCatalog: (variant: string, params: Params) => FaultCatalog;
  /** Spawns the processes and services of one run. */
  setup: (world: PatternWorld) => void;
  invariants: readonly Invariant[];
  /** The tables worth a quick button in the SQL inspector, by their unqualified names. */
  inspectorTables: readonly string[];
  /** Counter names worth showing, in display order, with labels. */
  counters: ReadonlyArray<{ name: string; label: string }>;
  playgrounds: readonly PlaygroundPreset[];
  /** A progress chart under the timeline, for patterns whose work advances along a count. */
  progress?: ProgressSpec;
  sweeps?: readonly SweepSpec[];
  /** A live statechart beside the timeline, keyed by variant (variants without one show none). */
  statecharts?: Readonly<Record<string, StatechartSpec>>;
  /** Per-entity lanes, for every variant (the same steps happen in each). */
  entityLanes?: EntityLanesSpec;
  /** A panel of where the entities stand and what they hold, for every variant. */
  standings?: StandingsSpec;
  /** A flag grid for naive variants that keep flags instead of a state. */
  flagGrids?: Readonly<Record<string, FlagGridSpec>>;
  /** Proof that every naive variant breaks: the seed and plan that break it, and what breaks. */
  breakingRuns: ReadonlyArray<{ variant: string; seed: number; plan: string; breaks: readonly string[] }>;
}

/** Default values for every parameter. */
export function defaultParams(pattern: Pick<Pattern, 'params'>): Params {
  return Object.fromEntries(pattern.params.map((p) => [p.name, p.default]));
}

/** Checks and completes parameters; unknown names and out-of-range values come back as a message. */
export function resolveParams(
  pattern: Pick<Pattern, 'params'>,
  given: Record<string, unknown>,
): { ok: true; value: Params } | { ok: false; error: string } {
  const params = defaultParams(pattern);
  for (const [name, raw] of Object.entries(given)) {
    const spec = pattern.params.find((p) => p.name === name);
    if (!spec) return { ok: false, error: `unknown parameter "${name}" (${pattern.params.map((p) => p.name).join(', ')})` };
    // Only plain decimal numbers: Number('') is 0 and Number('0x10') is 16, neither meant.
    const value = typeof raw === 'number' ? raw : /^-?\d+(\.\d+)?$/.test(String(raw)) ? Number(raw) : Number.NaN;
    if (!Number.isFinite(value) || value < spec.min || value > spec.max || (value - spec.min) % spec.step !== 0) {
      return {
        ok: false,
        error: `${spec.label} must be between ${spec.min} and ${spec.max} in steps of ${spec.step}, got "${String(raw)}"`,
      };
    }
    params[name] = value;
  }
  return { ok: true, value: params };
}

/** Resolves a variant name, accepting `naive` for the headline naive variant. */
export function resolveVariant(pattern: Pick<Pattern, 'variants' | 'headlineNaive'>, name: string): VariantSpec | undefined {
  const wanted = name === 'naive' ? pattern.headlineNaive : name;
  return pattern.variants.find((v) => v.name === wanted);
}

export type { FaultPlan };
