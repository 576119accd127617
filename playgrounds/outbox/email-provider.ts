import type { ServiceHandler } from '../kernel/simulation.ts';

export interface SendEmail {
  orderId: number;
  /** With a key the provider sends at most once per key; without one, every request sends. */
  idempotencyKey?: string;
}

/**
 * An outside email provider, as real ones work: it honours an idempotency key when given one,
 * and otherwise sends whatever it is asked to send. Its log is what the exactly-once check
 * counts: a customer who got two confirmation emails is a visible duplicate.
 */
export const emailProvider: ServiceHandler = async (ctx, request) => {
  const { orderId, idempotencyKey } = request.payload as SendEmail;
  return ctx.tx(
    `send email for order ${orderId}`,
    async (q) => {
      if (idempotencyKey !== undefined) {
        const { rows } = await q.query(
          `INSERT INTO idempotency_keys (key, first_vt, attempts) VALUES ($1, $2, 1)
           ON CONFLICT (key) DO UPDATE SET attempts = idempotency_keys.attempts + 1
           RETURNING attempts`,
          [idempotencyKey, ctx.now()],
        );
        if ((rows[0] as { attempts: number }).attempts > 1) return { sent: false };
      }
      await q.query(`INSERT INTO delivered (order_id, idempotency_key, delivered_vt) VALUES ($1, $2, $3)`, [
        orderId,
        idempotencyKey ?? null,
        ctx.now(),
      ]);
      return { sent: true };
    },
    [`order:${orderId}`],
  );
};
