import type { ProcessContext } from '../kernel/process.ts';
import type { EffectKind, OrderState } from './machine.ts';

/**
 * The order service's record of its orders, behind one interface: the variants differ only in
 * how they keep it (a machine with compare-and-set, a machine without it, or flags). The actors
 * are the same for all of them. Each operation commits its state change before it returns and
 * hands back the side effects the change calls for; the caller carries them out afterwards, so
 * a crash in between is always possible, and only a variant that kept a command row survives it.
 */
export interface OrderBook {
  /** A customer places an order: it is recorded and its payment requested. */
  place(ctx: ProcessContext, order: NewOrder, requestId: string): Promise<Effect[]>;
  /** A customer asks to cancel. */
  cancel(ctx: ProcessContext, orderId: number, requestId: string): Promise<Effect[]>;
  /** The payment provider reports the outcome of a charge. */
  applyWebhook(ctx: ProcessContext, webhook: PaymentWebhook): Promise<Effect[]>;
  /** The warehouse takes one paid order to pack, or finds none. */
  pick(ctx: ProcessContext): Promise<Parcel | null>;
  /** The warehouse has packed the parcel and hands it to the carrier (or finds it cancelled). */
  ship(ctx: ProcessContext, parcel: Parcel): Promise<Effect[]>;
  /** The periodic sweep: times out orders past their deadlines and re-drives forgotten effects. */
  sweep(ctx: ProcessContext): Promise<Effect[]>;
  /** Records that an effect has taken place at the provider or the carrier. */
  effectDone(ctx: ProcessContext, effect: Effect): Promise<void>;
}

export interface NewOrder {
  orderId: number;
  amountCents: number;
  /** The customer's payment method, which the provider charges. */
  card: string;
}

/** A call the order service owes the outside world, with what it needs to make it. */
export interface Effect {
  orderId: number;
  kind: EffectKind;
  amountCents: number;
  card: string;
  /** The command row that keeps the effect until it is done (variants with a command outbox). */
  commandId?: number;
}

/** A notification from the payment provider, with the provider's own event id. */
export interface PaymentWebhook {
  eventId: string;
  orderId: number;
  type: 'payment_succeeded' | 'payment_failed';
}

/** An order the warehouse is packing, as the warehouse read it when it took it. */
export interface Parcel {
  orderId: number;
  amountCents: number;
  card: string;
  state: OrderState;
  version: number;
}

/** The ref that ties trace events and invariant violations to an order. */
export function orderRef(orderId: number | string): string {
  return `order:${orderId}`;
}
