import type { Database, Queryable } from '../db/types.ts';
import { Broker } from './broker.ts';
import { FaultInjector, type TimedAction } from './fault-injector.ts';
import type { FaultPlan } from './faults.ts';
import { Crash, ProcessRuntime, Timeout, type ProcessMain, type RestartPolicy, type TxOptions } from './process.ts';
import { EventQueue } from './queue.ts';
import { RandomStreams } from './random.ts';
import { Trace } from './trace.ts';

/** Network and database timing, in virtual milliseconds. */
export interface SimulationSettings {
  /** Time a transaction occupies its process after it commits or rolls back. */
  dbLatencyMs: number;
  /** One-way delay of every message. */
  networkLatencyMs: number;
  /** How long a publisher waits for the broker's ack before it gives up. */
  publishTimeoutMs: number;
  /** How long a caller waits for an external service's reply before it gives up. */
  callTimeoutMs: number;
  /** How long a consumer waits before it fetches again after a lost delivery. */
  redeliveryMs: number;
  partitionsPerTopic: number;
}

export const DEFAULT_SETTINGS: SimulationSettings = {
  dbLatencyMs: 2,
  networkLatencyMs: 5,
  publishTimeoutMs: 100,
  callTimeoutMs: 100,
  redeliveryMs: 200,
  partitionsPerTopic: 4,
};

/** An external service (an email provider, a payment gateway): it answers calls, never crashes. */
export interface ServiceContext {
  now(): number;
  tx<T>(label: string, fn: (q: Queryable) => Promise<T>, refs?: string[]): Promise<T>;
}
export type ServiceHandler = (ctx: ServiceContext, request: { op: string; payload: unknown }) => Promise<unknown>;

export interface SimulationOptions {
  seed: number;
  db: Database;
  /** Logical schema name (a service's database) to the physical schema of this run. */
  schemas: Readonly<Record<string, string>>;
  plan: FaultPlan;
  /** Faults fire only before this virtual time; after it the run drains. */
  faultWindowEndMs: number;
  settings?: Partial<SimulationSettings>;
}

/**
 * The deterministic world of one run: virtual time, the event queue, processes, the broker,
 * external services, faults and the trace. It runs one event at a time and waits for each to
 * finish (a process parks at its next `await ctx.…`), so a run is a pure function of its seed,
 * plan and inputs, whatever the speed of the machine.
 */
export class Simulation {
  now = 0;
  readonly trace = new Trace();
  readonly random: RandomStreams;
  readonly faults: FaultInjector;
  readonly broker: Broker;
  readonly settings: SimulationSettings;
  readonly counters = new Map<string, number>();
  private readonly queue = new EventQueue();
  private readonly processes = new Map<string, ProcessRuntime>();
  private readonly slowdowns = new Map<string, number>();
  private readonly services = new Map<string, { schema: string; handler: ServiceHandler }>();
  private order = 0;
  private drainStarted = false;
  /** Set when a transaction that wrote rows committed during the last step (safety checks run then). */
  committedInStep = false;
  /** The logical schemas the current step's commits wrote to. */
  readonly schemasWrittenInStep = new Set<string>();
  failure: Error | undefined;

  constructor(private readonly options: SimulationOptions) {
    this.random = new RandomStreams(options.seed);
    this.settings = { ...DEFAULT_SETTINGS, ...options.settings };
    this.faults = new FaultInjector(options.plan, this.random, options.faultWindowEndMs);
    this.broker = new Broker(this);
  }

  get db(): Database {
    return this.options.db;
  }

  get faultWindowEndMs(): number {
    return this.options.faultWindowEndMs;
  }

  /** Schedules `run` at virtual time `vt` (never in the past). */
  schedule(vt: number, run: () => Promise<void> | void): void {
    if (!Number.isInteger(vt)) throw new Error(`schedule(${vt}): virtual time must be whole milliseconds`);
    this.queue.push({ vt: Math.max(vt, this.now), priority: this.random.stream('scheduler').nextUint32(), order: this.order++, run });
  }

  /** Registers a process and starts it at `startMs`; a supervisor restarts it after crashes. */
  spawn(name: string, main: ProcessMain, policy: RestartPolicy, startMs = 0): void {
    if (this.processes.has(name)) throw new Error(`process ${name} already exists`);
    const runtime = new ProcessRuntime(this, name, main, policy);
    this.processes.set(name, runtime);
    this.schedule(startMs, () => {
      this.trace.record({ vt: this.now, actor: name, kind: 'start', label: 'started' });
      return runtime.start();
    });
  }

  /** Registers an external service reachable by `ctx.call(name, …)`. */
  service(name: string, schema: string, handler: ServiceHandler): void {
    this.services.set(name, { schema, handler });
  }

  processNames(): string[] {
    return [...this.processes.keys()];
  }

  isAlive(name: string): boolean {
    return this.processes.get(name)?.alive ?? false;
  }

  /** True when the process finished its work (its body returned) rather than crashed. */
  isDone(name: string): boolean {
    return this.processes.get(name)?.done ?? false;
  }

  isPaused(name: string): boolean {
    return (this.processes.get(name)?.pausedUntilMs ?? 0) > this.now;
  }

  count(counter: string, delta: number): void {
    this.counters.set(counter, (this.counters.get(counter) ?? 0) + delta);
  }

  /** The virtual time of the next thing that will happen, if any. */
  nextAt(): number | undefined {
    const event = this.queue.peek()?.vt;
    const timed = this.faults.nextTimed()?.atMs;
    // With nothing else to do, releasing a held-back message is the next thing that happens.
    if (event === undefined && timed === undefined && !this.drainStarted && this.faults.holding()) return this.now;
    if (event === undefined) return timed;
    return timed === undefined ? event : Math.min(event, timed);
  }

  /** Runs the next event (or fires a due timed fault). Returns false when nothing is left. */
  async step(): Promise<boolean> {
    this.throwIfFailed();
    this.committedInStep = false;
    this.schemasWrittenInStep.clear();
    const next = this.queue.peek();
    const timed = this.faults.nextTimed();
    // A timed fault fires after everything scheduled up to its time has run.
    if (timed && (!next || next.vt > timed.atMs)) {
      this.faults.takeTimed();
      if (timed.atMs < this.faultWindowEndMs) {
        this.now = Math.max(this.now, timed.atMs);
        this.fireTimed(timed);
      }
      return true;
    }
    // Faults stop at the end of the window (or earlier, if nothing else is left to happen).
    const windowOver = next ? next.vt >= this.faultWindowEndMs : this.faults.holding();
    if (!this.drainStarted && windowOver) {
      this.drainStarted = true;
      this.now = Math.max(this.now, next ? this.faultWindowEndMs : this.now);
      this.trace.record({ vt: this.now, actor: 'kernel', kind: 'phase', label: 'faults stop: draining' });
      // A message held back for a reorder that nothing overtook goes now: reorders never lose one.
      for (const send of this.faults.releaseAll()) send(this.now);
      return true;
    }
    if (!next) return false;
    this.queue.pop();
    this.now = next.vt;
    await next.run();
    this.throwIfFailed();
    return true;
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /**
   * The extra time each transaction of a process waits before it starts, while a `slow` fault
   * holds it. Slowness belongs to what the process runs on, so it outlives a restart; it ends
   * with the fault window, so the drain runs at full speed.
   */
  slowdownMs(process: string): number {
    return this.now < this.faultWindowEndMs ? (this.slowdowns.get(process) ?? 0) : 0;
  }

  private fireTimed(action: TimedAction): void {
    const runtime = this.processes.get(action.process);
    // A plan shared by both sides of a comparison may name a process only one side runs.
    const faultSeq = this.trace.record({
      vt: this.now,
      actor: action.process,
      kind: 'fault',
      label: runtime ? action.fault : `${action.fault} (no such process here)`,
    });
    if (action.kind === 'slow') {
      if (runtime) this.slowdowns.set(action.process, action.durationMs);
      return;
    }
    if (!runtime?.alive) return;
    if (action.kind === 'crash') {
      runtime.kill();
      this.crashProcess(runtime, 'killed', faultSeq);
    } else {
      runtime.pausedUntilMs = Math.max(runtime.pausedUntilMs, this.now + action.durationMs);
      this.trace.record({
        vt: this.now,
        actor: action.process,
        kind: 'pause',
        label: `frozen until ${runtime.pausedUntilMs} ms`,
        cause: faultSeq,
      });
    }
  }

  /** Adds a timed action now (the reader's button, or a link's recorded intervention). */
  inject(action: TimedAction): void {
    this.faults.addTimed(action);
  }

  /** Records a crash and has the supervisor restart the process after its delay. */
  crashProcess(runtime: ProcessRuntime, point: string, cause?: number): void {
    runtime.kill();
    const crashSeq = this.trace.record({
      vt: this.now,
      actor: runtime.name,
      kind: 'crash',
      label: point === 'killed' ? 'crashed' : `crashed at ${point}`,
      ...(cause === undefined ? {} : { cause }),
    });
    const incarnation = runtime.incarnation;
    this.schedule(this.now + runtime.policy.restartDelayMs, () => {
      if (runtime.alive || runtime.incarnation !== incarnation) return;
      this.trace.record({ vt: this.now, actor: runtime.name, kind: 'start', label: 'restarted', cause: crashSeq });
      return runtime.start();
    });
  }

  /** Stops the run because pattern code broke (a bug, not a simulated fault). */
  fail(error: Error): void {
    this.failure ??= error;
  }

  /** Runs `fn` in one transaction in a service's schema and records the outcome. */
  async runTransaction<T>(
    actor: string,
    label: string,
    options: TxOptions,
    fn: (q: Queryable) => Promise<T>,
  ): Promise<{ value: T } | { error: Error }> {
    const schema = this.options.schemas[options.schema];
    if (!schema) throw new Error(`no schema ${options.schema}`);
    try {
      let rowsWritten = 0;
      const value = await this.db.transaction(async (tx) => {
        await tx.query(`SELECT set_config('search_path', $1, true), set_config('sim.now', $2, true)`, [schema, String(this.now)]);
        // Count written rows: a transaction that wrote nothing cannot have broken an invariant.
        return fn({
          query: async (sql, params) => {
            const result = await tx.query(sql, params);
            rowsWritten += result.affectedRows ?? 0;
            return result as Awaited<ReturnType<Queryable['query']>>;
          },
          exec: async (sql) => {
            rowsWritten += 1;
            return tx.exec(sql);
          },
        } as Queryable);
      });
      const refs = typeof options.refs === 'function' ? options.refs(value) : options.refs;
      this.trace.record({
        vt: this.now,
        actor,
        kind: rowsWritten > 0 ? 'commit' : 'read',
        label: options.describe ? options.describe(value) : label,
        ...(refs && refs.length > 0 ? { refs } : {}),
      });
      if (rowsWritten > 0) {
        this.committedInStep = true;
        this.schemasWrittenInStep.add(options.schema);
      }
      return { value };
    } catch (error) {
      const reason = error instanceof Crash ? 'crashed before COMMIT' : error instanceof Error ? error.message : String(error);
      const refs = typeof options.refs === 'function' ? undefined : options.refs;
      this.trace.record({ vt: this.now, actor, kind: 'rollback', label: `${label}: ${reason}`, ...(refs ? { refs } : {}) });
      return { error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  /** A request to an external service and its reply, through the faulty network. */
  callService<T>(
    runtime: ProcessRuntime,
    incarnation: number,
    name: string,
    request: { op: string; payload: unknown; refs?: string[] },
  ): Promise<T> {
    const service = this.services.get(name);
    if (!service) throw new Error(`no service ${name}`);
    const refs = request.refs ?? [];
    const { networkLatencyMs: latency, callTimeoutMs } = this.settings;
    const sendSeq = this.trace.record({ vt: this.now, actor: runtime.name, kind: 'send', label: request.op, to: name, refs });
    const fate = this.faults.messageFate(name, this.now);
    for (const fired of fate.fired)
      this.trace.record({ vt: this.now, actor: 'network', kind: 'fault', label: fired, cause: sendSeq, refs });
    const cut = this.faults.isCut(runtime.name, name, this.now);
    return runtime.wait<T>(incarnation, (token) => {
      runtime.wakeAt(this.now + callTimeoutMs, token, incarnation, { error: new Timeout(`${name}.${request.op}`) }, () =>
        this.trace.record({ vt: this.now, actor: runtime.name, kind: 'timeout', label: `no reply to ${request.op}`, cause: sendSeq, refs }),
      );
      const arrive = this.now + latency + fate.delayMs;
      for (const send of fate.released) send(arrive + 1);
      if (fate.drop || cut) {
        this.trace.record({ vt: this.now, actor: 'network', kind: 'drop', label: `lost ${request.op}`, cause: sendSeq, refs });
        return;
      }
      const arrival = async () => {
        const ctx = this.serviceContext(name, service.schema);
        const reply = await service.handler(ctx, request);
        if (fate.duplicate) await service.handler(ctx, request);
        if (fate.loseReply || this.faults.isCut(runtime.name, name, this.now)) {
          this.trace.record({
            vt: this.now,
            actor: 'network',
            kind: 'drop',
            label: `lost the reply to ${request.op}`,
            cause: sendSeq,
            refs,
          });
          return;
        }
        runtime.wakeAt(this.now + latency, token, incarnation, { value: reply }, () =>
          this.trace.record({ vt: this.now, actor: runtime.name, kind: 'receive', label: `reply to ${request.op}`, cause: sendSeq, refs }),
        );
      };
      if (fate.hold) this.faults.holdBack(name, (at) => this.schedule(at, arrival));
      else this.schedule(arrive, arrival);
    });
  }

  private serviceContext(name: string, schema: string): ServiceContext {
    return {
      now: () => this.now,
      tx: async (label, fn, refs) => {
        const outcome = await this.runTransaction(name, label, { schema, ...(refs ? { refs } : {}) }, fn);
        if ('error' in outcome) throw outcome.error;
        return outcome.value;
      },
    };
  }
}
