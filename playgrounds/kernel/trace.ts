/**
 * The trace journal: one append-only list of typed events for a run.
 *
 * It is the product. The swimlane timeline, the counters, the invariant report's "first broke
 * here" links and the determinism check all read it. Events are causally linked: a receive
 * names the send it answers, a restart names the crash. Its hash is the fingerprint of a run:
 * the same seed and fault plan must give the same hash in Node and in every browser.
 */

/** What happened. Kept small so the timeline can draw every kind distinctly. */
export type TraceKind =
  | 'start' // a process started (or restarted after a crash)
  | 'crash' // a process lost its memory and any open transaction
  | 'pause' // a process stopped running for a while (a long GC pause, a frozen VM)
  | 'commit' // a database transaction committed and wrote rows
  | 'read' // a database transaction committed without writing anything (an empty poll)
  | 'rollback' // a database transaction rolled back
  | 'send' // a message left a process
  | 'append' // the broker stored a message
  | 'receive' // a message or reply arrived
  | 'ack' // a consumer committed its position
  | 'timeout' // a caller gave up waiting; the outcome is unknown to it
  | 'drop' // the network lost a message
  | 'fault' // a fault from the plan fired
  | 'effect' // a visible side effect in the domain (an email delivered, stock reserved)
  | 'phase' // the run moved to another phase (drain)
  | 'progress' // a process reports how far its work has got (a measurement, drawn as a chart)
  | 'transition'; // an entity moved from one state of its statechart to another, or a move was refused

export interface TraceEvent {
  /** Position in the journal, from 0. */
  seq: number;
  /** Virtual time in milliseconds. */
  vt: number;
  /** The process, service or component the event happened in. */
  actor: string;
  kind: TraceKind;
  /** A short human description. */
  label: string;
  /** The seq of the event that caused this one, if any. */
  cause?: number;
  /** Domain entities the event touches, such as `order:12` or `msg:7`, for cross-linking. */
  refs?: string[];
  /** The receiving side of a message, for drawing an arrow to its lane. */
  to?: string;
  /** A `progress` event's measurement: which series, and its value. */
  series?: string;
  value?: number;
  /** A `transition` event's move: `to` is null when the move was refused in that state. */
  move?: StateMove;
}

/** One entity's move through a statechart, as the statechart view counts it. */
export interface StateMove {
  /** The entity, as a ref such as `order:12`. */
  entity: string;
  /** Null when the entity enters the chart. */
  from: string | null;
  event: string;
  /** Null when the move was refused (the event is not allowed in `from`, or a newer version won). */
  to: string | null;
}

export type TraceInput = Omit<TraceEvent, 'seq'>;

/** Serializes an event with a fixed key order, the input to the hash. */
function canonical(event: TraceEvent): string {
  const fields: unknown[] = [
    event.seq,
    event.vt,
    event.actor,
    event.kind,
    event.label,
    event.cause ?? null,
    event.refs ?? null,
    event.to ?? null,
  ];
  // Only progress events carry a measurement; leaving it out elsewhere keeps older hashes valid.
  if (event.series !== undefined) fields.push(event.series, event.value ?? null);
  if (event.move !== undefined) fields.push(event.move.entity, event.move.from, event.move.event, event.move.to);
  return JSON.stringify(fields);
}

/**
 * A 64-bit fingerprint from two 32-bit multiplicative lanes with a final avalanche (the
 * construction of cyrb53). Integer-only, so it gives the same digest in every JS engine.
 */
class TraceHasher {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;

  update(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      this.h1 = Math.imul(this.h1 ^ code, 2654435761);
      this.h2 = Math.imul(this.h2 ^ code, 1597334677);
    }
  }

  digest(): string {
    let h1 = Math.imul(this.h1 ^ (this.h1 >>> 16), 2246822507);
    h1 ^= Math.imul(this.h2 ^ (this.h2 >>> 13), 3266489909);
    let h2 = Math.imul(this.h2 ^ (this.h2 >>> 16), 2246822507);
    h2 ^= Math.imul(this.h1 ^ (this.h1 >>> 13), 3266489909);
    return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
  }
}

/** The journal of one run. */
export class Trace {
  private readonly events: TraceEvent[] = [];
  private readonly hasher = new TraceHasher();

  /** Appends an event and returns its seq. */
  record(input: TraceInput): number {
    const event: TraceEvent = { seq: this.events.length, ...input };
    if (!Number.isInteger(event.vt)) throw new Error(`trace times must be whole milliseconds, got ${event.vt}`);
    this.events.push(event);
    this.hasher.update(canonical(event));
    this.hasher.update('\n');
    return event.seq;
  }

  get length(): number {
    return this.events.length;
  }

  /** Events from `fromSeq` on (a batch for the page). */
  since(fromSeq: number): TraceEvent[] {
    return this.events.slice(fromSeq);
  }

  all(): readonly TraceEvent[] {
    return this.events;
  }

  /** The first event that mentions any of the given refs, or undefined. */
  firstMentioning(refs: readonly string[]): TraceEvent | undefined {
    const wanted = new Set(refs);
    return this.events.find((event) => event.refs?.some((ref) => wanted.has(ref)));
  }

  /** A stable fingerprint of every event so far. */
  hash(): string {
    return this.hasher.digest();
  }
}
