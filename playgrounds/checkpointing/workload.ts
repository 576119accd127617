import type { Random } from '../kernel/random.ts';
import { ACCOUNTS } from './schema.ts';

export interface SourceItem {
  id: number;
  accountId: number;
  amountCents: number;
}

/**
 * Tonight's billable items, drawn from the `workload` stream alone, so every variant of a
 * comparison bills exactly the same items. Ids are 1..items, in order.
 */
export function sourceItems(random: Random, items: number): SourceItem[] {
  return Array.from({ length: items }, (_, i) => ({
    id: i + 1,
    accountId: random.int(1, ACCOUNTS),
    amountCents: random.int(100, 20_000),
  }));
}
