const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * A virtual time the way every view labels it, to the millisecond: `1.234s` under a minute,
 * `12m05.300s` under an hour, `2h00m05.000s` beyond (a three-hour job in seconds is unreadable).
 */
export function formatSeconds(ms: number): string {
  const seconds = ((ms % MINUTE) / SECOND).toFixed(3);
  if (ms < MINUTE) return `${seconds}s`;
  const paddedSeconds = seconds.padStart(6, '0');
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  if (ms < HOUR) return `${minutes}m${paddedSeconds}s`;
  return `${Math.floor(ms / HOUR)}h${String(minutes).padStart(2, '0')}m${paddedSeconds}s`;
}

/** A duration rounded for prose: `8 min 10 s`, `2 h 1 min`, `950 ms`. */
export function formatDuration(ms: number): string {
  if (ms < SECOND) return `${Math.round(ms)} ms`;
  if (ms < MINUTE) return `${Math.round(ms / 100) / 10} s`;
  // Round first, then split: 1 h 59.6 min must read 2 h, not 1 h 60 min.
  if (ms < HOUR) {
    const seconds = Math.round(ms / SECOND);
    return seconds % 60 === 0 ? `${seconds / 60} min` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  }
  const minutes = Math.round(ms / MINUTE);
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Round steps for a time axis, from a millisecond to six hours. */
const STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1, 2, 5, 10, 15, 30]
  .map((n, i) => (i < 9 ? n : n * SECOND))
  .concat(
    [1, 2, 5, 10, 15, 30].map((n) => n * MINUTE),
    [1, 2, 3, 6].map((n) => n * HOUR),
  );

/** Ticks for a time axis from 0 to `endMs`: at most `count`, on round seconds, minutes or hours. */
export function timeTicks(endMs: number, count: number): number[] {
  const step = STEPS.find((s) => endMs / s <= count) ?? 6 * HOUR * Math.ceil(endMs / (6 * HOUR * count));
  return Array.from({ length: Math.floor(endMs / step) + 1 }, (_, i) => i * step);
}

/** A tick label, as short as the step allows: `500ms`, `15s`, `1m30s`, `45m`, `2h30m`. */
export function formatTick(ms: number): string {
  if (ms === 0) return '0';
  if (ms < SECOND || ms % SECOND !== 0) return ms < SECOND ? `${ms}ms` : `${ms / SECOND}s`;
  if (ms < MINUTE) return `${ms / SECOND}s`;
  if (ms < HOUR) return ms % MINUTE === 0 ? `${ms / MINUTE}m` : `${Math.floor(ms / MINUTE)}m${(ms % MINUTE) / SECOND}s`;
  return ms % HOUR === 0 ? `${ms / HOUR}h` : `${Math.floor(ms / HOUR)}h${Math.round((ms % HOUR) / MINUTE)}m`;
}
