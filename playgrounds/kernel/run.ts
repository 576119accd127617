import type { Database } from '../db/types.ts';
import type { TimedAction } from './fault-injector.ts';
import { checkPlanAgainst, formatFault, formatPlan, parsePlan, type Fault } from './faults.ts';
import { InvariantBook, type InvariantResult } from './invariants.ts';
import type { Params, Pattern } from './pattern.ts';
import { Simulation, type SimulationSettings } from './simulation.ts';

export interface RunConfig {
  seed: number;
  variant: string;
  /** The fault plan as its string form (it is what links and the CLI carry). */
  plan: string;
  params: Params;
  /**
   * `every-commit` checks safety invariants after every committed transaction, so the report
   * names the exact step where one broke; `end` checks them once at the end (faster sweeps).
   */
  safetyChecks: 'every-commit' | 'end';
  settings?: Partial<SimulationSettings>;
  /**
   * Keep the rows an earlier run left in these schemas and start the pattern's processes over
   * them: what a restarted machine does after a real crash. Without it the schemas start empty.
   */
  resume?: boolean;
  /** Overrides the pattern's timing, e.g. a sweep that keeps faults on until the work is done. */
  timing?: { workloadMs: number; drainMs: number };
}

export type RunPhase = 'workload' | 'drain' | 'finished';

/** One run of one variant of a pattern, in its own schemas of a shared database. */
export class PatternRun {
  readonly sim: Simulation;
  readonly book: InvariantBook;
  readonly schemas: Readonly<Record<string, string>>;
  readonly endMs: number;
  readonly workloadMs: number;
  private finished = false;
  private readonly injected: Fault[] = [];

  private constructor(
    readonly pattern: Pattern,
    readonly db: Database,
    readonly config: RunConfig,
    schemas: Record<string, string>,
    plan: Fault[],
  ) {
    this.schemas = schemas;
    const { workloadMs, drainMs } = config.timing ?? pattern.timing(config.params);
    this.workloadMs = workloadMs;
    this.endMs = workloadMs + drainMs;
    this.sim = new Simulation({
      seed: config.seed,
      db,
      schemas,
      plan,
      faultWindowEndMs: workloadMs,
      ...(config.settings ? { settings: config.settings } : {}),
    });
    this.book = new InvariantBook(pattern.invariants);
  }

  /**
   * Creates the run's schemas afresh (dropping any left from an earlier run with the same
   * namespace), or with `resume` keeps them when they exist, and sets up the pattern. Throws a
   * readable Error for a bad plan or variant.
   */
  static async create(pattern: Pattern, db: Database, namespace: string, config: RunConfig): Promise<PatternRun> {
    if (!/^[a-z][a-z0-9_]{0,20}$/.test(namespace)) throw new Error(`bad namespace ${namespace}`);
    if (!pattern.variants.some((v) => v.name === config.variant)) throw new Error(`unknown variant "${config.variant}"`);
    const parsed = parsePlan(config.plan);
    if (!parsed.ok) throw new Error(parsed.error);
    const mismatch = checkPlanAgainst(parsed.value, pattern.faultCatalog('*', config.params));
    if (mismatch) throw new Error(mismatch);
    const schemas = Object.fromEntries(pattern.schemas.map((name) => [name, `${namespace}_${name}`]));
    if (!(config.resume && (await schemasExist(db, schemas)))) await resetSchemas(db, pattern, schemas);
    const run = new PatternRun(pattern, db, config, schemas, parsed.value);
    pattern.setup({ sim: run.sim, variant: config.variant, params: config.params });
    return run;
  }

  get phase(): RunPhase {
    if (this.finished) return 'finished';
    return this.sim.now >= this.workloadMs ? 'drain' : 'workload';
  }

  get isFinished(): boolean {
    return this.finished;
  }

  get results(): readonly InvariantResult[] {
    return this.book.results;
  }

  /** The plan as it stands, with the reader's interventions appended: the string a link carries. */
  get planText(): string {
    const base = parsePlan(this.config.plan);
    return formatPlan([...(base.ok ? base.value : []), ...this.injected]);
  }

  private checkContext() {
    return { db: this.db, schemas: this.schemas, trace: this.sim.trace };
  }

  /** Runs one event. Returns false once the run is over (and its final checks are done). */
  async step(): Promise<boolean> {
    if (this.finished) return false;
    const next = this.sim.nextAt();
    if (next === undefined || next > this.endMs) {
      await this.finish();
      return false;
    }
    await this.sim.step();
    if (this.config.safetyChecks === 'every-commit' && this.sim.committedInStep) {
      await this.book.checkSafety(this.checkContext(), this.sim.schemasWrittenInStep);
    }
    return true;
  }

  /** Runs events until virtual time would pass `vt` (or the run ends). */
  async advanceTo(vt: number, maxSteps = Infinity): Promise<number> {
    let steps = 0;
    while (steps < maxSteps) {
      const next = this.sim.nextAt();
      if (next !== undefined && next > vt && next <= this.endMs) break;
      if (!(await this.step())) break;
      steps++;
    }
    return steps;
  }

  /**
   * Steps until every process has finished its work (or the run ends), then does the final
   * checks: for sweeps, whose faults would otherwise go on crashing a finished job until the end.
   * At most `maxSteps` steps per call; returns true once the run is over.
   */
  async runUntilDone(maxSteps = Infinity): Promise<boolean> {
    const names = this.sim.processNames();
    for (let steps = 0; steps < maxSteps; steps++) {
      if (this.finished || names.every((name) => this.sim.isDone(name)) || !(await this.step())) {
        await this.finish();
        return true;
      }
    }
    return false;
  }

  /** Runs to the end and returns the invariant results. */
  async runToEnd(): Promise<readonly InvariantResult[]> {
    while (await this.step());
    return this.results;
  }

  private async finish(): Promise<void> {
    if (this.finished) return;
    this.sim.now = Math.max(this.sim.now, this.endMs);
    await this.book.checkAll(this.checkContext());
    this.finished = true;
  }

  /**
   * Applies the reader's intervention at the current instant and remembers it as a plan entry
   * with this time, so a link replays it exactly (timed faults fire after everything scheduled
   * up to their time, in the live run and in the replay alike).
   */
  intervene(fault: Fault): string | null {
    if (this.finished) return 'the run is over: reset to start another';
    if (this.sim.now >= this.workloadMs) return 'faults are off while the run drains';
    const mismatch = checkPlanAgainst([fault], this.pattern.faultCatalog('*', this.config.params));
    if (mismatch) return mismatch;
    const atMs = this.sim.now;
    let recorded: Fault;
    if (fault.kind === 'crash') {
      recorded = { kind: 'crash', process: fault.process, trigger: { atMs } };
      const action: TimedAction = { kind: 'crash', atMs, process: fault.process, fault: `crash:${fault.process}@${atMs}ms` };
      this.sim.inject(action);
    } else if (fault.kind === 'pause') {
      recorded = { ...fault, atMs };
      this.sim.inject({
        kind: 'pause',
        atMs,
        process: fault.process,
        durationMs: fault.durationMs,
        fault: `pause:${fault.process}@${atMs}ms`,
      });
    } else if (fault.kind === 'slow') {
      recorded = { ...fault, atMs };
      this.sim.inject({ ...recorded, fault: formatFault(recorded) });
    } else if (fault.kind === 'refuse') {
      return 'a refusal at a decision point must be in the plan from the start';
    } else if (fault.kind === 'partition') {
      recorded = { ...fault, atMs };
      this.sim.faults.addPartition(fault.a, fault.b, atMs, fault.durationMs);
    } else if (fault.kind === 'mtbf') {
      return 'random crashes can only be planned before the run starts';
    } else {
      recorded = { ...fault, trigger: { afterMs: atMs } };
      this.sim.faults.addMessageFault(recorded);
    }
    this.injected.push(recorded);
    return null;
  }
}

/** Drops and recreates a run's schemas: tens of milliseconds, much cheaper than a new database. */
export async function resetSchemas(db: Database, pattern: Pattern, schemas: Readonly<Record<string, string>>): Promise<void> {
  const names = Object.values(schemas);
  await db.exec(
    names.map((name) => `DROP SCHEMA IF EXISTS ${name} CASCADE;`).join('\n') +
      names.map((name) => `CREATE SCHEMA ${name};`).join('\n') +
      pattern.ddl(schemas),
  );
}

async function schemasExist(db: Database, schemas: Readonly<Record<string, string>>): Promise<boolean> {
  const names = Object.values(schemas);
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = ANY($1::text[])`,
    [names],
  );
  return rows[0]!.n === names.length;
}
