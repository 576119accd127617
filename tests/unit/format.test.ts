import { describe, expect, it } from 'vitest';
import { formatDuration, formatSeconds, formatTick, timeTicks } from '../../src/components/playground/format.ts';

describe('time labels', () => {
  it('keep millisecond precision, in seconds, minutes or hours as the time grows', () => {
    expect(formatSeconds(1_234)).toBe('1.234s');
    expect(formatSeconds(725_300)).toBe('12m05.300s');
    expect(formatSeconds(7_205_000)).toBe('2h00m05.000s');
  });

  it('round durations for prose', () => {
    expect(formatDuration(950)).toBe('950 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(490_000)).toBe('8 min 10 s');
    expect(formatDuration(7_260_000)).toBe('2 h 1 min');
    expect(formatDuration(7_190_000)).toBe('2 h');
    expect(formatDuration(3_599_700)).toBe('60 min');
  });

  it('put axis ticks on round steps, never more than asked for', () => {
    expect(timeTicks(10_000, 5)).toEqual([0, 2_000, 4_000, 6_000, 8_000, 10_000]);
    const night = timeTicks(27_000_000, 8);
    expect(night.length).toBeLessThanOrEqual(9);
    expect(night.every((ms) => ms % 3_600_000 === 0)).toBe(true);
    expect(timeTicks(90 * 60_000, 6).map(formatTick)).toEqual(['0', '15m', '30m', '45m', '1h', '1h15m', '1h30m']);
    expect(formatTick(90_000)).toBe('1m30s');
    expect(formatTick(250)).toBe('250ms');
  });
});
