import type { PlaygroundPreset } from '../kernel/pattern.ts';

/**
 * The playgrounds the article embeds. Seeds are pinned so the story in the prose is the
 * story the reader sees; the tests replay each one and check it still shows what it claims.
 */
export const stateMachinesPlaygrounds: readonly PlaygroundPreset[] = [
  {
    id: 'state-machines-flags',
    title: 'Flags that contradict each other',
    variant: 'flags',
    compare: true,
    seed: 1,
    plan: 'partition:payment-gateway~broker@1500ms+4s',
    prompt:
      'From 1.5 s until the faults stop, the payment provider cannot reach the shop, and the customer of order 2 cancels while the warehouse packs it. With flags, order 1 is marked failed, then paid when the late webhook lands, and ships; order 2 is cancelled and refunded, and ships too; order 3, cancelled before its payment arrived, keeps the money. Watch the impossible cells light up. The machine sends each late payment to a refund and rejects the shipment of a cancelled order.',
  },
  {
    id: 'state-machines-lost-update',
    title: 'A cancel races the warehouse',
    variant: 'no-compare-and-set',
    compare: true,
    seed: 1,
    plan: '',
    prompt:
      'No faults at all: the customer of order 2 cancels at 2.27 s, while the warehouse is packing the parcel it reserved. Both ask the same machine, each about the order as it read it. Saved without compare-and-set, the warehouse overwrites the cancellation: the order ships and its history ends in cancel_requested. With compare-and-set, the shipment is rejected in cancel_requested (see the rejected transitions) and the parcel goes back on the shelf.',
  },
  {
    id: 'state-machines-recovery',
    title: 'Who notices what is stuck?',
    variant: 'no-sweeper',
    compare: true,
    seed: 1,
    plan: 'crash:order-api@after_state_change,crash:warehouse@after_reserve*2,dup:publish*3',
    prompt:
      'The order API crashes right after recording order 1, before it asks for the payment; the warehouse crashes while packing its second parcel; a webhook arrives twice. Without a sweeper, order 1 waits for a payment nobody requested and the dropped parcel waits forever. With one, the sweeper re-sends the charge from its command row and times the parcel out back to paid, so it ships. The duplicate webhook is skipped either way.',
  },
];
