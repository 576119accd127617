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
    prompt:
      'The order service commits order 3 and dies before it can publish. Run it, then compare the two sides: the naive service forgets the event; the outbox still has it.',
  },
  {
    id: 'outbox-relay',
    title: 'The outbox under fire',
    variant: 'correct',
    compare: false,
    seed: 11,
    plan: 'crash:relay-1@after_publish_before_mark,lose-ack:publish*4,pause:relay-2@3s+2s,dup:deliver*6',
    prompt:
      'A relay crashes between publishing and marking, an ack is lost, a relay freezes for two seconds, and the broker delivers a message twice. Every invariant should stay green: count the duplicates the consumer skips.',
  },
  {
    id: 'outbox-duplicates',
    title: 'Without a lease or an inbox',
    variant: 'no-lease-no-inbox',
    compare: true,
    seed: 3,
    plan: 'lose-ack:publish*2',
    prompt:
      'Two relays without a lease read the same unpublished rows and both publish them, and a lost acknowledgement makes one more copy. A consumer without an inbox trusts every delivery: watch orders get reserved and emailed twice.',
  },
];
