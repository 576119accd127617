import type { Params, PlaygroundPreset } from '../kernel/pattern.ts';

/**
 * The article's story at its own scale: tonight's invoice run bills 10,800 items at one second
 * each (three hours of work), checkpoints every 600 items (ten minutes), and a checkpoint costs
 * ten seconds. Virtual time is free, so this is as cheap to run as a toy: 18 chunks.
 */
export const NIGHTLY_RUN: Params = {
  items: 10_800,
  itemMs: 1_000,
  chunkSize: 600,
  checkpointMs: 10_000,
  restartDelayMs: 60_000,
  leaseMs: 900_000,
  standby: 1,
};

/**
 * The playgrounds the article embeds. Seeds are pinned so the story in the prose is the
 * story the reader sees; the tests replay each one and check it still shows what it claims.
 */
export const checkpointingPlaygrounds: readonly PlaygroundPreset[] = [
  {
    id: 'checkpointing-crash',
    title: 'A crash at hour two',
    variant: 'no-checkpoint',
    compare: true,
    seed: 1,
    plan: 'crash:batch-worker@7200s',
    params: NIGHTLY_RUN,
    prompt:
      'The three-hour invoice run dies two hours in. Without a checkpoint it starts again at item 1 and bills the first two hours a second time; with one, it loses only the work since its last checkpoint. The shaded bands are the work each crash threw away.',
  },
  {
    id: 'checkpointing-mtbf',
    title: 'Crashing all night long',
    variant: 'no-checkpoint',
    compare: true,
    seed: 3,
    plan: 'mtbf:batch-worker+1800s',
    params: NIGHTLY_RUN,
    prompt:
      'Now the worker crashes at random, on average every thirty minutes. Without checkpoints the job almost never gets three clean hours in a row, so it only finishes once the crashes stop; with them, each crash costs a few minutes and the job ends not long after its crash-free time.',
  },
  {
    id: 'checkpointing-zombie',
    title: 'The worker that came back',
    variant: 'no-fencing',
    compare: true,
    seed: 1,
    plan: 'pause:batch-worker@3000s+1500s',
    params: NIGHTLY_RUN,
    prompt:
      'Fifty minutes in, the worker freezes for twenty-five minutes (a long GC pause, a suspended VM). The standby sees the checkpoint stall and takes the job over. Then the old worker wakes up, still holding its chunk, and writes it. Fencing is what decides whether that write lands.',
  },
];
