import type { ServiceHandler } from '../kernel/simulation.ts';
import { orderRef } from './book.ts';
import type { EffectRequest } from './effects.ts';

/** The carrier's API: a shipping label per idempotency key; a repeated key prints no second label. */
export const carrierApi: ServiceHandler = async (ctx, request) => {
  const { orderId, idempotencyKey } = request.payload as EffectRequest;
  return ctx.tx(
    `ship order ${orderId}`,
    async (q) => {
      await q.query(
        `INSERT INTO shipments (key, order_id, shipped_vt) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET attempts = shipments.attempts + 1`,
        [idempotencyKey, orderId, ctx.now()],
      );
      return { labelled: true };
    },
    [orderRef(orderId)],
  );
};
