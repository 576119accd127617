import type { ProcessContext } from '../kernel/process.ts';
import type { RequestQueue } from '../kernel/requests.ts';
import type { OrderBook, PaymentWebhook } from './book.ts';
import { carryOut } from './effects.ts';
import { WEBHOOK_TOPIC } from './payment-provider.ts';
import type { OrderRequest } from './workload.ts';

/**
 * The shop's processes. They are the same in every variant: what differs is the order book they
 * write to. Each commits a state change, passes the crash point `after_state_change`, then
 * carries out the side effects the change asked for: a crash there is the one that a command
 * row, written in the same transaction, survives.
 */

/** The order API: places and cancels orders as customers ask, one request at a time. */
export function orderApi(book: OrderBook, requests: RequestQueue<OrderRequest>) {
  return async (ctx: ProcessContext): Promise<void> => {
    for (;;) {
      const request = await requests.next(ctx);
      if (!request) return;
      const { body } = request;
      const effects =
        body.kind === 'place'
          ? await book.place(ctx, { orderId: body.orderId, amountCents: body.amountCents, card: body.card }, request.id)
          : await book.cancel(ctx, body.orderId, request.id);
      ctx.crashPoint('after_state_change');
      await carryOut(ctx, book, effects);
      requests.answer(request);
    }
  };
}

/**
 * The webhook endpoint: applies each payment webhook, then acknowledges it. A crash before the
 * acknowledgement means the same webhook again.
 */
export function webhookHandler(book: OrderBook) {
  return async (ctx: ProcessContext): Promise<void> => {
    const consumer = ctx.subscribe(WEBHOOK_TOPIC, 'shop');
    for (;;) {
      const delivery = await consumer.next(1_000);
      if (!delivery) continue;
      const effects = await book.applyWebhook(ctx, delivery.record.payload as PaymentWebhook);
      ctx.crashPoint('after_state_change');
      await carryOut(ctx, book, effects);
      await consumer.commit(delivery);
    }
  };
}

/** The longest the warehouse waits between looks while idle: it backs off, doubling from its poll interval. */
const MAX_IDLE_MS = 1_000;

/**
 * The warehouse: takes the oldest paid order, packs it (the window a cancel can race), then
 * ships it. A crash while packing drops the parcel on the floor; only a deadline notices.
 */
export function warehouse(book: OrderBook, settings: { packMs: number; pollIntervalMs: number }) {
  return async (ctx: ProcessContext): Promise<void> => {
    let idleMs = settings.pollIntervalMs;
    for (;;) {
      const parcel = await book.pick(ctx);
      if (!parcel) {
        await ctx.sleep(idleMs);
        idleMs = Math.min(2 * idleMs, MAX_IDLE_MS);
        continue;
      }
      idleMs = settings.pollIntervalMs;
      ctx.crashPoint('after_reserve');
      await ctx.sleep(settings.packMs);
      const effects = await book.ship(ctx, parcel);
      ctx.crashPoint('after_state_change');
      await carryOut(ctx, book, effects);
    }
  };
}

/** The sweeper: every interval, times out what is past its deadline and re-drives forgotten effects. */
export function sweeper(book: OrderBook, settings: { sweepIntervalMs: number }) {
  return async (ctx: ProcessContext): Promise<void> => {
    for (;;) {
      await ctx.sleep(settings.sweepIntervalMs);
      const effects = await book.sweep(ctx);
      ctx.crashPoint('after_state_change');
      await carryOut(ctx, book, effects);
    }
  };
}
