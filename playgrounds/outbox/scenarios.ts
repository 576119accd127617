import type { PlaygroundPreset } from '../kernel/pattern.ts';

/**
 * The playgrounds the article embeds. Seeds are pinned so the story in the prose is the
 * story the reader sees; the tests replay each one and check it still shows what it claims.
 */
export const outboxPlaygrounds: readonly PlaygroundPreset[] = [
  {
    id: 'outbox-dual-write',
    title: 'The dual write, broken',
    variant: 'commit-then-publish',
    compare: true,
    seed: 7,
    plan: 'crash:order-service@after_commit_before_publish*3',
    prompt: 'The order service commits order 3 and dies before it can publish. Run it, then compare the two sides: the naive service forgets the event; the outbox still has it.',
  },
  {
    id: 'outbox-relay',
    title: 'The outbox under fire',
    variant: 'correct',
    compare: false,
    seed: 11,
    plan: 'crash:relay-1@after_publish_before_mark,lose-ack:publish*4,pause:relay-2@3s+2s,dup:deliver*6',
    prompt: 'A relay crashes between publishing and marking, an ack is lost, a relay freezes past its lease, and the broker delivers a message twice. Count the duplicates the consumer skips.',
  },
  {
    id: 'outbox-duplicates',
    title: 'Without a lease or an inbox',
    variant: 'no-lease-no-inbox',
    compare: true,
    seed: 3,
    plan: 'lose-ack:publish*2',
    prompt: 'One lost acknowledgement is enough: the relay publishes again, and a consumer without an inbox reserves twice and emails twice.',
  },
];
