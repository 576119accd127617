import { describe, expect, it } from 'vitest';
import { entityLanes } from '../../playgrounds/kernel/entity-lanes.ts';
import { defaultParams } from '../../playgrounds/kernel/pattern.ts';
import { PatternRun } from '../../playgrounds/kernel/run.ts';
import { sagaPattern } from '../../playgrounds/saga/index.ts';
import { sharedTestDatabase } from '../support/database.ts';

const db = sharedTestDatabase();

describe('per-trip lanes', () => {
  it('show the late-booking trip booked, undone newest first, and its late booking refused', async () => {
    const preset = sagaPattern.playgrounds.find((p) => p.id === 'saga-late-booking')!;
    const run = await PatternRun.create(sagaPattern, db, 'lanes', {
      seed: preset.seed,
      variant: 'correct',
      plan: preset.plan,
      params: { ...defaultParams(sagaPattern), ...preset.params },
      safetyChecks: 'end',
    });
    await run.runToEnd();
    const lanes = entityLanes(run.sim.trace.all(), sagaPattern.entityLanes!);
    const trip1 = lanes.find((lane) => lane.id === 1)!;
    expect(trip1.steps.map((s) => `${s.kind}: ${s.label.replace(/^trip 1: /, '')}`)).toEqual([
      'forward: book flight → booked',
      'compensation: cancel hotel → cancelled',
      'compensation: cancel flight → cancelled',
      'refused: book hotel → refused (cancelled before it arrived)',
    ]);
    // Every trip has a lane, and trips that completed were never undone.
    expect(lanes.map((lane) => lane.id)).toEqual([...new Set(lanes.map((lane) => lane.id))].sort((a, b) => a - b));
    expect(lanes.length).toBeGreaterThan(1);
  });
});
