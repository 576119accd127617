/** The events the order service announces, and how they travel. */

export const ORDERS_TOPIC = 'orders';

export type OrderEventType = 'OrderPlaced' | 'OrderCancelled';

export interface OrderEvent {
  type: OrderEventType;
  orderId: number;
  /** Position of the event in its order's history: placed is 1, cancelled is 2. */
  version: number;
  sku: string;
  qty: number;
  totalCents: number;
}

/** The message id consumers deduplicate on. With an outbox it is the outbox row's id. */
export function messageId(event: OrderEvent, outboxId?: number): string {
  return outboxId === undefined ? `${event.type}:${event.orderId}` : `outbox:${outboxId}`;
}

export function orderRef(orderId: number | string): string {
  return `order:${orderId}`;
}
