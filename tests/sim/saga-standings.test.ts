import { describe, expect, it } from 'vitest';
import { defaultParams } from '../../playgrounds/kernel/pattern.ts';
import { PatternRun } from '../../playgrounds/kernel/run.ts';
import { sagaPattern } from '../../playgrounds/saga/index.ts';
import { BOOKABLE } from '../../playgrounds/saga/schema.ts';
import { sharedTestDatabase } from '../support/database.ts';

const db = sharedTestDatabase();
const spec = sagaPattern.standings!;

/** Runs to the end and reads the standings panel's counters next to what the services' tables say. */
async function standings(variant: string, seed: number, plan: string) {
  const run = await PatternRun.create(sagaPattern, db, 'standings', {
    seed,
    variant,
    plan,
    params: defaultParams(sagaPattern),
    safetyChecks: 'end',
  });
  await run.runToEnd();
  const counter = (name: string) => run.sim.counters.get(name) ?? 0;
  const gauges = Object.fromEntries(
    BOOKABLE.map((service, i) => {
      const row = spec.holdings.rows[i]!;
      return [service, { kept: counter(row.kept), locked: counter(row.locked) }];
    }),
  );
  const tables = await db.transaction(async (tx) => {
    const s = run.schemas;
    const held: Record<string, number> = {};
    for (const service of BOOKABLE) {
      const { rows } = await tx.query<{ held: number }>(`SELECT sum(held)::int AS held FROM ${s[service]}.${service}_inventory`);
      held[service] = rows[0]!.held;
    }
    return held;
  });
  return { counter, gauges, tables };
}

describe('the standings panel', () => {
  it('shows the crashed in-memory orchestrator’s trip stuck, with its seat and room locked for ever', async () => {
    const { counter, gauges, tables } = await standings('in-memory', 1, 'crash:orchestrator@between_steps*2');
    expect(counter('in flight')).toBe(1);
    expect(counter('completed') + counter('compensated') + counter('in flight')).toBe(counter(spec.total));
    expect(gauges.flight!.locked).toBe(1);
    expect(gauges.hotel!.locked).toBe(1);
    expect(gauges.car!.locked).toBe(0);
    // The gauges add up to what the inventory tables hold, and completed trips keep one of each.
    for (const service of BOOKABLE) expect(gauges[service]!.kept + gauges[service]!.locked).toBe(tables[service]);
    expect(gauges.car!.kept).toBe(counter('completed'));
  });

  it('shows every trip settled and nothing locked once the orchestrator keeps its sagas in Postgres', async () => {
    for (const variant of ['correct', 'choreography']) {
      const { counter, gauges, tables } = await standings(variant, 1, 'crash:orchestrator@between_steps*2,crash:trip-service@after_accept');
      expect({ variant, open: counter('in flight') }).toEqual({ variant, open: 0 });
      expect(counter('completed') + counter('compensated')).toBe(counter(spec.total));
      for (const service of BOOKABLE) {
        expect({ variant, service, locked: gauges[service]!.locked }).toEqual({ variant, service, locked: 0 });
        expect(gauges[service]!.kept).toBe(counter('completed'));
        expect(gauges[service]!.kept).toBe(tables[service]);
      }
    }
  });
});
