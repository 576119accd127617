/**
 * What the page itself remembers about the job, in sessionStorage so a reload keeps it: the
 * last checkpoint it saw acknowledged, and when and how it went away. After a kill or a reload,
 * the recovered database is held against this, not against anything the new worker says.
 */

/** The last committed position the page saw (read back from the database after its commit). */
export interface Acknowledged {
  lastId: number;
  epoch: number;
  invoices: number;
}

export type LeaveCause = 'kill' | 'reload';

export interface JournalEntry {
  /** `running`: the page left (or lost its worker) while the job was running. */
  phase: 'running' | 'finished';
  acknowledged: Acknowledged | null;
  /** Wall-clock ms (time origin + performance.now()) when the worker was killed or the page left. */
  leftAtMs?: number;
  cause?: LeaveCause;
}

const KEY = 'faultline-real-crash';

/** Milliseconds on a clock that keeps counting across a reload. */
export function pageClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The entry, or null when there is none (or sessionStorage is refused: a sandboxed frame). */
export function readJournal(): JournalEntry | null {
  try {
    const text = sessionStorage.getItem(KEY);
    return text ? (JSON.parse(text) as JournalEntry) : null;
  } catch {
    return null;
  }
}

export function writeJournal(entry: JournalEntry | null): void {
  try {
    if (entry) sessionStorage.setItem(KEY, JSON.stringify(entry));
    else sessionStorage.removeItem(KEY);
  } catch {
    // Without sessionStorage a reload cannot be compared with what came before; a kill still can.
  }
}
