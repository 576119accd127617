import type { Queryable } from '../db/types.ts';
import type { Delivery } from '../kernel/broker.ts';
import { Timeout, type ProcessContext } from '../kernel/process.ts';
import { ORDERS_TOPIC, orderRef, type OrderEvent } from './events.ts';
import type { SendEmail } from './email-provider.ts';

export interface ConsumerSettings {
  /** Record each message id in an inbox and skip ones seen before. */
  inbox: boolean;
}

const EMAIL_RETRY_MS = 150;

/** Reserves or releases stock for one event and logs it as applied. */
async function applyEvent(q: Queryable, event: OrderEvent, id: string, nowMs: number): Promise<void> {
  if (event.type === 'OrderPlaced') {
    await q.query(`INSERT INTO reservations (order_id, message_id, sku, qty, status, reserved_vt) VALUES ($1, $2, $3, $4, 'held', $5)`, [
      event.orderId,
      id,
      event.sku,
      event.qty,
      nowMs,
    ]);
    await q.query(`UPDATE stock SET held = held + $2 WHERE sku = $1`, [event.sku, event.qty]);
  } else {
    const { rows } = await q.query<{ sku: string; qty: number }>(
      `UPDATE reservations SET status = 'released', released_vt = $2 WHERE order_id = $1 AND status = 'held' RETURNING sku, qty`,
      [event.orderId, nowMs],
    );
    for (const row of rows) await q.query(`UPDATE stock SET held = held - $2 WHERE sku = $1`, [row.sku, row.qty]);
  }
  await q.query(`INSERT INTO applied (order_id, message_id, event_type, version, applied_vt) VALUES ($1, $2, $3, $4, $5)`, [
    event.orderId,
    id,
    event.type,
    event.version,
    nowMs,
  ]);
}

/** Asks the provider to send the confirmation until it answers (same key each time, if any). */
async function sendConfirmation(ctx: ProcessContext, orderId: number, idempotencyKey: string | undefined): Promise<void> {
  const payload: SendEmail = idempotencyKey === undefined ? { orderId } : { orderId, idempotencyKey };
  for (;;) {
    try {
      await ctx.call('email', { op: `email order ${orderId}`, payload, refs: [orderRef(orderId)] });
      return;
    } catch (error) {
      if (!(error instanceof Timeout)) throw error;
      await ctx.sleep(EMAIL_RETRY_MS);
    }
  }
}

/**
 * The inventory service: consumes order events at least once, reserves stock for placed
 * orders, releases it for cancelled ones, and has the customer emailed. With the inbox, a
 * redelivered event changes nothing the second time; the email is still (re)requested with the
 * message id as idempotency key, because a crash may have come between the commit and the send.
 */
export function inventoryConsumer(settings: ConsumerSettings) {
  return async (ctx: ProcessContext): Promise<void> => {
    const consumer = ctx.subscribe(ORDERS_TOPIC, 'inventory');
    for (;;) {
      const delivery: Delivery | null = await consumer.next(1_000);
      if (!delivery) continue;
      const { record } = delivery;
      const event = record.payload as OrderEvent;
      const refs = [orderRef(event.orderId)];
      const fresh = await ctx.tx(
        `apply ${event.type} ${event.orderId}`,
        {
          schema: 'inventory',
          refs,
          describe: (f) => (f ? `applied ${event.type} ${event.orderId}` : `skipped duplicate ${event.type} ${event.orderId}`),
        },
        async (q) => {
          if (settings.inbox) {
            const { rows } = await q.query(
              `INSERT INTO inbox (consumer, message_id, received_vt) VALUES ('inventory', $1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
              [record.id, ctx.now()],
            );
            if (rows.length === 0) return false;
          }
          await applyEvent(q, event, record.id, ctx.now());
          ctx.crashPoint('mid_apply');
          return true;
        },
      );
      ctx.count(fresh ? 'applied' : 'duplicates skipped');
      ctx.crashPoint('after_apply_before_email');
      if (event.type === 'OrderPlaced') await sendConfirmation(ctx, event.orderId, settings.inbox ? record.id : undefined);
      ctx.crashPoint('after_effect_before_ack');
      await consumer.commit(delivery);
    }
  };
}
