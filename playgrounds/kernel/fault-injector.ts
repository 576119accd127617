import type { Fault, FaultPlan, MessageTrigger } from './faults.ts';
import { formatFault } from './faults.ts';
import type { RandomStreams } from './random.ts';

/** A process-level action due at a virtual time. */
export type TimedAction =
  | { kind: 'crash'; atMs: number; process: string; fault: string }
  | { kind: 'pause'; atMs: number; process: string; durationMs: number; fault: string }
  | { kind: 'slow'; atMs: number; process: string; durationMs: number; fault: string };

/** What the network does to one message. */
export interface MessageFate {
  drop: boolean;
  duplicate: boolean;
  loseReply: boolean;
  delayMs: number;
  /** Hold this message back until the next one on its channel has gone (see `holdBack`). */
  hold: boolean;
  /** Messages held back for this one: send each to arrive just after it, at the given time. */
  released: Array<(arriveMs: number) => void>;
  /** The plan entries that fired, for the trace. */
  fired: string[];
}

type ChannelFault = Extract<Fault, { channel: string }>;

interface MessageFault {
  fault: ChannelFault;
  used: boolean;
}

/**
 * Turns a fault plan into decisions: which crash point hit crashes, what happens to the Nth
 * message on a channel, when timed crashes and pauses fire, whether a link is cut. Faults fire
 * only during the fault window; the drain phase after it lets retries settle without them.
 */
export class FaultInjector {
  private readonly pointHits = new Map<string, number>();
  private readonly channelCounts = new Map<string, number>();
  private readonly messageFaults: MessageFault[];
  private readonly timed: TimedAction[] = [];
  private readonly partitions: Array<{ a: string; b: string; fromMs: number; untilMs: number }> = [];
  private readonly held = new Map<string, Array<(arriveMs: number) => void>>();

  constructor(
    private readonly plan: FaultPlan,
    random: RandomStreams,
    readonly windowEndMs: number,
  ) {
    this.messageFaults = plan.flatMap((fault) => ('channel' in fault ? [{ fault, used: false }] : []));
    for (const fault of plan) {
      const text = formatFault(fault);
      if (fault.kind === 'crash' && 'atMs' in fault.trigger) {
        this.timed.push({ kind: 'crash', atMs: fault.trigger.atMs, process: fault.process, fault: text });
      } else if (fault.kind === 'pause' || fault.kind === 'slow') {
        this.timed.push({ kind: fault.kind, atMs: fault.atMs, process: fault.process, durationMs: fault.durationMs, fault: text });
      } else if (fault.kind === 'partition') {
        this.partitions.push({ a: fault.a, b: fault.b, fromMs: fault.atMs, untilMs: fault.atMs + fault.durationMs });
      } else if (fault.kind === 'mtbf') {
        // Expand random crashes up front from the fault's own stream, so the crash times do not
        // depend on how many other random numbers the run draws.
        const stream = random.stream(`faults:mtbf:${fault.process}`);
        for (let at = stream.exponentialMs(fault.meanMs); at < windowEndMs; at += stream.exponentialMs(fault.meanMs)) {
          this.timed.push({ kind: 'crash', atMs: at, process: fault.process, fault: text });
        }
      }
    }
    this.timed.sort((x, y) => x.atMs - y.atMs);
  }

  /** The earliest timed action not yet fired. */
  nextTimed(): TimedAction | undefined {
    return this.timed[0];
  }

  /** Removes and returns the earliest timed action. */
  takeTimed(): TimedAction | undefined {
    return this.timed.shift();
  }

  /** Adds a fault while the run is going (the reader's "crash it now"). */
  addTimed(action: TimedAction): void {
    this.timed.push(action);
    this.timed.sort((x, y) => x.atMs - y.atMs);
  }

  /** Adds a message fault while the run is going. */
  addMessageFault(fault: ChannelFault): void {
    this.messageFaults.push({ fault, used: false });
  }

  /** Adds a partition while the run is going. */
  addPartition(a: string, b: string, fromMs: number, durationMs: number): void {
    this.partitions.push({ a, b, fromMs, untilMs: fromMs + durationMs });
  }

  /** Counts a pass through a crash point and says whether the plan crashes the process there. */
  crashAtPoint(process: string, point: string, nowMs: number): string | undefined {
    return this.atPoint('crash', process, point, nowMs);
  }

  /** Counts a pass through a decision point and says whether the plan makes the process refuse there. */
  refuseAtPoint(process: string, point: string, nowMs: number): string | undefined {
    return this.atPoint('refuse', process, point, nowMs);
  }

  /** Counts a pass through a named point and returns the plan's fault for this very pass, if any. */
  private atPoint(kind: 'crash' | 'refuse', process: string, point: string, nowMs: number): string | undefined {
    const key = `${kind}:${process}@${point}`;
    const hit = (this.pointHits.get(key) ?? 0) + 1;
    this.pointHits.set(key, hit);
    if (nowMs >= this.windowEndMs) return undefined;
    const fault = this.plan.find(
      (f) => f.kind === kind && f.process === process && 'point' in f.trigger && f.trigger.point === point && f.trigger.hit === hit,
    );
    return fault ? formatFault(fault) : undefined;
  }

  /** Decides the fate of the next message on a channel sent at `nowMs`. */
  messageFate(channel: string, nowMs: number): MessageFate {
    const n = (this.channelCounts.get(channel) ?? 0) + 1;
    this.channelCounts.set(channel, n);
    const fate: MessageFate = {
      drop: false,
      duplicate: false,
      loseReply: false,
      delayMs: 0,
      hold: false,
      released: this.held.get(channel) ?? [],
      fired: [],
    };
    this.held.delete(channel);
    if (nowMs >= this.windowEndMs) return fate;
    for (const entry of this.messageFaults) {
      if (entry.used || entry.fault.channel !== channel || !matches(entry.fault.trigger, n, nowMs)) continue;
      entry.used = true;
      fate.fired.push(formatFault(entry.fault));
      if (entry.fault.kind === 'drop') fate.drop = true;
      else if (entry.fault.kind === 'dup') fate.duplicate = true;
      else if (entry.fault.kind === 'lose-ack') fate.loseReply = true;
      else if (entry.fault.kind === 'reorder') fate.hold = true;
      else if (entry.fault.kind === 'delay') fate.delayMs += entry.fault.durationMs;
    }
    return fate;
  }

  /** Holds a message back until the next message on its channel is sent (a reorder). */
  holdBack(channel: string, send: (arriveMs: number) => void): void {
    this.held.set(channel, [...(this.held.get(channel) ?? []), send]);
  }

  /** True while a reorder holds a message back. */
  holding(): boolean {
    return this.held.size > 0;
  }

  /** Lets every held message go (faults stop, or nothing else was sent): a reorder never loses one. */
  releaseAll(): Array<(arriveMs: number) => void> {
    const all = [...this.held.values()].flat();
    this.held.clear();
    return all;
  }

  /** True when the link between two nodes is cut at this instant. */
  isCut(a: string, b: string, nowMs: number): boolean {
    if (nowMs >= this.windowEndMs) return false;
    return this.partitions.some((p) => ((p.a === a && p.b === b) || (p.a === b && p.b === a)) && nowMs >= p.fromMs && nowMs < p.untilMs);
  }
}

function matches(trigger: MessageTrigger, n: number, nowMs: number): boolean {
  return 'nth' in trigger ? trigger.nth === n : nowMs > trigger.afterMs;
}
