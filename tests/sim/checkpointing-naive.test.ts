import { describe, expect, it } from 'vitest';
import { checkpointingPattern } from '../../playgrounds/checkpointing/index.ts';
import { defaultParams } from '../../playgrounds/kernel/pattern.ts';
import { PatternRun } from '../../playgrounds/kernel/run.ts';
import { runOnce } from '../../playgrounds/sweep.ts';
import { sharedTestDatabase } from '../support/database.ts';

const db = sharedTestDatabase();

const params = defaultParams(checkpointingPattern);
const broken = (outcome: Awaited<ReturnType<typeof runOnce>>) => outcome.invariants.filter((i) => !i.ok).map((i) => i.name);

describe('each naive checkpointing variant is broken by one named seed and fault', () => {
  for (const proof of checkpointingPattern.breakingRuns) {
    it(`${proof.variant} with ${proof.plan} (seed ${proof.seed}) breaks ${proof.breaks.join(', ')}`, async () => {
      const naive = await runOnce(checkpointingPattern, db, { seed: proof.seed, variant: proof.variant, plan: proof.plan, params });
      expect(broken(naive)).toEqual(expect.arrayContaining([...proof.breaks]));
      // The same world with the correct implementation holds: the fault, not the workload, did it.
      const correct = await runOnce(checkpointingPattern, db, { seed: proof.seed, variant: 'correct', plan: proof.plan, params });
      expect(broken(correct)).toEqual([]);
    });
  }

  it('every variant holds every invariant when nothing goes wrong', async () => {
    for (const { name } of checkpointingPattern.variants) {
      const outcome = await runOnce(checkpointingPattern, db, { seed: 5, variant: name, plan: '', params });
      expect({ name, broken: broken(outcome) }).toEqual({ name, broken: [] });
    }
  });

  it('a crash inside the chunk transaction rolls the whole chunk back, even without a checkpoint', async () => {
    const outcome = await runOnce(checkpointingPattern, db, {
      seed: 2,
      variant: 'separate-checkpoint',
      plan: 'crash:batch-worker@mid_chunk*3',
      params,
    });
    expect(outcome.faultsInjected).toHaveLength(1);
    expect(broken(outcome)).toEqual([]);
  });
});

describe('fencing a zombie worker', () => {
  it('a worker frozen past the lease wakes up fenced: its chunk rolls back and the standby finishes the job', async () => {
    const run = await PatternRun.create(checkpointingPattern, db, 'sim', {
      seed: 1,
      variant: 'correct',
      plan: 'pause:batch-worker@10s+8s',
      params,
      safetyChecks: 'every-commit',
    });
    const results = await run.runToEnd();
    expect(results.filter((r) => !r.ok).map((r) => r.name)).toEqual([]);
    const events = run.sim.trace.all();
    const fenced = events.filter((e) => e.kind === 'rollback' && /fenced: epoch 1/.test(e.label));
    expect(fenced).toHaveLength(1);
    expect(fenced[0]!.actor).toBe('batch-worker');
    expect(events.some((e) => e.actor === 'standby-worker' && e.kind === 'commit' && /take fencing epoch 2/.test(e.label))).toBe(true);
    expect(run.sim.counters.get('zombie writes rejected')).toBe(1);
  });
});

describe('the article presets show what their prompts claim', () => {
  const preset = (id: string) => checkpointingPattern.playgrounds.find((p) => p.id === id)!;

  it('checkpointing-crash: without a checkpoint the first chunks are billed twice; with one, once', async () => {
    const { seed, plan, variant } = preset('checkpointing-crash');
    const naive = await runOnce(checkpointingPattern, db, { seed, variant, plan, params });
    expect(broken(naive)).toContain('exactly-once-output');
    const duplicates = naive.invariants.find((i) => i.name === 'exactly-once-output')!;
    // Four chunks of twenty were done before the crash, and all of them are done again.
    expect(duplicates.violations).toBe(4 * params.chunkSize!);
    expect(duplicates.first).toBe('item 1 was billed 2 times');
    expect(broken(await runOnce(checkpointingPattern, db, { seed, variant: 'correct', plan, params }))).toEqual([]);
  });

  it('checkpointing-mtbf: the worker crashes several times and every invariant holds', async () => {
    const { seed, plan, variant } = preset('checkpointing-mtbf');
    const outcome = await runOnce(checkpointingPattern, db, { seed, variant, plan, params });
    expect(broken(outcome)).toEqual([]);
    expect(outcome.faultsInjected.length).toBeGreaterThanOrEqual(3);
  });
});

describe('a checkpointing run is a pure function of its seed and fault plan', () => {
  it('replays the zombie scenario to the same trace', async () => {
    const config = { seed: 4, variant: 'correct', plan: 'pause:batch-worker@8s+9s,mtbf:standby-worker+15s', params };
    const first = await runOnce(checkpointingPattern, db, config);
    const again = await runOnce(checkpointingPattern, db, config);
    expect(again.traceHash).toBe(first.traceHash);
    expect(first.ok).toBe(true);
  });
});
