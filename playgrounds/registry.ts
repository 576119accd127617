import { checkpointingPattern } from './checkpointing/index.ts';
import type { Pattern } from './kernel/pattern.ts';
import { outboxPattern } from './outbox/index.ts';
import { sagaPattern } from './saga/index.ts';
import { stateMachinesPattern } from './state-machines/index.ts';

/** Every pattern, by id. The worker, the CLI and the tests look patterns up here. */
export const patterns: Readonly<Record<string, Pattern>> = {
  [outboxPattern.id]: outboxPattern,
  [checkpointingPattern.id]: checkpointingPattern,
  [sagaPattern.id]: sagaPattern,
  [stateMachinesPattern.id]: stateMachinesPattern,
};

/** The pattern whose article embeds the playground with this id. */
export function patternOfPlayground(playgroundId: string): Pattern | undefined {
  return Object.values(patterns).find((p) => p.playgrounds.some((preset) => preset.id === playgroundId));
}
