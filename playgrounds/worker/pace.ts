/** Real seconds a run takes at its natural speed: long enough to watch, short enough to wait for. */
const PLAYBACK_S = 7;

/** The nearest of 1, 2 or 5 times a power of ten, on a log scale. */
function roundNicely(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  const candidates = [1, 2, 5, 10].map((n) => n * power);
  return candidates.reduce((best, c) => (Math.abs(Math.log(c / value)) < Math.abs(Math.log(best / value)) ? c : best));
}

/**
 * The speed (virtual milliseconds per real second) at which a run of `endMs` plays in a few
 * seconds: 2,000 for a fourteen-second outbox run, millions for a night-long batch job.
 */
export function naturalSpeed(endMs: number): number {
  return roundNicely(Math.max(1, (endMs * 1_000) / (PLAYBACK_S * 1_000)));
}

/** The speeds a reader can pick: a quarter, natural, four times, and as fast as possible (0). */
export function speedChoices(endMs: number): Array<{ value: number; label: string }> {
  const natural = naturalSpeed(endMs);
  const ratio = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
  return [
    ...[natural / 4, natural, natural * 4].map((value) => ({ value, label: `${ratio.format(value / 1_000)}×` })),
    { value: 0, label: 'max' },
  ];
}
