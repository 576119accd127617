import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../playgrounds/kernel/pattern.ts';
import { PatternRun } from '../../playgrounds/kernel/run.ts';
import { tallyMoves } from '../../playgrounds/kernel/state-moves.ts';
import { stateMachinesPattern } from '../../playgrounds/state-machines/index.ts';
import { runOnce } from '../../playgrounds/sweep.ts';
import { sharedTestDatabase } from '../support/database.ts';

const db = sharedTestDatabase();

const params = defaultParams(stateMachinesPattern);
const broken = (outcome: Awaited<ReturnType<typeof runOnce>>) => outcome.invariants.filter((i) => !i.ok).map((i) => i.name);

/** Runs one side of a playground to the end and keeps what the assertions need: results, counters, the shop's rows. */
async function play(variant: string, seed: number, plan: string) {
  const run = await PatternRun.create(stateMachinesPattern, db, 'sm', { seed, variant, plan, params, safetyChecks: 'every-commit' });
  const results = await run.runToEnd();
  const shop = run.schemas.shop!;
  const path = async (orderId: number) =>
    (
      await db.query<{ to_state: string }>(`SELECT to_state FROM ${shop}.order_transitions WHERE order_id = $1 ORDER BY seq`, [orderId])
    ).rows.map((r) => r.to_state);
  const occupancy = async () =>
    Object.fromEntries(
      (await db.query<{ state: string; n: number }>(`SELECT state::text, count(*)::int AS n FROM ${shop}.orders GROUP BY state`)).rows.map(
        (r) => [r.state, r.n],
      ),
    );
  const violations = (name: string) => results.find((r) => r.name === name)!.violations.map((v) => v.message);
  return {
    broken: results.filter((r) => !r.ok).map((r) => r.name),
    violations,
    counters: run.sim.counters,
    path,
    occupancy,
    trace: run.sim.trace,
    moves: tallyMoves(run.sim.trace.all()),
  };
}

describe('each naive state-machines variant is broken by one named seed and fault', () => {
  for (const proof of stateMachinesPattern.breakingRuns) {
    it(`${proof.variant} with ${proof.plan} (seed ${proof.seed}) breaks ${proof.breaks.join(', ')}`, async () => {
      const naive = await runOnce(stateMachinesPattern, db, { seed: proof.seed, variant: proof.variant, plan: proof.plan, params });
      expect(broken(naive)).toEqual(expect.arrayContaining([...proof.breaks]));
      // The same world with the correct implementation holds: the design, not the workload, did it.
      const correct = await runOnce(stateMachinesPattern, db, { seed: proof.seed, variant: 'correct', plan: proof.plan, params });
      expect(broken(correct)).toEqual([]);
    });
  }

  it('without a sweeper, nothing goes wrong as long as nothing crashes', async () => {
    for (const variant of ['correct', 'no-sweeper']) {
      const outcome = await runOnce(stateMachinesPattern, db, { seed: 2, variant, plan: '', params });
      expect({ variant, broken: broken(outcome) }).toEqual({ variant, broken: [] });
    }
  });
});

describe('the article presets show what their prompts claim', () => {
  const preset = (id: string) => stateMachinesPattern.playgrounds.find((p) => p.id === id)!;

  it('state-machines-flags: flags reach paid-and-failed and shipped-and-cancelled; the machine refunds and rejects instead', async () => {
    const { seed, plan, variant } = preset('state-machines-flags');
    const naive = await play(variant, seed, plan);
    expect(naive.violations('no-impossible-states')).toEqual([
      'order 1 is paid and failed (its status says shipped)',
      'order 2 is shipped and cancelled, shipped and refunded (its status says shipped)',
    ]);
    expect(naive.violations('no-money-kept')).toEqual([expect.stringMatching(/^order 3:/)]);

    const correct = await play('correct', seed, plan);
    expect(correct.broken).toEqual([]);
    expect(await correct.path(1)).toEqual(['payment_pending', 'failed', 'refund_pending', 'refunded']);
    expect(await correct.path(2)).toEqual(['payment_pending', 'paid', 'reserved', 'cancel_requested', 'refund_pending', 'refunded']);
    expect(await correct.path(3)).toEqual(['payment_pending', 'cancelled', 'refund_pending', 'refunded']);
    expect(correct.moves.refused).toEqual([{ state: 'cancel_requested', event: 'ship', count: 1 }]);
    // The statechart view, counting the moves in the trace, agrees with the database.
    expect(correct.moves.occupancy).toEqual(await correct.occupancy());
  });

  it('state-machines-lost-update: without compare-and-set the warehouse overwrites the cancel of order 2; with it, the ship is rejected', async () => {
    const { seed, plan, variant } = preset('state-machines-lost-update');
    const naive = await play(variant, seed, plan);
    expect(naive.broken).toEqual(['state-is-last-transition']);
    expect(naive.violations('state-is-last-transition')).toEqual(['order 2 is shipped, but its history ends in cancel_requested']);
    const cancel = naive.trace.all().find((e) => e.actor === 'order-api' && e.label.startsWith('order 2: reserved → cancel_requested'));
    expect(cancel?.vt).toBe(2276);

    const correct = await play('correct', seed, plan);
    expect(correct.broken).toEqual([]);
    expect(correct.moves.refused).toEqual([{ state: 'cancel_requested', event: 'ship', count: 1 }]);
    expect(await correct.path(2)).toEqual(['payment_pending', 'paid', 'reserved', 'cancel_requested', 'refund_pending', 'refunded']);
  });

  it('state-machines-recovery: without a sweeper two orders wait forever; with one, every order comes to rest', async () => {
    const { seed, plan, variant } = preset('state-machines-recovery');
    const naive = await play(variant, seed, plan);
    expect(naive.violations('no-stuck-orders')).toEqual([
      expect.stringMatching(/^order 1 is stuck in payment_pending/),
      expect.stringMatching(/is stuck in reserved/),
    ]);
    expect(naive.counters.get('duplicates skipped')).toBe(1);

    const correct = await play('correct', seed, plan);
    expect(correct.broken).toEqual([]);
    expect(correct.counters.get('effects re-driven')).toBe(1);
    expect(correct.counters.get('timeouts fired')).toBe(1);
    expect(correct.counters.get('duplicates skipped')).toBe(1);
    expect(await correct.path(1)).toEqual(['payment_pending', 'paid', 'reserved', 'shipped']);
  });
});

describe('a state-machines run is a pure function of its seed and fault plan', () => {
  const plan = 'partition:payment-gateway~broker@1500ms+4s,crash:warehouse@after_reserve*2,lose-ack:publish*3';

  it('replays a faulty run to the same trace, however often its safety is checked', async () => {
    const first = await runOnce(stateMachinesPattern, db, { seed: 9, variant: 'correct', plan, params });
    const again = await runOnce(stateMachinesPattern, db, { seed: 9, variant: 'correct', plan, params, safetyChecks: 'end' });
    expect(again.traceHash).toBe(first.traceHash);
    expect(first.ok).toBe(true);
  });

  it('gives another trace for another seed or another plan', async () => {
    const base = await runOnce(stateMachinesPattern, db, { seed: 9, variant: 'flags', plan, params });
    const otherSeed = await runOnce(stateMachinesPattern, db, { seed: 10, variant: 'flags', plan, params });
    const otherPlan = await runOnce(stateMachinesPattern, db, { seed: 9, variant: 'flags', plan: '', params });
    expect(otherSeed.traceHash).not.toBe(base.traceHash);
    expect(otherPlan.traceHash).not.toBe(base.traceHash);
  });
});
