import type { Queryable } from '../db/types.ts';
import type { Consumer } from './broker.ts';
import type { Random } from './random.ts';
import type { Simulation } from './simulation.ts';
import type { StateMove } from './trace.ts';

/**
 * Thrown through a process when it crashes at a crash point. Pattern code must let it pass:
 * catching it would be a process surviving its own death. (If code swallows it anyway, every
 * later call on the dead process throws it again, so the dead process can do no more harm.)
 */
export class Crash extends Error {
  constructor(
    readonly process: string,
    readonly point: string,
  ) {
    super(`${process} crashed at ${point}`);
    this.name = 'Crash';
  }
}

/** A call whose answer never came in time. The caller cannot know whether it took effect. */
export class Timeout extends Error {
  constructor(readonly what: string) {
    super(`${what} timed out`);
    this.name = 'Timeout';
  }
}

/** How a supervisor brings a process back after a crash. */
export interface RestartPolicy {
  restartDelayMs: number;
}

/** A process body: runs until it returns or crashes; a crash loses everything it held in memory. */
export type ProcessMain = (ctx: ProcessContext) => Promise<void>;

type Outcome = { value: unknown } | { error: Error };

interface PendingWait {
  token: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** Options for one database transaction. */
export interface TxOptions {
  /** The logical schema (service database) the transaction runs in. */
  schema: string;
  /** Domain entities the transaction touches, for the trace. */
  refs?: string[] | ((result: unknown) => string[]);
  /** A label computed from the result, when it says more than the name does. */
  describe?: (result: unknown) => string;
  /**
   * The entity moves the committed transaction made, recorded in the same step as its commit
   * (a move reported later could land after moves that followed it, if the process froze).
   */
  moves?: (result: unknown) => readonly StateMove[];
}

/**
 * The runtime of one process: its incarnation, whether it is alive, the one thing it is
 * waiting for. A process runs only when the scheduler resumes it, and the scheduler waits for
 * it to park again (at its next `await ctx.…`) before it runs anything else.
 */
export class ProcessRuntime {
  incarnation = 0;
  alive = false;
  crashed = false;
  /** Set when the process's body returned: it finished its work rather than crashing. */
  done = false;
  pausedUntilMs = 0;
  private pending: PendingWait | undefined;
  private nextToken = 0;
  private onParked: (() => void) | undefined;

  constructor(
    readonly sim: Simulation,
    readonly name: string,
    readonly main: ProcessMain,
    readonly policy: RestartPolicy,
  ) {}

  /** Starts a fresh incarnation and runs it until it first parks. */
  start(): Promise<void> {
    this.incarnation += 1;
    this.alive = true;
    this.crashed = false;
    // A pause froze the old process; the new one starts unfrozen.
    this.pausedUntilMs = 0;
    this.pending = undefined;
    const incarnation = this.incarnation;
    const ctx = new ProcessContext(this, incarnation);
    return new Promise<void>((parked) => {
      this.onParked = parked;
      this.main(ctx).then(
        () => this.finished(incarnation),
        (error: unknown) => this.failed(incarnation, error),
      );
    });
  }

  private finished(incarnation: number): void {
    if (incarnation !== this.incarnation) return;
    this.alive = false;
    this.done = true;
    this.park();
  }

  private failed(incarnation: number, error: unknown): void {
    if (incarnation !== this.incarnation) return;
    if (error instanceof Crash) {
      this.sim.crashProcess(this, error.point);
    } else {
      // A bug in pattern code, not a simulated fault: stop the run loudly.
      this.sim.fail(error instanceof Error ? error : new Error(String(error)));
    }
    this.park();
  }

  /** Signals the scheduler that this process has stopped running for now. */
  park(): void {
    const parked = this.onParked;
    this.onParked = undefined;
    parked?.();
  }

  /** Parks until one of the wake-ups registered by `arm` arrives; returns its value. */
  wait<T>(incarnation: number, arm: (token: number) => void): Promise<T> {
    this.assertLive(incarnation);
    const token = ++this.nextToken;
    return new Promise<T>((resolve, reject) => {
      this.pending = { token, resolve: resolve as (value: unknown) => void, reject };
      arm(token);
      this.park();
    });
  }

  /**
   * Delivers a wake-up. Stale ones (for an earlier wait, or a dead incarnation) are ignored;
   * while the process is paused, the wake-up waits for the pause to end.
   */
  deliver(token: number, incarnation: number, outcome: Outcome, onDelivered?: () => void): Promise<void> {
    if (!this.alive || incarnation !== this.incarnation || this.pending?.token !== token) return Promise.resolve();
    if (this.pausedUntilMs > this.sim.now) {
      this.sim.schedule(this.pausedUntilMs, () => this.deliver(token, incarnation, outcome, onDelivered));
      return Promise.resolve();
    }
    const pending = this.pending;
    this.pending = undefined;
    onDelivered?.();
    return new Promise<void>((parked) => {
      this.onParked = parked;
      if ('error' in outcome) pending.reject(outcome.error);
      else pending.resolve(outcome.value);
    });
  }

  /** Schedules a wake-up for a wait at virtual time `vt`. */
  wakeAt(vt: number, token: number, incarnation: number, outcome: Outcome, onDelivered?: () => void): void {
    this.sim.schedule(vt, () => this.deliver(token, incarnation, outcome, onDelivered));
  }

  /** Throws if this incarnation is no longer the live one (it crashed, or was killed). */
  assertLive(incarnation: number): void {
    if (incarnation !== this.incarnation || !this.alive || this.crashed) throw new Crash(this.name, 'after-death');
  }

  /** Kills the process from outside, while it is parked: its memory and wait are gone. */
  kill(): void {
    this.alive = false;
    this.pending = undefined;
  }
}

/**
 * What pattern code gets: the only way a process touches time, randomness, the database, the
 * network and faults. Every `await` on it is a point where another process may run.
 */
export class ProcessContext {
  constructor(
    private readonly runtime: ProcessRuntime,
    /** Which life of the process this is: 1 at first start, +1 after every restart. */
    readonly incarnation: number,
  ) {}

  /** The process name, such as `relay-1`. */
  get name(): string {
    return this.runtime.name;
  }

  private get sim(): Simulation {
    return this.runtime.sim;
  }

  /** Virtual time in milliseconds. */
  now(): number {
    return this.sim.now;
  }

  /** This process's own random stream (or a named one), stable across restarts. */
  random(stream = `actor:${this.runtime.name}`): Random {
    return this.sim.random.stream(stream);
  }

  /** Waits `ms` of virtual time. */
  sleep(ms: number): Promise<void> {
    if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`sleep(${ms}): whole non-negative milliseconds only`);
    const at = this.sim.now + ms;
    return this.runtime.wait<void>(this.incarnation, (token) => this.runtime.wakeAt(at, token, this.incarnation, { value: undefined }));
  }

  /** Passes a named crash point; the fault plan may crash the process right here. */
  crashPoint(point: string): void {
    this.runtime.assertLive(this.incarnation);
    const fault = this.sim.faults.crashAtPoint(this.name, point, this.sim.now);
    if (fault) {
      this.sim.trace.record({ vt: this.sim.now, actor: this.name, kind: 'fault', label: fault });
      this.runtime.crashed = true;
      throw new Crash(this.name, point);
    }
  }

  /**
   * Says whether the plan makes this process refuse at a business decision point (a `refuse`
   * fault): the caller then answers no, as it would for a sold-out room. Does not yield.
   */
  refusalPoint(point: string): boolean {
    this.runtime.assertLive(this.incarnation);
    const fault = this.sim.faults.refuseAtPoint(this.name, point, this.sim.now);
    if (fault) this.sim.trace.record({ vt: this.sim.now, actor: this.name, kind: 'fault', label: fault });
    return fault !== undefined;
  }

  /**
   * Runs one database transaction as one atomic step: nothing else runs while it is open, and
   * other processes may run once it ends. A crash point inside `fn` rolls it back.
   */
  async tx<T>(label: string, options: TxOptions, fn: (q: Queryable) => Promise<T>): Promise<T> {
    this.runtime.assertLive(this.incarnation);
    const slowdownMs = this.sim.slowdownMs(this.name);
    if (slowdownMs > 0) await this.sleep(slowdownMs);
    const outcome = await this.sim.runTransaction(this.name, label, options, fn);
    if (!('error' in outcome)) for (const move of options.moves?.(outcome.value) ?? []) this.moved(move);
    if ('error' in outcome) {
      if (outcome.error instanceof Crash) throw outcome.error;
      await this.sleep(this.sim.settings.dbLatencyMs);
      throw outcome.error;
    }
    await this.sleep(this.sim.settings.dbLatencyMs);
    return outcome.value;
  }

  /** Publishes to a broker topic and waits for its acknowledgement (throws Timeout). */
  publish(topic: string, message: { key: string; id: string; type: string; payload: unknown; refs?: string[] }): Promise<void> {
    this.runtime.assertLive(this.incarnation);
    return this.sim.broker.publish(this.runtime, this.incarnation, topic, message);
  }

  /** Reads a broker topic as a member of a consumer group (positions live in this process's memory). */
  subscribe(topic: string, group: string): Consumer {
    this.runtime.assertLive(this.incarnation);
    return this.sim.broker.subscribe(this, topic, group);
  }

  /** Calls an external service and waits for its reply (throws Timeout: outcome unknown). */
  call<T>(service: string, request: { op: string; payload: unknown; refs?: string[] }): Promise<T> {
    this.runtime.assertLive(this.incarnation);
    return this.sim.callService<T>(this.runtime, this.incarnation, service, request);
  }

  /** Records a domain event that is worth seeing in the timeline but does not yield. */
  note(kind: 'effect', label: string, refs?: string[]): void {
    this.runtime.assertLive(this.incarnation);
    this.sim.trace.record({ vt: this.sim.now, actor: this.name, kind, label, ...(refs ? { refs } : {}) });
  }

  /**
   * Reports how far the work has got on a named series (the progress chart's lines): a
   * measurement, not a step, so it does not yield.
   */
  progress(series: string, value: number, label: string): void {
    this.runtime.assertLive(this.incarnation);
    this.sim.trace.record({ vt: this.sim.now, actor: this.name, kind: 'progress', label, series, value });
  }

  /**
   * Reports that an entity moved through its statechart (or that a move was refused), after
   * the transaction that decided it: what the statechart view counts. Does not yield.
   */
  moved(move: StateMove): void {
    this.runtime.assertLive(this.incarnation);
    const label =
      move.to === null
        ? `${move.entity}: ${move.event} refused in ${move.from ?? 'no state'}`
        : `${move.entity}: ${move.from ?? 'start'} → ${move.to} (${move.event})`;
    this.sim.trace.record({ vt: this.sim.now, actor: this.name, kind: 'transition', label, refs: [move.entity], move });
  }

  /** Adds to a named counter shown beside the playground. */
  count(counter: string, delta = 1): void {
    this.sim.count(counter, delta);
  }

  /** Internal: used by the broker's consumer to park this process. */
  get runtimeForKernel(): ProcessRuntime {
    return this.runtime;
  }
}
