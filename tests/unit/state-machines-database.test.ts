import { beforeEach, describe, expect, it } from 'vitest';
import type { Queryable } from '../../playgrounds/db/types.ts';
import { resetSchemas } from '../../playgrounds/kernel/run.ts';
import { Trace } from '../../playgrounds/kernel/trace.ts';
import { stateMachinesPattern } from '../../playgrounds/state-machines/index.ts';
import { allowedTransitions, nextStep, orderMachine, statesOf, type OrderState } from '../../playgrounds/state-machines/machine.ts';
import { blindSave, compareAndSet, type Reading } from '../../playgrounds/state-machines/transitions.ts';
import { sharedTestDatabase } from '../support/database.ts';

const db = sharedTestDatabase();
const schemas = { shop: 't_sm_shop', payments: 't_sm_payments', carrier: 't_sm_carrier' };

beforeEach(() => resetSchemas(db, stateMachinesPattern, schemas));

/** Runs `fn` in one transaction in the shop's schema, as the simulation does. */
function inShop<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query(`SET LOCAL search_path TO ${schemas.shop}`);
    return fn(tx);
  });
}

async function insertOrder(id: number, state: OrderState, version: number): Promise<void> {
  await inShop((q) =>
    q.query(`INSERT INTO orders (id, amount_cents, card, state, version, state_entered_vt) VALUES ($1, 1000, 'pm_1', $2, $3, 0)`, [
      id,
      state,
      version,
    ]),
  );
}

const shipRequest = { orderId: 1, event: 'ship' as const, eventId: 'ship@v3' };
const reservedAt = (version: number): Reading => ({ state: 'reserved', version, amountCents: 1000, card: 'pm_1' });

describe('the shop database derived from the machine', () => {
  it('holds exactly the machine’s edges in allowed_transitions', async () => {
    const { rows } = await db.query<{ from: string; event: string; to: string }>(
      `SELECT from_state AS "from", event, to_state AS "to" FROM ${schemas.shop}.allowed_transitions`,
    );
    const edge = (e: { from: string; event: string; to: string }) => `${e.from} --${e.event}--> ${e.to}`;
    expect(rows.map(edge).sort()).toEqual(allowedTransitions(orderMachine).map(edge).sort());
  });

  it('knows every state of the machine and no other', async () => {
    const { rows } = await db.query<{ state: string }>(`SELECT unnest(enum_range(NULL::${schemas.shop}.order_state))::text AS state`);
    expect(rows.map((r) => r.state)).toEqual(statesOf(orderMachine));
  });
});

describe('the compare-and-set transition', () => {
  it('moves an order still in the state and version it was read in, with its history row and its command', async () => {
    await insertOrder(1, 'reserved', 3);
    const outcome = await inShop((q) =>
      compareAndSet(q, orderMachine, shipRequest, reservedAt(3), nextStep(orderMachine, 'reserved', 'ship')!, 50),
    );
    expect(outcome).toMatchObject({ kind: 'applied', from: 'reserved', to: 'shipped', version: 4 });
    const history = await db.query(`SELECT seq, from_state, to_state, event FROM ${schemas.shop}.order_transitions`);
    expect(history.rows).toEqual([{ seq: 4, from_state: 'reserved', to_state: 'shipped', event: 'ship' }]);
    const commands = await db.query(`SELECT kind, issued_in FROM ${schemas.shop}.commands`);
    expect(commands.rows).toEqual([{ kind: 'ship', issued_in: 'shipped' }]);
  });

  it('rejects a stale version: a cancel got there first, so the warehouse cannot ship', async () => {
    await insertOrder(1, 'cancel_requested', 4);
    const outcome = await inShop((q) =>
      compareAndSet(q, orderMachine, shipRequest, reservedAt(3), nextStep(orderMachine, 'reserved', 'ship')!, 50),
    );
    expect(outcome).toEqual({ kind: 'rejected', orderId: 1, event: 'ship', state: 'cancel_requested', reason: 'stale' });
    const order = await db.query(`SELECT state, version FROM ${schemas.shop}.orders`);
    expect(order.rows).toEqual([{ state: 'cancel_requested', version: 4 }]);
    const rejected = await db.query(`SELECT state, event, reason FROM ${schemas.shop}.rejected_transitions`);
    expect(rejected.rows).toEqual([{ state: 'cancel_requested', event: 'ship', reason: 'stale' }]);
    expect((await db.query(`SELECT 1 FROM ${schemas.shop}.commands`)).rows).toEqual([]);
  });

  it('rejects a step that is not an edge of the machine, even from the right state and version', async () => {
    await insertOrder(1, 'reserved', 3);
    const outcome = await inShop((q) => compareAndSet(q, orderMachine, shipRequest, reservedAt(3), { to: 'refunded', effects: [] }, 50));
    expect(outcome).toMatchObject({ kind: 'rejected', state: 'reserved' });
  });

  it('without compare-and-set, a save from a stale read overwrites the cancel and hides its own history row', async () => {
    await insertOrder(1, 'reserved', 3);
    const cancel = { orderId: 1, event: 'cancel' as const, eventId: 'req:cancel-1' };
    await inShop((q) => blindSave(q, orderMachine, cancel, reservedAt(3), nextStep(orderMachine, 'reserved', 'cancel')!, 40));
    await inShop((q) => blindSave(q, orderMachine, shipRequest, reservedAt(3), nextStep(orderMachine, 'reserved', 'ship')!, 50));
    const order = await db.query(`SELECT state FROM ${schemas.shop}.orders`);
    expect(order.rows).toEqual([{ state: 'shipped' }]);
    const history = await db.query(`SELECT to_state FROM ${schemas.shop}.order_transitions ORDER BY seq`);
    expect(history.rows).toEqual([{ to_state: 'cancel_requested' }]);
    const check = stateMachinesPattern.invariants.find((i) => i.name === 'state-is-last-transition')!;
    expect(await check.check({ db, schemas, trace: new Trace() })).toHaveLength(1);
  });
});

describe('the impossible-states check', () => {
  const check = () =>
    stateMachinesPattern.invariants.find((i) => i.name === 'no-impossible-states')!.check({ db, schemas, trace: new Trace() });

  it('finds nothing impossible in any state of the machine', async () => {
    for (const [i, state] of statesOf(orderMachine).entries()) await insertOrder(i + 1, state, 0);
    expect(await check()).toEqual([]);
  });

  it('finds a naive order whose flags say paid and failed', async () => {
    await inShop((q) =>
      q.query(
        `INSERT INTO orders (id, amount_cents, card, state, state_entered_vt, is_paid, payment_failed, is_cancelled, is_shipped, is_refunded)
         VALUES (7, 1000, 'pm_1', 'shipped', 0, true, true, false, true, false)`,
      ),
    );
    const violations = await check();
    expect(violations.map((v) => v.message)).toEqual(['order 7 is paid and failed (its status says shipped)']);
    expect(violations[0]!.refs).toEqual(['order:7']);
  });
});
