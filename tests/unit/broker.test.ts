import { beforeEach, describe, expect, it } from 'vitest';
import { Timeout, type ProcessContext } from '../../playgrounds/kernel/process.ts';
import type { Simulation } from '../../playgrounds/kernel/simulation.ts';
import { sharedTestDatabase } from '../support/database.ts';
import { eventsOf, freshSchema, runUntil, testSimulation, type TestSimOptions } from './support/sim.ts';

const db = sharedTestDatabase();

beforeEach(async () => {
  await freshSchema(db, 't_x', 'CREATE TABLE applied (seq serial PRIMARY KEY, consumer text NOT NULL, message_id text NOT NULL)');
});

const TOPIC = 'events';
const RESTART = { restartDelayMs: 100 };
// The defaults these expectations are written against: 5 ms each way, acks awaited for 100 ms.
const SETTINGS = { networkLatencyMs: 5, publishTimeoutMs: 100, redeliveryMs: 200 };

function sim(options: TestSimOptions = {}): Simulation {
  return testSimulation(db, { ...options, settings: SETTINGS });
}

/** A producer that publishes message m<i> at each of the given times and writes down how each went. */
function producer(s: Simulation, sendAt: number[], outcomes: string[], name = 'producer'): void {
  s.spawn(
    name,
    async (ctx) => {
      for (const [i, at] of sendAt.entries()) {
        await ctx.sleep(Math.max(0, at - ctx.now()));
        const sentAt = ctx.now();
        try {
          await ctx.publish(TOPIC, { key: `order-${i}`, id: `m${i}`, type: 'Thing', payload: { i }, refs: [`msg:${i}`] });
          outcomes.push(`m${i} acked after ${ctx.now() - sentAt} ms`);
        } catch (error) {
          if (!(error instanceof Timeout)) throw error;
          outcomes.push(`m${i} timed out after ${ctx.now() - sentAt} ms`);
        }
      }
    },
    RESTART,
  );
}

/**
 * A consumer without deduplication: it writes down each delivery (with its incarnation), applies
 * it to the database, then commits its position.
 */
function consumer(s: Simulation, deliveries: string[], name = 'consumer', group = 'group'): void {
  s.spawn(
    name,
    async (ctx: ProcessContext) => {
      const reader = ctx.subscribe(TOPIC, group);
      for (;;) {
        const delivery = await reader.next(500);
        if (!delivery) continue;
        deliveries.push(`life ${ctx.incarnation}: ${delivery.record.id} (delivery ${delivery.deliveryCount})`);
        await ctx.tx('apply', { schema: 'x' }, (q) =>
          q.query('INSERT INTO applied (consumer, message_id) VALUES ($1, $2)', [ctx.name, delivery.record.id]),
        );
        ctx.crashPoint('before_commit');
        await reader.commit(delivery);
        ctx.crashPoint('after_commit');
      }
    },
    RESTART,
  );
}

async function applied(): Promise<string[]> {
  const { rows } = await db.query<{ consumer: string; message_id: string }>('SELECT consumer, message_id FROM t_x.applied ORDER BY seq');
  return rows.map((row) => `${row.consumer}: ${row.message_id}`);
}

function stored(s: Simulation): string[] {
  return s.broker.records(TOPIC).map((record) => record.id);
}

describe('publishing', () => {
  it('stores a message and acknowledges it after one round trip', async () => {
    const s = sim();
    const outcomes: string[] = [];
    producer(s, [10], outcomes);
    await runUntil(s, 1_000);
    expect(outcomes).toEqual(['m0 acked after 10 ms']);
    expect(s.broker.records(TOPIC)).toMatchObject([
      { id: 'm0', key: 'order-0', type: 'Thing', payload: { i: 0 }, offset: 0, refs: ['msg:0'] },
    ]);
    expect(eventsOf(s, 'append').map((e) => e.vt)).toEqual([15]);
  });

  it('loses a dropped publish: nothing is stored and the publisher times out', async () => {
    const s = sim({ plan: 'drop:publish*1' });
    const outcomes: string[] = [];
    producer(s, [10, 200], outcomes);
    await runUntil(s, 1_000);
    expect(outcomes).toEqual(['m0 timed out after 100 ms', 'm1 acked after 10 ms']);
    expect(stored(s)).toEqual(['m1']);
  });

  it('stores a message whose ack is lost, yet the publisher times out', async () => {
    const s = sim({ plan: 'lose-ack:publish*1' });
    const outcomes: string[] = [];
    producer(s, [10], outcomes);
    await runUntil(s, 1_000);
    expect(outcomes).toEqual(['m0 timed out after 100 ms']);
    expect(stored(s)).toEqual(['m0']);
  });

  it('stores a duplicated publish twice and acknowledges it once', async () => {
    const s = sim({ plan: 'dup:publish*1' });
    const outcomes: string[] = [];
    producer(s, [10], outcomes);
    await runUntil(s, 1_000);
    expect(outcomes).toEqual(['m0 acked after 10 ms']);
    expect(s.broker.records(TOPIC).map((r) => `${r.id}#${r.offset}`)).toEqual(['m0#0', 'm0#1']);
  });

  it('reorders a held-back message behind the next one, whose own send releases it', async () => {
    const s = sim({ plan: 'reorder:publish*1' });
    const outcomes: string[] = [];
    // Two producers so the second message is sent while the first is still held.
    producer(s, [10], outcomes, 'first');
    s.spawn(
      'second',
      async (ctx) => {
        await ctx.sleep(50);
        await ctx.publish(TOPIC, { key: 'order-9', id: 'm9', type: 'Thing', payload: {} });
      },
      RESTART,
    );
    await runUntil(s, 1_000);
    expect(stored(s)).toEqual(['m9', 'm0']);
    // Held for 40 ms, its ack arrives after the timeout: the producer cannot tell it was stored.
    expect(outcomes).toEqual(['m0 acked after 51 ms']);
  });

  it('releases a held-back message when faults stop, even if nothing overtook it', async () => {
    const s = sim({ plan: 'reorder:publish*1', faultWindowEndMs: 500 });
    const outcomes: string[] = [];
    producer(s, [10], outcomes);
    await runUntil(s, 1_000);
    expect(stored(s)).toEqual(['m0']);
    expect(outcomes).toEqual(['m0 timed out after 100 ms']);
  });

  it('lets later messages overtake a delayed one', async () => {
    const s = sim({ plan: 'delay:publish*1+300ms' });
    const outcomes: string[] = [];
    producer(s, [0, 0], outcomes);
    await runUntil(s, 1_000);
    expect(outcomes).toEqual(['m0 timed out after 100 ms', 'm1 acked after 10 ms']);
    expect(stored(s)).toEqual(['m1', 'm0']);
    expect(eventsOf(s, 'append').map((e) => e.vt)).toEqual([105, 305]);
  });

  it.each(['partition:producer~broker@100ms+200ms', 'partition:broker~producer@100ms+200ms'])(
    'cuts publishes only while the partition lasts (%s)',
    async (plan) => {
      const s = sim({ plan });
      const outcomes: string[] = [];
      producer(s, [50, 150, 250, 350], outcomes);
      await runUntil(s, 1_000);
      expect(outcomes).toEqual(['m0 acked after 10 ms', 'm1 timed out after 100 ms', 'm2 timed out after 100 ms', 'm3 acked after 10 ms']);
      expect(stored(s)).toEqual(['m0', 'm3']);
      expect(eventsOf(s, 'drop').map((e) => e.label)).toEqual(['link to broker is cut', 'link to broker is cut']);
    },
  );

  it('keeps each key in its partition, in publish order', async () => {
    const s = sim();
    s.spawn(
      'producer',
      async (ctx) => {
        for (let i = 0; i < 12; i++) await ctx.publish(TOPIC, { key: `k${i % 3}`, id: `m${i}`, type: 'Thing', payload: i });
      },
      RESTART,
    );
    await runUntil(s, 1_000);
    const records = s.broker.records(TOPIC);
    expect(records.map((r) => r.id)).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`));
    for (const key of ['k0', 'k1', 'k2']) {
      const ofKey = records.filter((r) => r.key === key);
      expect(new Set(ofKey.map((r) => r.partition)).size).toBe(1);
      expect(ofKey.map((r) => r.offset)).toEqual([...ofKey.map((r) => r.offset)].sort((a, b) => a - b));
    }
  });
});

describe('consuming', () => {
  it('delivers each message once and commits it when nothing goes wrong', async () => {
    const s = sim();
    const deliveries: string[] = [];
    producer(s, [10, 20], []);
    consumer(s, deliveries);
    await runUntil(s, 2_000);
    expect(deliveries).toEqual(['life 1: m0 (delivery 1)', 'life 1: m1 (delivery 1)']);
    expect(await applied()).toEqual(['consumer: m0', 'consumer: m1']);
    expect(s.broker.lag(TOPIC, 'group')).toBe(0);
  });

  it('redelivers a message after the consumer crashes before committing', async () => {
    const s = sim({ plan: 'crash:consumer@before_commit' });
    const deliveries: string[] = [];
    producer(s, [10], []);
    consumer(s, deliveries);
    await runUntil(s, 2_000);
    expect(deliveries).toEqual(['life 1: m0 (delivery 1)', 'life 2: m0 (delivery 2)']);
    // At least once: a consumer without an inbox applies the message twice.
    expect(await applied()).toEqual(['consumer: m0', 'consumer: m0']);
    expect(s.broker.lag(TOPIC, 'group')).toBe(0);
  });

  it('does not redeliver a message the consumer committed before it crashed', async () => {
    const s = sim({ plan: 'crash:consumer@after_commit' });
    const deliveries: string[] = [];
    producer(s, [10], []);
    consumer(s, deliveries);
    await runUntil(s, 2_000);
    expect(deliveries).toEqual(['life 1: m0 (delivery 1)']);
    expect(await applied()).toEqual(['consumer: m0']);
    expect(eventsOf(s, 'start', 'consumer').map((e) => e.label)).toEqual(['started', 'restarted']);
  });

  it('redelivers a message whose commit was lost, once the consumer restarts', async () => {
    const s = sim({ plan: 'drop:ack*1,crash:consumer@after_commit' });
    const deliveries: string[] = [];
    producer(s, [10], []);
    consumer(s, deliveries);
    await runUntil(s, 2_000);
    expect(deliveries).toEqual(['life 1: m0 (delivery 1)', 'life 2: m0 (delivery 2)']);
  });

  it('delivers a message twice when the delivery is duplicated', async () => {
    const s = sim({ plan: 'dup:deliver*1' });
    const deliveries: string[] = [];
    producer(s, [10], []);
    consumer(s, deliveries);
    await runUntil(s, 2_000);
    expect(deliveries).toEqual(['life 1: m0 (delivery 1)', 'life 1: m0 (delivery 2)']);
    expect(await applied()).toEqual(['consumer: m0', 'consumer: m0']);
    expect(s.broker.records(TOPIC)).toHaveLength(1);
  });

  it('fetches again after a lost delivery', async () => {
    const s = sim({ plan: 'drop:deliver*1' });
    const deliveries: string[] = [];
    producer(s, [10], []);
    consumer(s, deliveries);
    await runUntil(s, 2_000);
    expect(deliveries).toEqual(['life 1: m0 (delivery 1)']);
    const [drop] = eventsOf(s, 'drop');
    const [receive] = eventsOf(s, 'receive', 'consumer');
    expect(receive!.vt - drop!.vt).toBe(SETTINGS.redeliveryMs + SETTINGS.networkLatencyMs);
  });

  it('gives every consumer group the whole topic', async () => {
    const s = sim();
    const first: string[] = [];
    const second: string[] = [];
    producer(s, [10, 20], []);
    consumer(s, first, 'billing', 'billing');
    consumer(s, second, 'shipping', 'shipping');
    await runUntil(s, 2_000);
    expect(first).toEqual(['life 1: m0 (delivery 1)', 'life 1: m1 (delivery 1)']);
    expect(second).toEqual(first);
    expect((await applied()).sort()).toEqual(['billing: m0', 'billing: m1', 'shipping: m0', 'shipping: m1']);
  });

  it('counts messages appended but not yet committed as lag', async () => {
    const s = sim();
    producer(s, [10, 20, 30], []);
    await runUntil(s, 1_000);
    expect(s.broker.lag(TOPIC, 'group')).toBe(3);
  });
});
