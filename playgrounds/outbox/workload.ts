import type { Random } from '../kernel/random.ts';
import type { ClientRequest } from '../kernel/requests.ts';
import { ORDER_LIMIT_CENTS, SKUS } from './schema.ts';

export type OrderRequest =
  | { kind: 'place'; orderId: number; customerId: number; sku: string; qty: number; totalCents: number }
  | { kind: 'cancel'; orderId: number };

/** Settings of the shop's traffic. */
export interface Traffic {
  orders: number;
  /** Percentage of orders the customer cancels a little later. */
  cancelPercent: number;
  workloadMs: number;
}

/**
 * The customers' requests, drawn from the `workload` stream alone, so every variant of a
 * comparison faces exactly the same orders at the same instants. About one order in eight is
 * over the limit and will be refused by the database.
 */
export function shopTraffic(random: Random, traffic: Traffic): Array<ClientRequest<OrderRequest>> {
  const requests: Array<ClientRequest<OrderRequest>> = [];
  const lastPlaceMs = Math.floor(traffic.workloadMs * 0.7);
  const gapMs = Math.max(1, Math.floor(lastPlaceMs / traffic.orders));
  let at = 0;
  for (let orderId = 1; orderId <= traffic.orders; orderId++) {
    at += random.int(Math.floor(gapMs / 2), gapMs + Math.floor(gapMs / 2));
    const qty = random.int(1, 3);
    const overLimit = random.chance(1 / 8);
    const totalCents = overLimit ? random.int(ORDER_LIMIT_CENTS + 1, ORDER_LIMIT_CENTS * 2) : random.int(1_000, ORDER_LIMIT_CENTS);
    const body = { kind: 'place' as const, orderId, customerId: random.int(100, 999), sku: random.pick(SKUS), qty, totalCents };
    requests.push({ id: `place-${orderId}`, atMs: at, body });
    const cancel = random.int(0, 99) < traffic.cancelPercent;
    const cancelAfterMs = random.int(150, 1_500);
    if (cancel) requests.push({ id: `cancel-${orderId}`, atMs: at + cancelAfterMs, body: { kind: 'cancel', orderId } });
  }
  return requests;
}
