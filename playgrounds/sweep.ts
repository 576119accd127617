import type { Database } from './db/types.ts';
import { randomPlan } from './kernel/fault-schedules.ts';
import { formatPlan } from './kernel/faults.ts';
import type { InvariantResult } from './kernel/invariants.ts';
import type { Params, Pattern } from './kernel/pattern.ts';
import { RandomStreams } from './kernel/random.ts';
import { PatternRun } from './kernel/run.ts';
import { linkTarget, replayPath } from './links.ts';

/** The outcome of one headless run, as the CLI prints it and the tests assert on it. */
export interface RunOutcome {
  pattern: string;
  seed: number;
  variant: string;
  naive: boolean;
  plan: string;
  /** The plan entries that actually fired, in order. */
  faultsInjected: string[];
  invariants: Array<{ name: string; ok: boolean; violations: number; first?: string }>;
  ok: boolean;
  traceHash: string;
  events: number;
  link: string;
}

/** The random plan that sweep seed `seed` uses for a variant: a pure function of its inputs. */
export function sweepPlan(pattern: Pattern, variant: string, params: Params, seed: number): string {
  const { workloadMs } = pattern.timing(params);
  const random = new RandomStreams(seed).stream('sweep-plan');
  return formatPlan(
    randomPlan(random, pattern.faultCatalog(variant, params), { windowMs: workloadMs, maxFaults: 4, maxNth: 12, maxOutageMs: 3_000 }),
  );
}

/** Runs one seed headless to the end, checking safety invariants after every commit. */
export async function runOnce(
  pattern: Pattern,
  db: Database,
  options: { seed: number; variant: string; plan: string; params: Params; safetyChecks?: 'every-commit' | 'end' },
): Promise<RunOutcome> {
  const run = await PatternRun.create(pattern, db, 'sim', {
    seed: options.seed,
    variant: options.variant,
    plan: options.plan,
    params: options.params,
    safetyChecks: options.safetyChecks ?? 'every-commit',
  });
  const results = await run.runToEnd();
  const variant = pattern.variants.find((v) => v.name === options.variant)!;
  const play = pattern.playgrounds[0]!.id;
  return {
    pattern: pattern.id,
    seed: options.seed,
    variant: options.variant,
    naive: variant.naive,
    plan: options.plan,
    faultsInjected: run.sim.trace
      .all()
      .filter((e) => e.kind === 'fault')
      .map((e) => `${e.label} at ${e.vt}ms`),
    invariants: results.map(summarize),
    ok: results.every((r) => r.ok === true),
    traceHash: run.sim.trace.hash(),
    events: run.sim.trace.length,
    link: replayPath(linkTarget(pattern), {
      play,
      seed: options.seed,
      variant: options.variant,
      compare: false,
      faults: options.plan,
      params: options.params,
      run: true,
    }),
  };
}

function summarize(result: InvariantResult): RunOutcome['invariants'][number] {
  const first = result.violations[0]?.message;
  return { name: result.name, ok: result.ok === true, violations: result.violationCount, ...(first ? { first } : {}) };
}
