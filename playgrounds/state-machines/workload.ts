import type { Random } from '../kernel/random.ts';
import type { ClientRequest } from '../kernel/requests.ts';

export type OrderRequest = { kind: 'place'; orderId: number; amountCents: number; card: string } | { kind: 'cancel'; orderId: number };

/** Settings of the shop's traffic. */
export interface Traffic {
  orders: number;
  /** Percentage of orders whose customer changes their mind. */
  cancelPercent: number;
  /** About how long after ordering they cancel: between half and one and a half times this. */
  cancelAfterMs: number;
  workloadMs: number;
}

/**
 * The customers' requests, drawn from the `workload` stream alone, so every variant of a
 * comparison faces the same orders and the same cancellations at the same instants. Where a
 * cancellation lands (before payment, while the parcel is packed, after it has shipped)
 * depends on how fast each payment settles, which is up to the customer's card and bank.
 */
export function shopTraffic(random: Random, traffic: Traffic): Array<ClientRequest<OrderRequest>> {
  const requests: Array<ClientRequest<OrderRequest>> = [];
  const gapMs = Math.max(1, Math.floor((traffic.workloadMs * 0.7) / traffic.orders));
  let at = 0;
  for (let orderId = 1; orderId <= traffic.orders; orderId++) {
    at += random.int(Math.floor(gapMs / 2), gapMs + Math.floor(gapMs / 2));
    const body = { kind: 'place' as const, orderId, amountCents: random.int(1_000, 20_000), card: `pm_${random.int(100_000, 999_999)}` };
    requests.push({ id: `place-${orderId}`, atMs: at, body });
    const cancels = random.int(0, 99) < traffic.cancelPercent;
    const cancelAt = at + random.int(Math.floor(traffic.cancelAfterMs / 2), Math.floor((traffic.cancelAfterMs * 3) / 2));
    if (cancels) requests.push({ id: `cancel-${orderId}`, atMs: cancelAt, body: { kind: 'cancel', orderId } });
  }
  return requests;
}
