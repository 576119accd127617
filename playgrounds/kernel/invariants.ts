import type { Queryable } from '../db/types.ts';
import type { Trace, TraceEvent } from './trace.ts';

/** One counterexample: a row (or trace fact) that breaks the invariant, in words and as data. */
export interface Violation {
  message: string;
  row: Record<string, string | number | boolean | null>;
  /** Domain entities involved, used to find the trace events that explain it. */
  refs: string[];
}

/** What a check can look at: the run's schemas (logical name to physical) and its trace. */
export interface CheckContext {
  db: Queryable;
  schemas: Readonly<Record<string, string>>;
  trace: Trace;
}

/**
 * A property the pattern promises. Safety invariants must hold after every step of the run
 * (once broken, the report keeps the first step where it broke); liveness invariants need the
 * system to settle, so they are checked after the drain phase.
 */
export interface Invariant {
  name: string;
  title: string;
  /** One sentence a reader understands: what must be true. */
  description: string;
  kind: 'safety' | 'liveness';
  check(context: CheckContext): Promise<Violation[]>;
  /**
   * The logical schemas the check reads, when known: a commit that wrote none of them cannot
   * have changed its answer, so the per-commit safety check skips it. Unknown means always check.
   */
  reads?: readonly string[];
}

/** The logical schemas a query builder uses, found by handing it names that record each lookup. */
function schemasUsedBy(sql: (s: Readonly<Record<string, string>>) => string): string[] | undefined {
  const used = new Set<string>();
  sql(new Proxy({}, { get: (_, key) => (used.add(String(key)), String(key)) }));
  // A builder that found its schemas some other way (iterating them, say) is checked every time.
  return used.size > 0 ? [...used] : undefined;
}

/** The outcome of an invariant in a run. */
export interface InvariantResult {
  name: string;
  title: string;
  description: string;
  kind: 'safety' | 'liveness';
  /** Undefined until checked. */
  ok: boolean | undefined;
  violations: Violation[];
  violationCount: number;
  /** The trace event at which it was first seen broken, or which explains the first violation. */
  firstBroken?: { seq: number; vt: number };
}

const SHOWN_VIOLATIONS = 20;

type RowValue = string | number | boolean | null;

function plainRow(row: Record<string, unknown>): Record<string, RowValue> {
  const out: Record<string, RowValue> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null || value === undefined) out[key] = null;
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (typeof value === 'bigint') out[key] = value.toString();
    else out[key] = JSON.stringify(value);
  }
  return out;
}

/**
 * An invariant whose violations are exactly the rows a query returns. `sql` receives the
 * run's physical schema names; the query must order its rows by a unique key.
 */
export function sqlInvariant(spec: {
  name: string;
  title: string;
  description: string;
  kind: 'safety' | 'liveness';
  sql: (s: Readonly<Record<string, string>>) => string;
  message: (row: Record<string, RowValue>) => string;
  refs: (row: Record<string, RowValue>) => string[];
}): Invariant {
  const reads = schemasUsedBy(spec.sql);
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    kind: spec.kind,
    ...(reads ? { reads } : {}),
    async check({ db, schemas }) {
      const { rows } = await db.query<Record<string, unknown>>(spec.sql(schemas));
      return rows.map((raw) => {
        const row = plainRow(raw);
        return { message: spec.message(row), row, refs: spec.refs(row) };
      });
    },
  };
}

/** An invariant checked over the trace rather than the database. */
export function traceInvariant(spec: {
  name: string;
  title: string;
  description: string;
  kind: 'safety' | 'liveness';
  check: (events: readonly TraceEvent[]) => Violation[];
}): Invariant {
  return { ...spec, check: ({ trace }) => Promise.resolve(spec.check(trace.all())) };
}

/** Tracks the results of a run's invariants as checks come in. */
export class InvariantBook {
  readonly results: InvariantResult[];

  constructor(private readonly invariants: readonly Invariant[]) {
    this.results = invariants.map((inv) => ({
      name: inv.name,
      title: inv.title,
      description: inv.description,
      kind: inv.kind,
      ok: undefined,
      violations: [],
      violationCount: 0,
    }));
  }

  /**
   * Checks the safety invariants, recording the current trace position for any first break.
   * With `written` (the logical schemas the step's commits wrote), only those that read one.
   */
  async checkSafety(context: CheckContext, written?: ReadonlySet<string>): Promise<void> {
    await this.checkWhere(
      context,
      (inv) => inv.kind === 'safety' && (!written || !inv.reads || inv.reads.some((schema) => written.has(schema))),
    );
  }

  /** Checks everything: called once the run has drained. */
  async checkAll(context: CheckContext): Promise<void> {
    await this.checkWhere(context, () => true);
  }

  private async checkWhere(context: CheckContext, which: (inv: Invariant) => boolean): Promise<void> {
    for (const [i, inv] of this.invariants.entries()) {
      if (!which(inv)) continue;
      const result = this.results[i]!;
      const violations = await inv.check(context);
      if (violations.length === 0) {
        if (inv.kind === 'liveness') {
          result.ok = true;
          result.violations = [];
          result.violationCount = 0;
          delete result.firstBroken;
        } else if (result.ok === undefined) {
          // A safety invariant that broke earlier stays broken: the harm happened.
          result.ok = true;
        }
        continue;
      }
      const wasBroken = result.ok === false;
      result.ok = false;
      result.violations = violations.slice(0, SHOWN_VIOLATIONS);
      result.violationCount = violations.length;
      if (!wasBroken || inv.kind === 'liveness') {
        const at = locate(context.trace, inv, violations);
        if (at) result.firstBroken = at;
      }
    }
  }
}

/**
 * Where a violation shows up in the trace: for a safety check, the event just recorded (it
 * broke in this step); for a liveness check, the first event about the entities involved.
 */
function locate(trace: Trace, inv: Invariant, violations: Violation[]): { seq: number; vt: number } | undefined {
  const events = trace.all();
  if (inv.kind === 'safety') {
    const last = events[events.length - 1];
    return last ? { seq: last.seq, vt: last.vt } : undefined;
  }
  const first = trace.firstMentioning(violations.flatMap((v) => v.refs));
  return first ? { seq: first.seq, vt: first.vt } : undefined;
}
