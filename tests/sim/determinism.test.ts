import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../playgrounds/kernel/pattern.ts';
import { outboxPattern } from '../../playgrounds/outbox/index.ts';
import { runOnce, sweepPlan } from '../../playgrounds/sweep.ts';
import { sharedTestDatabase } from '../support/database.ts';

const db = sharedTestDatabase();
const other = sharedTestDatabase();

const params = defaultParams(outboxPattern);
const plan = 'crash:relay-1@after_publish_before_mark,lose-ack:publish*4,pause:relay-2@3s+2s,dup:deliver*6';

describe('a run is a pure function of its seed and fault plan', () => {
  it('gives the same trace hash twice in one database and in a fresh one', async () => {
    const first = await runOnce(outboxPattern, db, { seed: 11, variant: 'correct', plan, params });
    const again = await runOnce(outboxPattern, db, { seed: 11, variant: 'correct', plan, params });
    const elsewhere = await runOnce(outboxPattern, other, { seed: 11, variant: 'correct', plan, params });
    expect(again.traceHash).toBe(first.traceHash);
    expect(elsewhere.traceHash).toBe(first.traceHash);
    expect(first.events).toBeGreaterThan(100);
  });

  it('checking safety after every commit does not change the trace', async () => {
    const fast = await runOnce(outboxPattern, db, {
      seed: 5,
      variant: 'no-lease-no-inbox',
      plan: 'lose-ack:publish*2',
      params,
      safetyChecks: 'end',
    });
    const careful = await runOnce(outboxPattern, db, {
      seed: 5,
      variant: 'no-lease-no-inbox',
      plan: 'lose-ack:publish*2',
      params,
      safetyChecks: 'every-commit',
    });
    expect(careful.traceHash).toBe(fast.traceHash);
  });

  it('another seed or another plan gives another trace', async () => {
    const base = await runOnce(outboxPattern, db, { seed: 11, variant: 'correct', plan, params });
    const otherSeed = await runOnce(outboxPattern, db, { seed: 12, variant: 'correct', plan, params });
    const otherPlan = await runOnce(outboxPattern, db, { seed: 11, variant: 'correct', plan: 'drop:publish*1', params });
    expect(otherSeed.traceHash).not.toBe(base.traceHash);
    expect(otherPlan.traceHash).not.toBe(base.traceHash);
  });

  it('draws the same random plan for a sweep seed every time', () => {
    expect(sweepPlan(outboxPattern, 'correct', params, 42)).toBe(sweepPlan(outboxPattern, 'correct', params, 42));
    expect(sweepPlan(outboxPattern, 'correct', params, 42)).not.toBe(sweepPlan(outboxPattern, 'correct', params, 43));
  });
});
