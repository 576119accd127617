import type { Queryable } from '../db/types.ts';
import type { ProcessContext } from '../kernel/process.ts';
import { orderRef, type Effect, type OrderBook } from './book.ts';
import type { OrderEventType } from './machine.ts';

/**
 * The naive order book: five booleans and a status string, each set by its own handler with
 * the one check that handler thought of. Nothing says which combinations may exist, so a race
 * or a late webhook leaves an order paid and failed, or shipped and cancelled. It keeps no
 * history and no event ids, and applies every delivery it gets.
 */

type FlagColumn = 'is_paid' | 'payment_failed' | 'is_cancelled' | 'is_shipped' | 'is_refunded';

/** What each event's handler sets: one flag, and the status string shown to the customer. */
const HANDLER_SETS: Partial<Record<OrderEventType, { flag: FlagColumn; status: string }>> = {
  payment_succeeded: { flag: 'is_paid', status: 'paid' },
  payment_failed: { flag: 'payment_failed', status: 'failed' },
  cancel: { flag: 'is_cancelled', status: 'cancelled' },
  ship: { flag: 'is_shipped', status: 'shipped' },
  refund_issued: { flag: 'is_refunded', status: 'refunded' },
};

interface FlagChange {
  from: string;
  to: string;
  isPaid: boolean;
  amountCents: number;
  card: string;
  /** The order's flags before and after, as the flag grid names them. */
  combination: { before: string; after: string };
}

/** The flags in the order the grid reads them, with the column each one lives in. */
export const FLAGS = ['paid', 'failed', 'cancelled', 'shipped', 'refunded'] as const;
const FLAG_COLUMNS = ['is_paid', 'payment_failed', 'is_cancelled', 'is_shipped', 'is_refunded'] as const;

/** SQL naming a row's flag combination, e.g. `paid+shipped`, the same way `flagCombination` does. */
function combinationSql(alias: string): string {
  const parts = FLAG_COLUMNS.map((column, i) => `CASE WHEN ${alias}.${column} THEN '${FLAGS[i]}' END`).join(', ');
  return `COALESCE(NULLIF(concat_ws('+', ${parts}), ''), 'none')`;
}

/** Sets an event's flag and status, unless `unlessFlag` is already set. */
async function setFlag(
  q: Queryable,
  orderId: number,
  event: OrderEventType,
  nowMs: number,
  unlessFlag?: FlagColumn,
): Promise<FlagChange | null> {
  const sets = HANDLER_SETS[event];
  if (!sets) throw new Error(`no naive handler sets anything on ${event}`);
  const { rows } = await q.query<{ from: string; isPaid: boolean; amountCents: number; card: string; before: string; after: string }>(
    `UPDATE orders o SET ${sets.flag} = true, state = $2,
            state_entered_vt = CASE WHEN o.state = $2 THEN o.state_entered_vt ELSE $3 END
       FROM (SELECT * FROM orders WHERE id = $1 FOR UPDATE) old
      WHERE o.id = old.id${unlessFlag ? ` AND NOT o.${unlessFlag}` : ''}
      RETURNING old.state AS "from", o.is_paid AS "isPaid", o.amount_cents::int AS "amountCents", o.card,
                ${combinationSql('old')} AS before, ${combinationSql('o')} AS after`,
    [orderId, sets.status, nowMs],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    from: row.from,
    to: sets.status,
    isPaid: row.isPaid,
    amountCents: row.amountCents,
    card: row.card,
    combination: { before: row.before, after: row.after },
  };
}

function describeChange(orderId: number, event: OrderEventType, change: FlagChange | null): string {
  if (!change) return `order ${orderId}: ${event} ignored`;
  const flag = HANDLER_SETS[event]!.flag;
  return change.from === change.to
    ? `order ${orderId}: ${flag} set (status stays ${change.to})`
    : `order ${orderId}: ${flag} set, status ${change.from} → ${change.to}`;
}

export interface FlagsBookSettings {
  paymentTimeoutMs: number;
}

/** The naive order book: flags plus a status string, set by independent handlers. */
export function flagsBook(settings: FlagsBookSettings): OrderBook {
  /** One handler's transaction: sets its flag and reports what it changed. */
  async function handle(ctx: ProcessContext, orderId: number, event: OrderEventType, unlessFlag?: FlagColumn): Promise<FlagChange | null> {
    const change = await ctx.tx(
      `${event} order ${orderId}`,
      {
        schema: 'shop',
        refs: [orderRef(orderId)],
        describe: (c) => describeChange(orderId, event, c as FlagChange | null),
        moves: (c) => {
          const change = c as FlagChange | null;
          if (!change || change.combination.before === change.combination.after) return [];
          return [{ entity: orderRef(orderId), from: change.combination.before, event, to: change.combination.after }];
        },
      },
      (q) => setFlag(q, orderId, event, ctx.now(), unlessFlag),
    );
    if (change && change.from !== change.to) ctx.count('transitions applied');
    return change;
  }

  return {
    async place(ctx, order) {
      const entered = { entity: orderRef(order.orderId), from: null, event: 'checkout', to: 'none' };
      const placed = await ctx.tx(
        `place order ${order.orderId}`,
        { schema: 'shop', refs: [orderRef(order.orderId)], moves: (ok) => (ok ? [entered] : []) },
        async (q) => {
          const { rows } = await q.query(
            `INSERT INTO orders (id, amount_cents, card, state, state_entered_vt, deadline_vt,
                               is_paid, payment_failed, is_cancelled, is_shipped, is_refunded)
           VALUES ($1, $2, $3, 'payment_pending', $4, $4::bigint + $5::bigint, false, false, false, false, false)
           ON CONFLICT (id) DO NOTHING RETURNING id`,
            [order.orderId, order.amountCents, order.card, ctx.now(), settings.paymentTimeoutMs],
          );
          return rows.length === 1;
        },
      );
      if (!placed) return [];
      ctx.count('orders placed');
      return [{ orderId: order.orderId, kind: 'charge', amountCents: order.amountCents, card: order.card }];
    },

    async cancel(ctx, orderId) {
      // Its one check: do not cancel what has already shipped.
      const change = await handle(ctx, orderId, 'cancel', 'is_shipped');
      return change?.isPaid ? [{ orderId, kind: 'refund', amountCents: change.amountCents, card: change.card }] : [];
    },

    async applyWebhook(ctx, webhook) {
      await handle(ctx, webhook.orderId, webhook.type);
      return [];
    },

    async pick(ctx) {
      const row = await ctx.tx('look for an order to ship', { schema: 'shop' }, async (q) => {
        const { rows } = await q.query<{ id: number; amountCents: number; card: string }>(
          `SELECT id::int AS id, amount_cents::int AS "amountCents", card FROM orders
            WHERE is_paid AND NOT is_cancelled AND NOT is_shipped ORDER BY id LIMIT 1`,
        );
        return rows[0];
      });
      return row ? { orderId: row.id, amountCents: row.amountCents, card: row.card, state: 'paid', version: 0 } : null;
    },

    async ship(ctx, parcel) {
      // It checked the flags when it picked the order; it does not look again.
      await handle(ctx, parcel.orderId, 'ship');
      return [{ orderId: parcel.orderId, kind: 'ship', amountCents: parcel.amountCents, card: parcel.card }];
    },

    async sweep(ctx) {
      const failed = await ctx.tx(
        'time out unpaid orders',
        {
          schema: 'shop',
          refs: (rows) => (rows as Array<{ id: number }>).map((row) => orderRef(row.id)),
          moves: (rows) =>
            (rows as Array<{ id: number; before: string; after: string }>)
              .filter((row) => row.before !== row.after)
              .map((row) => ({ entity: orderRef(row.id), from: row.before, event: 'timeout', to: row.after })),
        },
        async (q) => {
          const { rows } = await q.query<{ id: number; before: string; after: string }>(
            `UPDATE orders o SET payment_failed = true, state = 'failed', state_entered_vt = $1
               FROM (SELECT * FROM orders WHERE state = 'payment_pending' AND deadline_vt < $1 FOR UPDATE) old
              WHERE o.id = old.id
              RETURNING o.id::int AS id, ${combinationSql('old')} AS before, ${combinationSql('o')} AS after`,
            [ctx.now()],
          );
          return rows.sort((a, b) => a.id - b.id);
        },
      );
      ctx.count('timeouts fired', failed.length);
      ctx.count('transitions applied', failed.length);
      return [];
    },

    async effectDone(ctx, effect: Effect) {
      if (effect.kind === 'refund') await handle(ctx, effect.orderId, 'refund_issued');
    },
  };
}
