import { describe, expect, it } from 'vitest';
import { checkpointingPattern } from '../../playgrounds/checkpointing/index.ts';
import { youngOptimumMs } from '../../playgrounds/checkpointing/interval-sweep.ts';
import { findSweep, measureSweep, resolveSweepSettings, sweepSize, type SweepPoint } from '../../playgrounds/parameter-sweep.ts';
import { sharedTestDatabase } from '../support/database.ts';

const db = sharedTestDatabase();
const spec = findSweep(checkpointingPattern, 'checkpointing-interval')!;

describe('the checkpoint-interval sweep measures a U-shaped curve from real runs', () => {
  it('every run finishes correct, and the interval nearest Young’s optimum beats both ends', async () => {
    const settings = resolveSweepSettings(spec, {});
    if (!settings.ok) throw new Error(settings.error);
    const points: SweepPoint[] = [];
    for await (const point of measureSweep(checkpointingPattern, spec, db, 'sweep', settings.value)) points.push(point);
    expect(points).toHaveLength(sweepSize(spec));
    expect(points.filter((p) => p.broken.length > 0)).toEqual([]);
    expect(points.every((p) => p.y !== null)).toBe(true);

    const mean = (value: number) => {
      const ys = points.filter((p) => p.value === value).map((p) => p.y!);
      return ys.reduce((a, b) => a + b, 0) / ys.length;
    };
    const values = spec.vary.values;
    const optimumMs = youngOptimumMs(settings.value.checkpointMs!, settings.value.mtbfMs!);
    const nearest = [...points].sort((a, b) => Math.abs(Math.log(a.x / optimumMs)) - Math.abs(Math.log(b.x / optimumMs)))[0]!.value;
    expect(mean(nearest)).toBeLessThan(mean(values[0]!));
    expect(mean(nearest)).toBeLessThan(mean(values[values.length - 1]!));
  });

  it('refuses slider values outside their range with a message, not a crash', () => {
    const answer = resolveSweepSettings(spec, { mtbfMs: '-5' });
    expect(answer.ok).toBe(false);
    expect(answer.ok ? '' : answer.error).toMatch(/MTBF/);
    expect(resolveSweepSettings(spec, { nonsense: 1 }).ok).toBe(false);
  });
});
