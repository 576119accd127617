import { Timeout, type ProcessContext } from '../kernel/process.ts';
import { orderRef, type Effect, type OrderBook } from './book.ts';
import type { EffectKind } from './machine.ts';

/** What the payment provider and the carrier are asked: one request per effect, keyed for idempotency. */
export interface EffectRequest {
  kind: EffectKind;
  orderId: number;
  amountCents: number;
  card: string;
  /** The same key for every attempt at the same effect, so a retry never charges, refunds or ships twice. */
  idempotencyKey: string;
}

const SERVICE_OF: Readonly<Record<EffectKind, 'payments' | 'carrier'>> = { charge: 'payments', refund: 'payments', ship: 'carrier' };

const RETRY_MS = 200;

/** Calls the provider or the carrier until it answers; a timeout leaves the outcome unknown, so ask again. */
async function request(ctx: ProcessContext, effect: Effect): Promise<void> {
  const payload: EffectRequest = {
    kind: effect.kind,
    orderId: effect.orderId,
    amountCents: effect.amountCents,
    card: effect.card,
    idempotencyKey: `${effect.kind}:${effect.orderId}`,
  };
  for (;;) {
    try {
      await ctx.call(SERVICE_OF[effect.kind], { op: `${effect.kind} order ${effect.orderId}`, payload, refs: [orderRef(effect.orderId)] });
      return;
    } catch (error) {
      if (!(error instanceof Timeout)) throw error;
      await ctx.sleep(RETRY_MS);
    }
  }
}

/** Carries out effects one by one, recording each once it has taken place. */
export async function carryOut(ctx: ProcessContext, book: OrderBook, effects: readonly Effect[]): Promise<void> {
  for (const effect of effects) {
    await request(ctx, effect);
    await book.effectDone(ctx, effect);
  }
}
