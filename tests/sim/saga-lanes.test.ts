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

  /** Trip 1's lane in one run, as `kind: label` without the trip prefix. */
  async function trip1(variant: string, plan: string) {
    const run = await PatternRun.create(sagaPattern, db, 'lanes', {
      seed: 1,
      variant,
      plan,
      params: { ...defaultParams(sagaPattern), undoRefusalPercent: 0 },
      safetyChecks: 'end',
    });
    await run.runToEnd();
    const lane = entityLanes(run.sim.trace.all(), sagaPattern.entityLanes!).find((l) => l.id === 1)!;
    return lane.steps.map((s) => `${s.kind}: ${s.label.replace(/^trip 1: /, '')}`);
  }

  it('show refusals that wrote nothing, and refused undos, but not repeats answered from an inbox', async () => {
    const plan = 'refuse:car@book,refuse:hotel@cancel,refuse:hotel@cancel*2,refuse:hotel@cancel*3';
    // The naive car writes nothing when it refuses: the lane still shows the refusal.
    expect(await trip1('in-memory', plan)).toContain('refused: book car → refused (no cars left)');
    const careful = await trip1('correct', plan);
    expect(careful.filter((step) => step === 'refused: cancel hotel → unavailable (back office down)')).toHaveLength(3);
    expect(careful.at(-2)).toBe('compensation: cancel hotel → cancelled');
    // A slow hotel gets trip 1's booking several times; its inbox answers the repeats, and the lane shows one booking.
    const slow = await trip1('correct', 'slow:hotel@0ms+400ms');
    expect(slow.filter((step) => step.startsWith('forward: book hotel'))).toEqual(['forward: book hotel → booked']);
  });
});
