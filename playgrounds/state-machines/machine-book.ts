import type { Queryable } from '../db/types.ts';
import type { ProcessContext } from '../kernel/process.ts';
import type { StateMove } from '../kernel/trace.ts';
import { orderRef, type Effect, type OrderBook, type Parcel } from './book.ts';
import { deadlineStates, statesAccepting, type EffectKind, type OrderMachine } from './machine.ts';
import {
  decide,
  decideFrom,
  describeOutcome,
  settle,
  type Decision,
  type Outcome,
  type Reading,
  type TransitionRequest,
} from './transitions.ts';

export interface MachineBookSettings {
  /**
   * `compare-and-set`: reading the order, asking the machine and saving the step are one
   * transaction, and the save checks the row is still as read. `blind`: the read and the save
   * are separate steps (an ORM's load-then-save, interleaved as READ COMMITTED allows), and the
   * save overwrites whatever happened in between.
   */
  save: 'compare-and-set' | 'blind';
  /** Effects older than this with no sign of completion are re-driven by the sweep. */
  sweepIntervalMs: number;
}

interface OrderRow extends Reading {
  id: number;
}

/**
 * What an outcome shows the statechart view: a move along an edge, or a move refused in the
 * state the order was in. A duplicate moves nothing.
 */
function moveOf(outcome: Outcome): StateMove[] {
  const entity = orderRef(outcome.orderId);
  if (outcome.kind === 'applied') return [{ entity, from: outcome.from, event: outcome.event, to: outcome.to }];
  if (outcome.kind === 'rejected') return [{ entity, from: outcome.state, event: outcome.event, to: null }];
  return [];
}

/** Counts an outcome once its transaction has committed. */
function count(ctx: ProcessContext, outcome: Outcome): void {
  ctx.count(
    outcome.kind === 'applied' ? 'transitions applied' : outcome.kind === 'rejected' ? 'transitions rejected' : 'duplicates skipped',
  );
}

const effectsOf = (outcomes: ReadonlyArray<Outcome | null>) => outcomes.flatMap((o) => (o?.kind === 'applied' ? o.effects : []));

/** The order book of the machine variants: every state change is a step of the machine. */
export function machineBook(machine: OrderMachine, settings: MachineBookSettings): OrderBook {
  const atomic = settings.save === 'compare-and-set';
  const deadlined = deadlineStates(machine).map((d) => d.state);
  const pickable = statesAccepting(machine, 'reserve');
  const releasable = statesAccepting(machine, 'release');

  /** One transaction that applies transitions; traced with their outcomes, each counted. */
  async function step<T>(ctx: ProcessContext, label: string, work: (q: Queryable) => Promise<T>, outcomesOf: (result: T) => Outcome[]) {
    const result = await ctx.tx(
      label,
      {
        schema: 'shop',
        describe: (r) =>
          outcomesOf(r as T)
            .map(describeOutcome)
            .join('; ') || `${label}: nothing to do`,
        refs: (r) => outcomesOf(r as T).map((o) => orderRef(o.orderId)),
        moves: (r) => outcomesOf(r as T).flatMap(moveOf),
      },
      work,
    );
    for (const outcome of outcomesOf(result)) count(ctx, outcome);
    return result;
  }
  const single = (ctx: ProcessContext, label: string, work: (q: Queryable) => Promise<Outcome>) => step(ctx, label, work, (o) => [o]);

  /** Reads (unless the caller read earlier) and decides in one step, saves blindly in the next. */
  async function readThenSave(ctx: ProcessContext, request: TransitionRequest, earlier?: Reading): Promise<Outcome> {
    const decision: Decision = earlier
      ? decideFrom(machine, earlier, request.event)
      : await ctx.tx(`read order ${request.orderId}`, { schema: 'shop', refs: [orderRef(request.orderId)] }, (q) =>
          decide(q, machine, request),
        );
    return single(ctx, `${request.event} order ${request.orderId}`, (q) => settle(q, machine, request, decision, ctx.now(), 'blind'));
  }

  /** Reads, decides and saves with compare-and-set, inside the caller's transaction. */
  const apply = async (q: Queryable, request: TransitionRequest, nowMs: number, earlier?: Reading) =>
    settle(q, machine, request, await decide(q, machine, request, earlier), nowMs, 'compare-and-set');

  /** Fires one event at an order. */
  async function fire(ctx: ProcessContext, request: TransitionRequest, earlier?: Reading): Promise<Outcome> {
    if (!atomic) return readThenSave(ctx, request, earlier);
    return single(ctx, `${request.event} order ${request.orderId}`, (q) => apply(q, request, ctx.now(), earlier));
  }

  const timeoutOf = (row: OrderRow): TransitionRequest => ({ orderId: row.id, event: 'timeout', eventId: `timeout@v${row.version}` });

  /** Orders past their deadline, and effects whose command rows have waited too long. */
  async function scan(q: Queryable, nowMs: number): Promise<{ due: OrderRow[]; forgotten: Effect[] }> {
    const { rows: due } = await q.query<OrderRow>(
      `SELECT id::int AS id, state, version, amount_cents::int AS "amountCents", card FROM orders
        WHERE deadline_vt < $1 AND state = ANY($2::text[]::order_state[])
        ORDER BY deadline_vt, id LIMIT 50 FOR UPDATE SKIP LOCKED`,
      [nowMs, deadlined],
    );
    // Only commands of the state the order is still in: a charge for an order that has since
    // failed, say, is better forgotten.
    const { rows: forgotten } = await q.query<{ commandId: number; orderId: number; kind: EffectKind; amountCents: number; card: string }>(
      `UPDATE commands c SET attempts = c.attempts + 1
         FROM orders o
        WHERE o.id = c.order_id AND c.id IN (
          SELECT c2.id FROM commands c2 JOIN orders o2 ON o2.id = c2.order_id
           WHERE c2.done_vt IS NULL AND c2.issued_in = o2.state AND c2.created_vt <= $1::bigint - $2::bigint
           ORDER BY c2.id LIMIT 20 FOR UPDATE OF c2 SKIP LOCKED)
        RETURNING c.id::int AS "commandId", c.order_id::int AS "orderId", c.kind, o.amount_cents::int AS "amountCents", o.card`,
      [nowMs, settings.sweepIntervalMs],
    );
    forgotten.sort((a, b) => a.commandId - b.commandId);
    return { due, forgotten };
  }

  return {
    async place(ctx, order, requestId) {
      const request: TransitionRequest = { orderId: order.orderId, event: 'checkout', eventId: `req:${requestId}` };
      const outcomes = await step(
        ctx,
        `place order ${order.orderId}`,
        async (q) => {
          // A client retrying after our crash finds its order already there: nothing more to do.
          const { rows } = await q.query(
            `INSERT INTO orders (id, amount_cents, card, state, version, state_entered_vt) VALUES ($1, $2, $3, 'created', 0, $4)
             ON CONFLICT (id) DO NOTHING RETURNING id`,
            [order.orderId, order.amountCents, order.card, ctx.now()],
          );
          if (rows.length === 0) return [];
          const reading: Reading = { state: 'created', version: 0, amountCents: order.amountCents, card: order.card };
          return [await settle(q, machine, request, decideFrom(machine, reading, 'checkout'), ctx.now(), settings.save)];
        },
        (o) => o,
      );
      if (outcomes.length > 0) ctx.count('orders placed');
      return effectsOf(outcomes);
    },

    async cancel(ctx, orderId, requestId) {
      return effectsOf([await fire(ctx, { orderId, event: 'cancel', eventId: `req:${requestId}` })]);
    },

    async applyWebhook(ctx, webhook) {
      return effectsOf([await fire(ctx, { orderId: webhook.orderId, event: webhook.type, eventId: webhook.eventId })]);
    },

    async pick(ctx) {
      const oldest = async (q: Queryable) =>
        (
          await q.query<OrderRow>(
            `SELECT id::int AS id, state, version, amount_cents::int AS "amountCents", card FROM orders
              WHERE state = ANY($1::text[]::order_state[]) ORDER BY state_entered_vt, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
            [pickable],
          )
        ).rows[0];
      const reserveOf = (row: OrderRow): TransitionRequest => ({ orderId: row.id, event: 'reserve', eventId: `reserve@v${row.version}` });
      let picked: { row: OrderRow; outcome: Outcome } | null;
      if (atomic) {
        picked = await step(
          ctx,
          'pick a paid order',
          async (q) => {
            const row = await oldest(q);
            if (!row) return null;
            return { row, outcome: await apply(q, reserveOf(row), ctx.now(), row) };
          },
          (p) => (p ? [p.outcome] : []),
        );
      } else {
        const row = await ctx.tx('look for a paid order', { schema: 'shop' }, oldest);
        picked = row ? { row, outcome: await readThenSave(ctx, reserveOf(row), row) } : null;
      }
      if (picked?.outcome.kind !== 'applied') return null;
      const { row, outcome } = picked;
      return { orderId: row.id, amountCents: row.amountCents, card: row.card, state: outcome.to, version: outcome.version };
    },

    async ship(ctx, parcel: Parcel) {
      const request: TransitionRequest = { orderId: parcel.orderId, event: 'ship', eventId: `ship@v${parcel.version}` };
      if (!atomic) return effectsOf([await readThenSave(ctx, request, parcel)]);
      const outcomes = await step(
        ctx,
        `ship order ${parcel.orderId}`,
        async (q) => {
          const shipped = await apply(q, request, ctx.now(), parcel);
          if (shipped.kind !== 'rejected' || !releasable.includes(shipped.state)) return [shipped];
          // The customer cancelled while we packed: the parcel goes back on the shelf, the money back to them.
          const release: TransitionRequest = { orderId: parcel.orderId, event: 'release', eventId: `release@v${parcel.version}` };
          return [shipped, await apply(q, release, ctx.now())];
        },
        (o) => o,
      );
      return effectsOf(outcomes);
    },

    async sweep(ctx) {
      let outcomes: Outcome[];
      let forgotten: Effect[];
      if (atomic) {
        ({ outcomes, forgotten } = await step(
          ctx,
          'sweep',
          async (q) => {
            const found = await scan(q, ctx.now());
            const timedOut: Outcome[] = [];
            for (const row of found.due) timedOut.push(await apply(q, timeoutOf(row), ctx.now(), row));
            return { outcomes: timedOut, forgotten: found.forgotten };
          },
          (r) => r.outcomes,
        ));
      } else {
        const found = await ctx.tx(
          'sweep',
          { schema: 'shop', refs: (r) => (r as { due: OrderRow[] }).due.map((row) => orderRef(row.id)) },
          (q) => scan(q, ctx.now()),
        );
        outcomes = [];
        for (const row of found.due) outcomes.push(await readThenSave(ctx, timeoutOf(row), row));
        forgotten = found.forgotten;
      }
      ctx.count('timeouts fired', outcomes.filter((o) => o.kind === 'applied').length);
      ctx.count('effects re-driven', forgotten.length);
      return [...effectsOf(outcomes), ...forgotten];
    },

    async effectDone(ctx, effect) {
      const { commandId } = effect;
      if (commandId !== undefined) {
        await ctx.tx(`${effect.kind} order ${effect.orderId} done`, { schema: 'shop', refs: [orderRef(effect.orderId)] }, (q) =>
          q.query(`UPDATE commands SET done_vt = $2 WHERE id = $1 AND done_vt IS NULL`, [commandId, ctx.now()]),
        );
      }
      if (effect.kind === 'refund')
        await fire(ctx, { orderId: effect.orderId, event: 'refund_issued', eventId: `refund:${effect.orderId}` });
    },
  };
}
