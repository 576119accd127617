import type { Database } from '../db/types.ts';
import { parsePlan } from '../kernel/faults.ts';
import { resolveParams, type Pattern } from '../kernel/pattern.ts';
import { PatternRun } from '../kernel/run.ts';
import { findSweep, measureSweep, resolveSweepSettings, sweepSize } from '../parameter-sweep.ts';
import { patterns } from '../registry.ts';
import type {
  BootProgress,
  PlaygroundReport,
  PlaygroundWorkerApi,
  QueryAnswer,
  RunRequest,
  RunStatus,
  SideReport,
  SweepReport,
  SweepRequest,
} from './api.ts';
import { readOnlyQuery } from './inspector.ts';
import { naturalSpeed } from './pace.ts';

/** The real clock and a way to yield, injected so the host also runs under Node in tests. */
export interface HostEnvironment {
  openDatabase(snapshotUrl: string | null, onProgress: (progress: BootProgress) => void): Promise<{ db: Database; fromSnapshot: boolean }>;
  nowMs(): number;
  /** Lets pending messages (pause, poll, inject) in before the next slice of simulation. */
  yieldToEvents(): Promise<void>;
}

/** Longest stretch of simulation between two chances to answer the page, in real ms. */
const SLICE_MS = 10;
/** Most trace events handed over per side in one poll; the page polls again next frame. */
const EVENTS_PER_POLL = 4_000;

interface Session {
  request: RunRequest;
  pattern: Pattern;
  runs: PatternRun[];
  status: RunStatus;
  error?: string;
  speed: number;
  /** Virtual time the paced run is heading for. */
  targetVt: number;
  lastTickMs: number;
}

/**
 * The worker's side of the boundary: owns the one database and every playground's runs. All
 * database work goes through `exclusive`, so a query from the inspector never lands inside a
 * simulation step, and a step never interleaves with a reset.
 */
export class PlaygroundHost implements PlaygroundWorkerApi {
  private db: Database | undefined;
  private booting: Promise<{ bootMs: number; fromSnapshot: boolean }> | undefined;
  private readonly sessions = new Map<string, Session>();
  private readonly namespaces = new Map<string, number>();
  private chain: Promise<unknown> = Promise.resolve();
  private readonly sweeps = new Map<string, { report: SweepReport; started: number }>();
  /** Every sweep gets fresh schemas: a cancelled one may still be finishing its last run in its own. */
  private sweepCount = 0;

  constructor(private readonly env: HostEnvironment) {}

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.chain.then(fn);
    this.chain = result.catch(() => undefined);
    return result;
  }

  boot(snapshotUrl: string | null, onProgress?: (progress: BootProgress) => void) {
    this.booting ??= (async () => {
      const started = this.env.nowMs();
      const { db, fromSnapshot } = await this.env.openDatabase(snapshotUrl, (p) => onProgress?.(p));
      this.db = db;
      onProgress?.({ stage: 'ready', loadedBytes: 0, totalBytes: 0 });
      return { bootMs: Math.round(this.env.nowMs() - started), fromSnapshot };
    })();
    return this.booting;
  }

  private pattern(id: string): Pattern {
    const pattern = patterns[id];
    if (!pattern) throw new Error(`unknown pattern "${id}"`);
    return pattern;
  }

  private namespace(instanceId: string, side: number): string {
    let index = this.namespaces.get(instanceId);
    if (index === undefined) {
      index = this.namespaces.size + 1;
      this.namespaces.set(instanceId, index);
    }
    return `p${index}${side === 0 ? 'm' : 'c'}`;
  }

  async open(request: RunRequest): Promise<PlaygroundReport> {
    const db = this.db;
    if (!db) throw new Error('the database is not booted yet');
    const pattern = this.pattern(request.pattern);
    const params = resolveParams(pattern, request.params);
    if (!params.ok) throw new Error(params.error);
    this.pause(request.instanceId);
    const variants = request.compare && request.variant !== 'correct' ? [request.variant, 'correct'] : [request.variant];
    const runs = await this.exclusive(async () => {
      const list: PatternRun[] = [];
      for (const [side, variant] of variants.entries()) {
        const namespace = this.namespace(request.instanceId, side);
        list.push(
          await PatternRun.create(pattern, db, namespace, {
            seed: request.seed,
            variant,
            plan: request.plan,
            params: params.value,
            safetyChecks: 'every-commit',
            ...(request.resume ? { resume: true } : {}),
          }),
        );
      }
      return list;
    });
    const speed = naturalSpeed(runs[0]!.endMs);
    this.sessions.set(request.instanceId, { request, pattern, runs, status: 'ready', speed, targetVt: 0, lastTickMs: 0 });
    return this.report(
      request.instanceId,
      runs.map(() => 0),
    );
  }

  private session(instanceId: string): Session {
    const session = this.sessions.get(instanceId);
    if (!session) throw new Error(`no playground "${instanceId}" is open`);
    return session;
  }

  play(instanceId: string): void {
    const session = this.session(instanceId);
    if (session.status === 'finished' || session.status === 'error' || session.status === 'running') return;
    session.status = 'running';
    session.targetVt = Math.max(...session.runs.map((r) => r.sim.now));
    session.lastTickMs = this.env.nowMs();
    void this.runLoop(session);
  }

  pause(instanceId: string): void {
    const session = this.sessions.get(instanceId);
    if (session?.status === 'running') session.status = 'paused';
  }

  setSpeed(instanceId: string, speed: number): void {
    if (!Number.isFinite(speed) || speed < 0 || speed > 1e9) throw new Error(`speed must be between 0 and 1000000000, got ${speed}`);
    const session = this.session(instanceId);
    session.speed = speed;
    session.lastTickMs = this.env.nowMs();
  }

  async step(instanceId: string): Promise<void> {
    const session = this.session(instanceId);
    if (session.status === 'running') session.status = 'paused';
    if (session.status === 'finished' || session.status === 'error') return;
    await this.exclusive(() =>
      this.guard(session, async () => {
        for (const run of session.runs) await run.step();
      }),
    );
    this.settle(session);
    if (session.status === 'ready') session.status = 'paused';
  }

  async seek(instanceId: string, vt: number): Promise<void> {
    const session = this.session(instanceId);
    this.pause(instanceId);
    await this.exclusive(() =>
      this.guard(session, async () => {
        for (const run of session.runs) await run.advanceTo(vt);
      }),
    );
    this.settle(session);
    if (session.status === 'ready' && vt > 0) session.status = 'paused';
  }

  /** Runs a failing block, turning a bug into an error status instead of a dead worker. */
  private async guard(session: Session, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      session.status = 'error';
      session.error = error instanceof Error ? error.message : String(error);
    }
  }

  private settle(session: Session): void {
    if (session.status !== 'error' && session.runs.every((r) => r.isFinished)) session.status = 'finished';
  }

  private async runLoop(session: Session): Promise<void> {
    while (session.status === 'running') {
      await this.exclusive(() =>
        this.guard(session, async () => {
          const sliceEnd = this.env.nowMs() + SLICE_MS;
          const now = this.env.nowMs();
          if (session.speed > 0) {
            // Kept fractional: slices can be a fraction of a millisecond apart, and rounding each
            // one would throw most of the elapsed time away.
            session.targetVt += ((now - session.lastTickMs) * session.speed) / 1_000;
            session.lastTickMs = now;
          }
          // Advance every side to the same virtual time, a few events at a time.
          while (this.env.nowMs() < sliceEnd && session.status === 'running') {
            let moved = false;
            for (const run of session.runs) {
              if (run.isFinished) continue;
              const target = session.speed > 0 ? session.targetVt : Number.POSITIVE_INFINITY;
              moved = (await run.advanceTo(target, 8)) > 0 || moved;
            }
            this.settle(session);
            if (!moved) break;
          }
        }),
      );
      this.settle(session);
      await this.env.yieldToEvents();
    }
  }

  async inject(instanceId: string, faultText: string): Promise<string | null> {
    const session = this.session(instanceId);
    const parsed = parsePlan(faultText);
    if (!parsed.ok) return parsed.error;
    if (parsed.value.length !== 1) return 'inject one fault at a time';
    const fault = parsed.value[0]!;
    return this.exclusive(() => {
      for (const run of session.runs) {
        const error = run.intervene(fault);
        if (error) return Promise.resolve(error);
      }
      return Promise.resolve(null);
    });
  }

  poll(instanceId: string, cursors: number[]): Promise<PlaygroundReport> {
    return Promise.resolve(this.report(instanceId, cursors));
  }

  private report(instanceId: string, cursors: number[]): PlaygroundReport {
    const session = this.session(instanceId);
    const first = session.runs[0]!;
    return {
      instanceId,
      status: session.status,
      ...(session.error ? { error: session.error } : {}),
      workloadMs: first.workloadMs,
      endMs: first.endMs,
      speed: session.speed,
      ...(session.pattern.progress ? { progressTotal: session.pattern.progress.total(first.config.params) } : {}),
      sides: session.runs.map((run, i) => sideReport(run, i)),
      events: session.runs.map((run, i) => {
        const from = Math.max(0, Math.min(cursors[i] ?? 0, run.sim.trace.length));
        return run.sim.trace.since(from).slice(0, EVENTS_PER_POLL);
      }),
    };
  }

  async query(instanceId: string, side: number, sql: string): Promise<QueryAnswer> {
    const session = this.session(instanceId);
    const run = session.runs[side];
    const db = this.db;
    if (!run || !db) return { ok: false, error: 'no such side' };
    return this.exclusive(() => readOnlyQuery(db, Object.values(run.schemas), sql, () => this.env.nowMs()));
  }

  close(instanceId: string): void {
    this.pause(instanceId);
    this.sessions.delete(instanceId);
  }

  sweep(request: SweepRequest): Promise<SweepReport> {
    this.cancelSweep(request.instanceId);
    const pattern = patterns[request.pattern];
    const spec = pattern && findSweep(pattern, request.sweep);
    const settings = spec ? resolveSweepSettings(spec, request.settings) : undefined;
    const db = this.db;
    const report: SweepReport = {
      instanceId: request.instanceId,
      status: 'running',
      points: [],
      size: spec ? sweepSize(spec) : 0,
      optimum: spec && settings?.ok ? spec.optimum(settings.value) : null,
      elapsedMs: 0,
    };
    const entry = { report, started: this.env.nowMs() };
    this.sweeps.set(request.instanceId, entry);
    if (!pattern || !spec || !settings?.ok || !db) {
      report.status = 'error';
      report.error = !db
        ? 'the database is not booted yet'
        : !pattern
          ? `unknown pattern "${request.pattern}"`
          : !spec
            ? `unknown sweep "${request.sweep}"`
            : settings && !settings.ok
              ? settings.error
              : 'bad settings';
      return Promise.resolve({ ...report });
    }
    const namespace = `sw${++this.sweepCount}`;
    void (async () => {
      try {
        const points = measureSweep(pattern, spec, db, namespace, settings.value, {
          exclusive: (fn) => this.exclusive(fn),
          between: () => this.env.yieldToEvents(),
        });
        for await (const point of points) {
          // A newer sweep under the same id, or a cancel, ends this one between points.
          if (this.sweeps.get(request.instanceId) !== entry || report.status !== 'running') return;
          report.points.push(point);
          report.elapsedMs = Math.round(this.env.nowMs() - entry.started);
        }
        report.status = 'finished';
      } catch (error) {
        report.status = 'error';
        report.error = error instanceof Error ? error.message : String(error);
      }
    })();
    return Promise.resolve({ ...report, points: [...report.points] });
  }

  pollSweep(instanceId: string): Promise<SweepReport> {
    const entry = this.sweeps.get(instanceId);
    if (!entry) return Promise.reject(new Error(`no sweep "${instanceId}" has run`));
    const report = entry.report;
    if (report.status === 'running') report.elapsedMs = Math.round(this.env.nowMs() - entry.started);
    return Promise.resolve({ ...report, points: [...report.points] });
  }

  cancelSweep(instanceId: string): void {
    const report = this.sweeps.get(instanceId)?.report;
    if (report?.status === 'running') report.status = 'cancelled';
  }
}

function sideReport(run: PatternRun, index: number): SideReport {
  return {
    side: index === 0 ? 'main' : 'correct',
    variant: run.config.variant,
    vt: Math.min(run.sim.now, run.endMs),
    phase: run.phase,
    traceLength: run.sim.trace.length,
    ...(run.isFinished ? { traceHash: run.sim.trace.hash() } : {}),
    counters: Object.fromEntries(run.sim.counters),
    invariants: run.results.map((r) => ({ ...r, violations: [...r.violations] })),
    processes: run.sim.processNames().map((name) => ({
      name,
      alive: run.sim.isAlive(name),
      paused: run.sim.isPaused(name),
      done: run.sim.isDone(name),
    })),
    plan: run.planText,
  };
}
