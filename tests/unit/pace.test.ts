import { describe, expect, it } from 'vitest';
import { naturalSpeed, speedChoices } from '../../playgrounds/worker/pace.ts';

describe('playback speeds follow the length of the run', () => {
  it('play a fourteen-second run at 2× and offer a quarter and four times that', () => {
    expect(naturalSpeed(14_000)).toBe(2_000);
    expect(speedChoices(14_000).map((s) => s.label)).toEqual(['0.5×', '2×', '8×', 'max']);
  });

  it('play a night-long job in seconds, on a round ratio', () => {
    const speed = naturalSpeed(27_470_000);
    expect(speed).toBe(5_000_000);
    expect(27_470_000 / speed).toBeGreaterThan(3);
    expect(27_470_000 / speed).toBeLessThan(15);
    expect(speedChoices(27_470_000)[1]).toEqual({ value: 5_000_000, label: '5,000×' });
  });
});
