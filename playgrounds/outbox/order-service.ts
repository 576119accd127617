import type { Queryable } from '../db/types.ts';
import { Timeout, type ProcessContext } from '../kernel/process.ts';
import type { RequestQueue } from '../kernel/requests.ts';
import { messageId, ORDERS_TOPIC, orderRef, type OrderEvent } from './events.ts';
import type { OrderRequest } from './workload.ts';

/**
 * How the order service gets its news out:
 * - `outbox`: the order and its event are written in one transaction; a relay publishes later.
 * - `commit-then-publish`: commit the order, then publish. A crash in between loses the event.
 * - `publish-then-commit`: publish, then commit. A refused or crashed commit leaves a phantom.
 */
export type WriteStrategy = 'outbox' | 'commit-then-publish' | 'publish-then-commit';

type PlaceRequest = Extract<OrderRequest, { kind: 'place' }>;

function placedEvent(request: PlaceRequest): OrderEvent {
  return { type: 'OrderPlaced', orderId: request.orderId, version: 1, sku: request.sku, qty: request.qty, totalCents: request.totalCents };
}

async function insertOrder(q: Queryable, request: PlaceRequest, nowMs: number): Promise<boolean> {
  // A retried request (the client resends after our crash) finds its order already there.
  const { rows } = await q.query(
    `INSERT INTO orders (id, customer_id, sku, qty, total_cents, created_vt) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [request.orderId, request.customerId, request.sku, request.qty, request.totalCents, nowMs],
  );
  return rows.length === 1;
}

async function cancelOrder(q: Queryable, orderId: number): Promise<OrderEvent | undefined> {
  const { rows } = await q.query<{ sku: string; qty: number; total_cents: number }>(
    `UPDATE orders SET status = 'cancelled' WHERE id = $1 AND status = 'placed' RETURNING sku, qty, total_cents::int AS total_cents`,
    [orderId],
  );
  const row = rows[0];
  return row && { type: 'OrderCancelled', orderId, version: 2, sku: row.sku, qty: row.qty, totalCents: row.total_cents };
}

async function appendToOutbox(q: Queryable, event: OrderEvent, nowMs: number): Promise<void> {
  await q.query(`INSERT INTO outbox (aggregate_type, aggregate_id, type, payload, created_vt) VALUES ('order', $1, $2, $3::jsonb, $4)`, [
    String(event.orderId),
    event.type,
    JSON.stringify(event),
    nowMs,
  ]);
}

/** Publishes straight to the broker, as the naive strategies do; false if no ack came back. */
async function publishDirectly(ctx: ProcessContext, event: OrderEvent): Promise<boolean> {
  try {
    await ctx.publish(ORDERS_TOPIC, {
      key: String(event.orderId),
      id: messageId(event),
      type: event.type,
      payload: event,
      refs: [orderRef(event.orderId)],
    });
    return true;
  } catch (error) {
    // The naive service has nowhere to keep the event for a retry: it logs and moves on.
    if (error instanceof Timeout) return false;
    throw error;
  }
}

/** Handles one customer request with the given strategy. */
async function handle(ctx: ProcessContext, strategy: WriteStrategy, request: OrderRequest): Promise<void> {
  const refs = [orderRef(request.orderId)];
  const tx = <T>(label: string, fn: (q: Queryable) => Promise<T>) => ctx.tx(label, { schema: 'orders', refs }, fn);
  if (request.kind === 'place') {
    const event = placedEvent(request);
    if (strategy === 'publish-then-commit') {
      await publishDirectly(ctx, event);
      ctx.crashPoint('after_publish_before_commit');
    }
    const inserted = await tx(`place order ${request.orderId}`, async (q) => {
      const fresh = await insertOrder(q, request, ctx.now());
      if (fresh && strategy === 'outbox') await appendToOutbox(q, event, ctx.now());
      ctx.crashPoint('before_commit');
      return fresh;
    }).catch((error: unknown) => {
      if (error instanceof Error && error.name !== 'Crash' && /check constraint/.test(error.message)) return 'refused' as const;
      throw error;
    });
    if (inserted === 'refused') {
      ctx.count('refused');
      return;
    }
    if (inserted) ctx.count('placed');
    ctx.crashPoint('after_commit_before_publish');
    if (inserted && strategy === 'commit-then-publish') await publishDirectly(ctx, event);
    return;
  }
  if (strategy === 'publish-then-commit') {
    // Without reading first it cannot know the order was refused: it announces anyway.
    const event: OrderEvent = { type: 'OrderCancelled', orderId: request.orderId, version: 2, sku: '', qty: 0, totalCents: 0 };
    await publishDirectly(ctx, event);
    ctx.crashPoint('after_publish_before_commit');
  }
  const cancelled = await tx(`cancel order ${request.orderId}`, async (q) => {
    const event = await cancelOrder(q, request.orderId);
    if (event && strategy === 'outbox') await appendToOutbox(q, event, ctx.now());
    ctx.crashPoint('before_commit');
    return event;
  });
  if (cancelled) ctx.count('cancelled');
  ctx.crashPoint('after_commit_before_publish');
  if (cancelled && strategy === 'commit-then-publish') await publishDirectly(ctx, cancelled);
}

/** The order service: answers customers' requests one at a time, forever. */
export function orderService(strategy: WriteStrategy, requests: RequestQueue<OrderRequest>) {
  return async (ctx: ProcessContext): Promise<void> => {
    for (;;) {
      const request = await requests.next(ctx);
      if (!request) return;
      await handle(ctx, strategy, request.body);
      requests.answer(request);
    }
  };
}
