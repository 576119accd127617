/**
 * The one boundary between a page and the playground worker. Everything crossing it is plain
 * data (structured-clonable); the worker owns the database and the simulations, the page only
 * draws what `poll` reports.
 */
import type { FaultCatalog } from '../kernel/faults.ts';
import type { InvariantResult } from '../kernel/invariants.ts';
import type {
  EntityLanesSpec,
  FlagGridSpec,
  ParamSpec,
  Params,
  PlaygroundPreset,
  StandingsSpec,
  StatechartSpec,
  VariantSpec,
} from '../kernel/pattern.ts';
import type { SweepPoint } from '../parameter-sweep.ts';
import type { RunPhase } from '../kernel/run.ts';
import type { TraceEvent } from '../kernel/trace.ts';

export type {
  FaultCatalog,
  InvariantResult,
  ParamSpec,
  Params,
  PlaygroundPreset,
  RunPhase,
  StatechartSpec,
  SweepPoint,
  TraceEvent,
  VariantSpec,
};

/** Progress of the engine download and start, for the progress bar. */
export interface BootProgress {
  stage: 'download' | 'start' | 'ready';
  loadedBytes: number;
  /** 0 when the size is not known yet. */
  totalBytes: number;
}

/** What the page needs to draw a pattern's controls. */
export interface PatternInfo {
  id: string;
  title: string;
  articleSlug: string;
  variants: VariantSpec[];
  headlineNaive: string;
  params: ParamSpec[];
  /** The union over variants: every process, crash point, channel and node a plan may name. */
  catalog: FaultCatalog;
  counters: Array<{ name: string; label: string }>;
  inspectorTables: string[];
  presets: PlaygroundPreset[];
  /** Each invariant's name and words, so a playground can draw its report before it runs. */
  invariants: Array<Pick<InvariantResult, 'name' | 'title' | 'description' | 'kind'>>;
  /** Workload and drain length with default parameters (for drawing before a run exists). */
  timing: { workloadMs: number; drainMs: number };
  /** The same for each preset, with its own parameters. */
  presetTimings: Record<string, { workloadMs: number; drainMs: number }>;
  /** The progress chart's series, when the pattern's work advances along a count. */
  progress?: { title: string; unit: string; worked: string; saved: string; presetTotals: Record<string, number> };
  sweeps: SweepInfo[];
  /** Statecharts by variant, as plain data. */
  statecharts: Record<string, StatechartSpec>;
  flagGrids: Record<string, FlagGridSpec>;
  entityLanes?: EntityLanesSpec;
  standings?: StandingsSpec;
  /** The processes each variant runs, in start order (the timeline's lanes). */
  variantProcesses: Record<string, string[]>;
}

/** What the page needs to draw a parameter sweep before it has run. */
export interface SweepInfo {
  id: string;
  title: string;
  prompt: string;
  sliders: ParamSpec[];
  x: { label: string; unit: 'ms' | 'count' };
  y: { label: string; unit: 'ms' | 'count' };
  /** Points in a whole sweep (values × seeds). */
  size: number;
  seeds: number;
}

/** A sweep to run: which one, with the reader's slider values. */
export interface SweepRequest {
  /** Unique on the page. */
  instanceId: string;
  pattern: string;
  sweep: string;
  settings: Params;
}

/** A sweep's state: the points measured so far. */
export interface SweepReport {
  instanceId: string;
  status: 'running' | 'finished' | 'cancelled' | 'error';
  error?: string;
  points: SweepPoint[];
  size: number;
  /** The theory's optimum for these settings, to draw over the measurement. */
  optimum: { x: number; label: string } | null;
  /** Real milliseconds the sweep has taken so far. */
  elapsedMs: number;
}

/** Everything that determines a run. */
export interface RunRequest {
  /** Unique on the page, e.g. `outbox-relay`. */
  instanceId: string;
  pattern: string;
  seed: number;
  variant: string;
  /** Also run the correct variant beside it, on the same seed and plan. */
  compare: boolean;
  plan: string;
  params: Params;
  /** Keep what an earlier run committed in this playground's schemas and carry on from it. */
  resume?: boolean;
}

/** The state of one side of a playground (there are two when comparing). */
export interface SideReport {
  side: 'main' | 'correct';
  variant: string;
  vt: number;
  phase: RunPhase;
  /** Total events in the trace so far. */
  traceLength: number;
  /** Set once the run has finished: the fingerprint of the whole trace. */
  traceHash?: string;
  counters: Record<string, number>;
  invariants: InvariantResult[];
  /**
   * `done`: the process finished its work (not a crash); `starting`: nothing has run yet (a
   * playground drawn before its first report). Either way it is neither up nor down.
   */
  processes: Array<{ name: string; alive: boolean; paused: boolean; done: boolean; starting?: boolean }>;
  /** The plan with the reader's interventions: what a copied link carries. */
  plan: string;
}

export type RunStatus = 'ready' | 'running' | 'paused' | 'finished' | 'error';

/** The answer to `poll`: the current state, plus trace events the page has not seen yet. */
export interface PlaygroundReport {
  instanceId: string;
  status: RunStatus;
  error?: string;
  workloadMs: number;
  endMs: number;
  /** Virtual milliseconds per real second; 0 means as fast as possible. */
  speed: number;
  /** Where the progress chart's work is complete, for these parameters. */
  progressTotal?: number;
  sides: SideReport[];
  /** New events per side, in the order of `sides`, starting at the cursors passed to poll. */
  events: TraceEvent[][];
}

/** A read-only query's answer; errors come back as data, never as a thrown exception. */
export type QueryAnswer =
  | { ok: true; columns: string[]; rows: Array<Array<string | number | boolean | null>>; truncated: boolean; ms: number }
  | { ok: false; error: string };

/** The worker's API, as comlink exposes it (every method returns a promise on the page). */
export interface PlaygroundWorkerApi {
  /** Loads the engine (from the prebuilt snapshot when given its URL). Idempotent. */
  boot(snapshotUrl: string | null, onProgress?: (progress: BootProgress) => void): Promise<{ bootMs: number; fromSnapshot: boolean }>;
  /** Creates (or resets) a playground's run(s). Bad input rejects with a readable message. */
  open(request: RunRequest): Promise<PlaygroundReport>;
  /** Runs in the background at the current speed until paused or finished. */
  play(instanceId: string): void;
  pause(instanceId: string): void;
  /** Runs exactly one event on each side. */
  step(instanceId: string): Promise<void>;
  setSpeed(instanceId: string, speed: number): void;
  /** Runs (at full speed) until virtual time `vt`: how a replaced worker catches up with a replay. */
  seek(instanceId: string, vt: number): Promise<void>;
  /** Applies a fault now, on every side; returns an error message or null. */
  inject(instanceId: string, fault: string): Promise<string | null>;
  /** The current state and the events after the given per-side cursors. */
  poll(instanceId: string, cursors: number[]): Promise<PlaygroundReport>;
  /** Runs one read-only statement against a side's schemas. */
  query(instanceId: string, side: number, sql: string): Promise<QueryAnswer>;
  close(instanceId: string): void;
  /** Starts a parameter sweep (restarting it if one with this id runs); bad settings come back as an error report. */
  sweep(request: SweepRequest): Promise<SweepReport>;
  pollSweep(instanceId: string): Promise<SweepReport>;
  cancelSweep(instanceId: string): void;
}
