import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../playgrounds/kernel/pattern.ts';
import { outboxPattern } from '../../playgrounds/outbox/index.ts';
import { runOnce } from '../../playgrounds/sweep.ts';
import { sharedTestDatabase } from '../support/database.ts';

const db = sharedTestDatabase();

const params = defaultParams(outboxPattern);
const broken = (outcome: Awaited<ReturnType<typeof runOnce>>) => outcome.invariants.filter((i) => !i.ok).map((i) => i.name);

describe('each naive outbox variant is broken by one named seed and fault', () => {
  for (const proof of outboxPattern.breakingRuns) {
    it(`${proof.variant} with ${proof.plan} (seed ${proof.seed}) breaks ${proof.breaks.join(', ')}`, async () => {
      const naive = await runOnce(outboxPattern, db, { seed: proof.seed, variant: proof.variant, plan: proof.plan, params });
      expect(broken(naive)).toEqual(expect.arrayContaining([...proof.breaks]));
      // The same world with the correct implementation holds: the fault, not the workload, did it.
      const correct = await runOnce(outboxPattern, db, { seed: proof.seed, variant: 'correct', plan: proof.plan, params });
      expect(broken(correct)).toEqual([]);
    });
  }

  it('publish-then-commit announces refused orders even without a crash', async () => {
    // Seed 2 draws at least one order over the limit, which the database refuses.
    const outcome = await runOnce(outboxPattern, db, { seed: 2, variant: 'publish-then-commit', plan: '', params });
    expect(broken(outcome)).toContain('no-phantom-events');
  });

  it('commit-then-publish loses the event when the broker never acknowledges the publish', async () => {
    const outcome = await runOnce(outboxPattern, db, { seed: 4, variant: 'commit-then-publish', plan: 'drop:publish*1', params });
    expect(broken(outcome)).toContain('no-lost-events');
  });
});

describe('the article presets show what their prompts claim', () => {
  const preset = (id: string) => outboxPattern.playgrounds.find((p) => p.id === id)!;

  it('outbox-dual-write: the naive side loses an event, the outbox side keeps it', async () => {
    const { seed, plan, variant } = preset('outbox-dual-write');
    expect(broken(await runOnce(outboxPattern, db, { seed, variant, plan, params }))).toContain('no-lost-events');
    expect(broken(await runOnce(outboxPattern, db, { seed, variant: 'correct', plan, params }))).toEqual([]);
  });

  it('outbox-relay: every invariant holds, and the consumer skips duplicates', async () => {
    const { seed, plan, variant } = preset('outbox-relay');
    const outcome = await runOnce(outboxPattern, db, { seed, variant, plan, params });
    expect(broken(outcome)).toEqual([]);
    expect(outcome.faultsInjected.length).toBeGreaterThanOrEqual(3);
  });

  it('outbox-duplicates: without lease and inbox, one lost ack double-reserves and double-emails', async () => {
    const { seed, plan, variant } = preset('outbox-duplicates');
    expect(broken(await runOnce(outboxPattern, db, { seed, variant, plan, params }))).toContain('exactly-once-effect');
  });
});
