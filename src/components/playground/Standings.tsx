import type { StandingsSpec } from '../../../playgrounds/kernel/pattern.ts';

/** Props of {@link Standings}. */
export interface StandingsProps {
  spec: StandingsSpec;
  counters: Readonly<Record<string, number>>;
  /** Once the run has settled, nothing will move an open entity or release its locks. */
  settled: boolean;
  label: string;
}

/**
 * Where the run's entities stand (a bar of completed, undone and open ones) and gauges of the
 * inventory they hold. What an open entity locks is fair while it runs; once the run has
 * settled, it is stuck and its locks are leaked, and the panel says so in red.
 */
export function Standings({ spec, counters, settled, label }: StandingsProps) {
  const value = (counter: string) => Math.max(0, counters[counter] ?? 0);
  const total = value(spec.total);
  const standings = spec.standings.map((s) => {
    const stuck = settled && s.tone === 'open';
    return { ...s, label: stuck ? spec.stuckLabel : s.label, tone: stuck ? 'stuck' : s.tone, n: value(s.counter) };
  });
  const rows = spec.holdings.rows.map((row) => ({ label: row.label, kept: value(row.kept), locked: value(row.locked) }));
  // One scale for every gauge, so a double booking shows as a longer bar than its trips allow.
  const scale = Math.max(1, total, ...rows.map((r) => r.kept + r.locked));
  const lockedLabel = settled ? spec.holdings.leakedLabel : spec.holdings.lockedLabel;
  const lockedTone = settled ? 'stuck' : 'open';
  return (
    <figure className="fl-standings" aria-label={label}>
      <figcaption className="fl-standings__title">
        {spec.title}: {total} {spec.entities}
      </figcaption>
      <div className="fl-standings__bar" aria-hidden="true">
        {standings.map((s) =>
          s.n > 0 ? <span key={s.counter} className={`fl-standings__part fl-tone--${s.tone}`} style={{ flexGrow: s.n }} /> : null,
        )}
      </div>
      <ul className="fl-standings__legend">
        {standings.map((s) => (
          <li key={s.counter} data-standing={s.counter} data-count={s.n}>
            <span className={`fl-standings__swatch fl-tone--${s.tone}`} aria-hidden="true" />
            <strong>{s.n}</strong> {s.label}
          </li>
        ))}
      </ul>
      <table className="fl-standings__gauges">
        <caption>{spec.holdings.title}</caption>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label} data-kept={row.kept} data-locked={row.locked}>
              <th scope="row">{row.label}</th>
              <td className="fl-standings__gauge" aria-hidden="true">
                <span className="fl-standings__track">
                  <span className="fl-standings__part fl-tone--done" style={{ width: `${(100 * row.kept) / scale}%` }} />
                  <span className={`fl-standings__part fl-tone--${lockedTone}`} style={{ width: `${(100 * row.locked) / scale}%` }} />
                </span>
              </td>
              <td className="fl-standings__numbers">
                {row.kept} kept, <span className={row.locked > 0 && settled ? 'fl-standings__leak' : undefined}>{row.locked} locked</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="fl-standings__key">
        <span className="fl-standings__swatch fl-tone--done" aria-hidden="true" /> kept: {spec.holdings.keptLabel}{' '}
        <span className={`fl-standings__swatch fl-tone--${lockedTone}`} aria-hidden="true" /> locked: {lockedLabel}
      </p>
    </figure>
  );
}
