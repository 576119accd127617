import type { PlaygroundPreset } from '../kernel/pattern.ts';

/**
 * The playgrounds the article embeds. Seeds are pinned so the story in the prose is the
 * story the reader sees; the tests replay each one and check it still shows what it claims.
 */
export const checkpointingPlaygrounds: readonly PlaygroundPreset[] = [
  {
    id: 'checkpointing-crash',
    title: 'A crash in the middle of the night',
    variant: 'no-checkpoint',
    compare: true,
    seed: 1,
    plan: 'crash:batch-worker@after_chunk*4',
    prompt:
      'The worker dies after its fourth chunk. Without a checkpoint it starts again at item 1 and bills the first chunks a second time; with one, it picks up where it left off and every item is billed once.',
  },
  {
    id: 'checkpointing-mtbf',
    title: 'Crashing all night long',
    variant: 'correct',
    compare: false,
    seed: 3,
    plan: 'mtbf:batch-worker+12s',
    prompt:
      'The worker crashes at random, about every twelve seconds. Each crash loses only the chunk in flight: watch the progress saw-tooth, and every invariant stay green.',
  },
];
