import type { Database } from './db/types.ts';
import { resolveParams, type Params, type Pattern, type SweepSpec } from './kernel/pattern.ts';
import { PatternRun } from './kernel/run.ts';

/** One measured run of a parameter sweep. */
export interface SweepPoint {
  /** The swept parameter's value, and where that puts the point on the x axis. */
  value: number;
  x: number;
  seed: number;
  /** The measured outcome; null when the run never got there (the work did not finish). */
  y: number | null;
  /** Invariants the run broke: a correct variant's sweep must leave this empty. */
  broken: string[];
}

/** Looks up a pattern's sweep by id. */
export function findSweep(pattern: Pattern, id: string): SweepSpec | undefined {
  return pattern.sweeps?.find((sweep) => sweep.id === id);
}

/** Checks the reader's slider values against the sweep's ranges, completing missing ones. */
export function resolveSweepSettings(
  spec: SweepSpec,
  given: Record<string, unknown>,
): { ok: true; value: Params } | { ok: false; error: string } {
  return resolveParams({ params: spec.sliders }, given);
}

/** How many runs a sweep makes: its progress bar's length. */
export function sweepSize(spec: SweepSpec): number {
  return spec.vary.values.length * spec.seeds.length;
}

/**
 * How a sweep shares the database: the worker runs each slice of steps under its lock and lets
 * the page's other requests in between; Node runs it straight through.
 */
export interface SweepPacing {
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  between(): Promise<void>;
}

const STRAIGHT_THROUGH: SweepPacing = { exclusive: (fn) => fn(), between: () => Promise.resolve() };
/** Steps per slice under the lock: a few milliseconds of transactions. */
const SLICE_STEPS = 16;

/**
 * Runs every point of a sweep, one after the other, and yields each as it is measured. Seeds
 * are the outer loop, so the whole curve's shape shows after the first pass and sharpens after.
 * Every run is a real one, with its invariants checked at the end.
 */
export async function* measureSweep(
  pattern: Pattern,
  spec: SweepSpec,
  db: Database,
  namespace: string,
  settings: Params,
  pacing: SweepPacing = STRAIGHT_THROUGH,
): AsyncGenerator<SweepPoint> {
  for (const seed of spec.seeds) {
    for (const value of spec.vary.values) {
      const { params, plan } = spec.configure(settings, value);
      const resolved = resolveParams(pattern, params);
      if (!resolved.ok) throw new Error(`sweep ${spec.id}: ${resolved.error}`);
      const run = await pacing.exclusive(() =>
        PatternRun.create(pattern, db, namespace, {
          seed,
          variant: spec.variant,
          plan,
          params: resolved.value,
          safetyChecks: 'end',
          timing: spec.timing(resolved.value),
        }),
      );
      while (!(await pacing.exclusive(() => run.runUntilDone(SLICE_STEPS)))) await pacing.between();
      const y = await pacing.exclusive(() => spec.y.measure(run));
      yield { value, x: spec.x.of(resolved.value), seed, y, broken: run.results.filter((r) => !r.ok).map((r) => r.name) };
    }
  }
}
