/**
 * Helpers for tests that drive the simulation kernel by hand: build a Simulation over a test
 * schema, run it up to a virtual time, and pick events out of its trace.
 */
import type { Database } from '../../../playgrounds/db/types.ts';
import { parsePlan } from '../../../playgrounds/kernel/faults.ts';
import { Simulation, type SimulationSettings } from '../../../playgrounds/kernel/simulation.ts';
import type { TraceEvent, TraceKind } from '../../../playgrounds/kernel/trace.ts';

export interface TestSimOptions {
  seed?: number;
  /** A fault plan in its string form. */
  plan?: string;
  faultWindowEndMs?: number;
  schemas?: Record<string, string>;
  settings?: Partial<SimulationSettings>;
}

/** A Simulation over `db`, with the logical schema `x` mapped to the physical schema `t_x` by default. */
export function testSimulation(db: Database, options: TestSimOptions = {}): Simulation {
  const plan = parsePlan(options.plan ?? '');
  if (!plan.ok) throw new Error(`bad test plan: ${plan.error}`);
  return new Simulation({
    seed: options.seed ?? 1,
    db,
    schemas: options.schemas ?? { x: 't_x' },
    plan: plan.value,
    faultWindowEndMs: options.faultWindowEndMs ?? 10_000,
    ...(options.settings ? { settings: options.settings } : {}),
  });
}

/** Runs every event due at or before `endMs` (a process that loops forever stops there). */
export async function runUntil(sim: Simulation, endMs: number, maxSteps = 100_000): Promise<void> {
  for (let steps = 0; steps < maxSteps; steps++) {
    const next = sim.nextAt();
    if (next === undefined || next > endMs) return;
    await sim.step();
  }
  throw new Error(`runUntil(${endMs}): still busy after ${maxSteps} steps`);
}

/** The trace events of one kind (and optionally one actor). */
export function eventsOf(sim: Simulation, kind: TraceKind, actor?: string): TraceEvent[] {
  return sim.trace.all().filter((event) => event.kind === kind && (actor === undefined || event.actor === actor));
}

/** Drops and recreates a physical schema with the given DDL (run inside it). */
export async function freshSchema(db: Database, schema: string, ddl: string): Promise<void> {
  await db.exec(
    `DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path TO ${schema}; ${ddl}; SET search_path TO public;`,
  );
}
