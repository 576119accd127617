import { useMemo } from 'react';
import type { TraceEvent } from '../../../playgrounds/kernel/trace.ts';

/**
 * Derives something from a trace once per change. A trace only grows, so its length and last
 * event stand for its content, even when each poll hands over a fresh array.
 */
export function useTraceMemo<T>(
  events: readonly TraceEvent[],
  derive: (events: readonly TraceEvent[]) => T,
  deps: readonly unknown[] = [],
): T {
  const newest = events[events.length - 1];
  return useMemo(() => derive(events), [events.length, newest, ...deps]);
}
