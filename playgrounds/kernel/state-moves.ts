import type { TraceEvent } from './trace.ts';

/** What the statechart view shows, tallied from the trace's `transition` events. */
export interface MoveTally {
  /** How many entities are in each state now. */
  occupancy: Record<string, number>;
  /** Each transition fired: how often, and when last (to light it up). */
  fired: Record<string, { count: number; lastVt: number }>;
  /** Refused moves, by the state they were refused in and the event. */
  refused: Array<{ state: string; event: string; count: number }>;
}

/** The key of a transition in `fired`. */
export function transitionKey(from: string, event: string, to: string): string {
  return `${from}\u0000${event}\u0000${to}`;
}

/** Tallies entity moves: where each entity is now, which transitions fired, which were refused. */
export function tallyMoves(events: readonly TraceEvent[]): MoveTally {
  const current = new Map<string, string>();
  const fired: MoveTally['fired'] = {};
  const refused = new Map<string, { state: string; event: string; count: number }>();
  for (const { kind, move, vt } of events) {
    if (kind !== 'transition' || !move) continue;
    if (move.to === null) {
      const state = move.from ?? '(none)';
      const key = `${state}\u0000${move.event}`;
      const entry = refused.get(key) ?? { state, event: move.event, count: 0 };
      entry.count += 1;
      refused.set(key, entry);
      continue;
    }
    current.set(move.entity, move.to);
    if (move.from !== null) {
      const key = transitionKey(move.from, move.event, move.to);
      const entry = (fired[key] ??= { count: 0, lastVt: vt });
      entry.count += 1;
      entry.lastVt = vt;
    }
  }
  const occupancy: Record<string, number> = {};
  for (const state of current.values()) occupancy[state] = (occupancy[state] ?? 0) + 1;
  return { occupancy, fired, refused: [...refused.values()].sort((a, b) => b.count - a.count || a.state.localeCompare(b.state)) };
}
