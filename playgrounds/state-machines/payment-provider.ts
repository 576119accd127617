import { Timeout, type ProcessContext } from '../kernel/process.ts';
import { hashString32 } from '../kernel/random.ts';
import type { ServiceHandler } from '../kernel/simulation.ts';
import { orderRef, type PaymentWebhook } from './book.ts';
import type { EffectRequest } from './effects.ts';

/** The topic the provider's webhooks travel on to the shop (the broker's `publish` and `deliver` channels). */
export const WEBHOOK_TOPIC = 'payment-webhooks';

const SETTLE_MIN_MS = 200;
const SETTLE_MAX_MS = 1_500;

/**
 * How a charge on a card ends, and how long the bank takes: a function of the card alone, like
 * a real provider's test cards. One card in ten is declined. The cards come from the workload,
 * so a seed fixes every payment's fate in every variant.
 */
function fateOf(card: string): { outcome: 'succeeded' | 'failed'; settleMs: number } {
  const h = hashString32(card);
  return { outcome: h % 10 === 0 ? 'failed' : 'succeeded', settleMs: SETTLE_MIN_MS + ((h >>> 4) % (SETTLE_MAX_MS - SETTLE_MIN_MS + 1)) };
}

/**
 * The payment provider's API, as real ones work: every request carries an idempotency key, and
 * a repeated key changes nothing (it only counts the attempt). A charge is accepted at once and
 * settles later; its outcome reaches the shop only by webhook. A refund returns money only for
 * a charge that succeeded.
 */
export const paymentsApi: ServiceHandler = async (ctx, request) => {
  const { kind, orderId, amountCents, card, idempotencyKey } = request.payload as EffectRequest;
  const refs = [orderRef(orderId)];
  if (kind === 'charge') {
    const fate = fateOf(card);
    return ctx.tx(
      `accept charge for order ${orderId}`,
      async (q) => {
        await q.query(
          `INSERT INTO charges (key, order_id, amount_cents, card, requested_vt, outcome, settle_vt) VALUES ($1, $2, $3, $4, $5, $6, $5::bigint + $7::bigint)
           ON CONFLICT (key) DO UPDATE SET attempts = charges.attempts + 1`,
          [idempotencyKey, orderId, amountCents, card, ctx.now(), fate.outcome, fate.settleMs],
        );
        return { accepted: true };
      },
      refs,
    );
  }
  return ctx.tx(
    `refund order ${orderId}`,
    async (q) => {
      const { rows } = await q.query(`SELECT 1 FROM charges WHERE order_id = $1 AND outcome = 'succeeded' AND settle_vt <= $2`, [
        orderId,
        ctx.now(),
      ]);
      if (rows.length === 0) return { refunded: false };
      await q.query(
        `INSERT INTO refunds (key, order_id, amount_cents, refunded_vt) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO UPDATE SET attempts = refunds.attempts + 1`,
        [idempotencyKey, orderId, amountCents, ctx.now()],
      );
      return { refunded: true };
    },
    refs,
  );
};

interface DueCharge {
  orderId: number;
  outcome: 'succeeded' | 'failed';
}

/** The settled charges whose webhook the shop has not yet acknowledged, and when the next one settles. */
async function dueWebhooks(ctx: ProcessContext): Promise<{ due: DueCharge[]; nextSettleVt: number | null }> {
  return ctx.tx(
    'look for settled charges',
    {
      schema: 'payments',
      refs: (r) => (r as { due: DueCharge[] }).due.map((c) => orderRef(c.orderId)),
      describe: (r) => `${(r as { due: DueCharge[] }).due.length} webhook(s) due`,
    },
    async (q) => {
      const { rows } = await q.query<DueCharge & { settleVt: number }>(
        `SELECT order_id::int AS "orderId", outcome, settle_vt::int AS "settleVt" FROM charges
          WHERE webhook_acked_vt IS NULL ORDER BY settle_vt, order_id`,
      );
      const due = rows.filter((c) => c.settleVt <= ctx.now());
      return { due, nextSettleVt: rows.find((c) => c.settleVt > ctx.now())?.settleVt ?? null };
    },
  );
}

/** Posts one webhook; false when no acknowledgement came back (it will be posted again). */
async function postWebhook(ctx: ProcessContext, charge: DueCharge): Promise<boolean> {
  const webhook: PaymentWebhook = {
    eventId: `evt_${charge.orderId}_${charge.outcome}`,
    orderId: charge.orderId,
    type: charge.outcome === 'succeeded' ? 'payment_succeeded' : 'payment_failed',
  };
  try {
    await ctx.publish(WEBHOOK_TOPIC, {
      key: String(charge.orderId),
      id: webhook.eventId,
      type: webhook.type,
      payload: webhook,
      refs: [orderRef(charge.orderId)],
    });
    return true;
  } catch (error) {
    if (error instanceof Timeout) return false;
    throw error;
  }
}

/**
 * The provider's webhook sender: at least once, like every real one. It posts each settled
 * charge's outcome until the shop acknowledges it, so a lost acknowledgement or a crash between
 * posting and noting it means the shop gets the same webhook again. It wakes when the next
 * charge settles, and otherwise looks for new ones now and then.
 */
export function paymentGateway(settings: { retryMs: number; idleMs: number }) {
  return async (ctx: ProcessContext): Promise<void> => {
    for (;;) {
      const { due, nextSettleVt } = await dueWebhooks(ctx);
      let unacknowledged = false;
      for (const charge of due) {
        if (!(await postWebhook(ctx, charge))) {
          unacknowledged = true;
          continue;
        }
        ctx.crashPoint('after_send_before_mark');
        await ctx.tx('note webhook acknowledged', { schema: 'payments', refs: [orderRef(charge.orderId)] }, (q) =>
          q.query(`UPDATE charges SET webhook_acked_vt = $2 WHERE order_id = $1`, [charge.orderId, ctx.now()]),
        );
      }
      const untilNextMs = nextSettleVt === null ? settings.idleMs : Math.max(1, Math.min(nextSettleVt - ctx.now(), settings.idleMs));
      await ctx.sleep(unacknowledged ? settings.retryMs : untilNextMs);
    }
  };
}
