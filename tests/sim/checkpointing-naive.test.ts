import { describe, expect, it } from 'vitest';
import { checkpointingPattern } from '../../playgrounds/checkpointing/index.ts';
import { defaultParams } from '../../playgrounds/kernel/pattern.ts';
import { analyseProgress, totalLoss } from '../../playgrounds/kernel/progress.ts';
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
  const preset = (id: string) => {
    const found = checkpointingPattern.playgrounds.find((p) => p.id === id)!;
    return { ...found, params: { ...params, ...found.params } };
  };
  /** Runs a preset's variant (or another on the same world) and measures the work its crashes lost. */
  async function measured(id: string, variant?: string) {
    const { seed, plan, params: presetParams, variant: presetVariant } = preset(id);
    const run = await PatternRun.create(checkpointingPattern, db, 'sim', {
      seed,
      variant: variant ?? presetVariant,
      plan,
      params: presetParams,
      safetyChecks: 'end',
    });
    const results = await run.runToEnd();
    const spec = checkpointingPattern.progress!;
    const { losses } = analyseProgress(run.sim.trace.all(), spec);
    const finished = await run.db.query<{ posted_vt: number }>(
      `SELECT posted_vt::float8 AS posted_vt FROM ${run.schemas.batch}.job_results`,
    );
    return {
      broken: results.filter((r) => !r.ok).map((r) => r.name),
      results,
      losses,
      loss: totalLoss(losses),
      finishedVt: finished.rows[0]?.posted_vt,
      counters: run.sim.counters,
    };
  }
  const MINUTE = 60_000;

  it('checkpointing-crash: without a checkpoint the crash at hour two loses two hours; with one, under one chunk', async () => {
    const { params: story } = preset('checkpointing-crash');
    const naive = await measured('checkpointing-crash');
    expect(naive.losses).toHaveLength(1);
    expect(naive.losses[0]!.crashVt).toBe(120 * MINUTE);
    expect(naive.losses[0]!.sinceVt).toBeLessThan(MINUTE);
    // Everything billed before the crash is billed again.
    const duplicates = naive.results.find((r) => r.name === 'exactly-once-output')!;
    expect(duplicates.ok).toBe(false);
    expect(duplicates.violationCount).toBe(naive.losses[0]!.workedAtCrash);

    const correct = await measured('checkpointing-crash', 'correct');
    expect(correct.broken).toEqual([]);
    expect(correct.losses).toHaveLength(1);
    expect(correct.loss.lostMs).toBeGreaterThan(0);
    expect(correct.loss.lostMs).toBeLessThanOrEqual(story.chunkSize! * story.itemMs! + story.checkpointMs!);
    expect(correct.finishedVt! + 100 * MINUTE).toBeLessThan(naive.finishedVt!);
  });

  it('checkpointing-mtbf: crashes every half hour or so; without checkpoints the job only finishes once they stop', async () => {
    const naive = await measured('checkpointing-mtbf');
    const correct = await measured('checkpointing-mtbf', 'correct');
    expect(naive.broken).toContain('exactly-once-output');
    expect(correct.broken).toEqual([]);
    expect(correct.loss.crashes).toBeGreaterThanOrEqual(3);
    const { workloadMs } = checkpointingPattern.timing(preset('checkpointing-mtbf').params);
    expect(naive.finishedVt!).toBeGreaterThan(workloadMs);
    expect(correct.finishedVt!).toBeLessThan(workloadMs);
    expect(correct.loss.lostMs * 4).toBeLessThan(naive.loss.lostMs);
  });

  it('checkpointing-zombie: without fencing the woken worker writes over the standby; with it, its chunk is rejected', async () => {
    const naive = await measured('checkpointing-zombie');
    expect(naive.broken).toEqual(expect.arrayContaining(['no-zombie-writes', 'exactly-once-output']));
    const correct = await measured('checkpointing-zombie', 'correct');
    expect(correct.broken).toEqual([]);
    expect(correct.counters.get('zombie writes rejected')).toBe(1);
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
