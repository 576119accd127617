import { flagCombination, type FlagGridSpec } from '../../../playgrounds/kernel/pattern.ts';
import { tallyMoves } from '../../../playgrounds/kernel/state-moves.ts';
import type { TraceEvent } from '../../../playgrounds/kernel/trace.ts';
import { useTraceMemo } from './use-trace-memo.ts';
import { SideScroll } from './SideScroll.tsx';

/** Every combination of some flags, as records, in binary order (all off first). */
function combinations(flags: readonly string[]): Array<Record<string, boolean>> {
  return Array.from({ length: 2 ** flags.length }, (_, n) =>
    Object.fromEntries(flags.map((flag, i) => [flag, (n >> (flags.length - 1 - i)) % 2 === 1])),
  );
}

const label = (combo: Record<string, boolean>, flags: readonly string[]) => flagCombination(combo, flags).replaceAll('+', ' + ');

/**
 * The naive design's whole state space: one cell per combination of its flags, with how many
 * entities sit in it now. Cells no state of the real workflow has are hatched; an entity in one
 * of those is an impossible state, and the cell lights up.
 */
export function FlagGrid({ grid, events, label: ariaLabel }: { grid: FlagGridSpec; events: readonly TraceEvent[]; label: string }) {
  const { occupancy } = useTraceMemo(events, tallyMoves);
  const rowFlags = grid.flags.slice(0, grid.rowFlags);
  const columnFlags = grid.flags.slice(grid.rowFlags);
  const possible = new Set(grid.possible);
  const impossible = Object.entries(occupancy)
    .filter(([combo, count]) => count > 0 && !possible.has(combo))
    .reduce((n, [, count]) => n + count, 0);
  return (
    <figure className="fl-flaggrid" data-flag-grid data-impossible={impossible}>
      <figcaption className="fl-pchart__title">
        {grid.title} ({grid.entities} in an impossible state: {impossible === 0 ? 'none' : impossible})
      </figcaption>
      <SideScroll className="fl-table-scroll" label={ariaLabel}>
        <table className="fl-table fl-flaggrid__table">
          <thead>
            <tr>
              <th scope="col">
                {rowFlags.join(' · ')} ↓ &nbsp; {columnFlags.join(' · ')} →
              </th>
              {combinations(columnFlags).map((column) => (
                <th key={label(column, columnFlags)} scope="col">
                  {label(column, columnFlags)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {combinations(rowFlags).map((row) => (
              <tr key={label(row, rowFlags)}>
                <th scope="row">{label(row, rowFlags)}</th>
                {combinations(columnFlags).map((column) => {
                  const combo = flagCombination({ ...row, ...column }, grid.flags);
                  const count = occupancy[combo] ?? 0;
                  const allowed = possible.has(combo);
                  const state = allowed ? 'possible' : count > 0 ? 'broken' : 'impossible';
                  return (
                    <td
                      key={combo}
                      className={`fl-num fl-flaggrid__cell fl-flaggrid__cell--${state}`}
                      data-combination={combo}
                      data-count={count}
                      title={`${combo.replaceAll('+', ' + ')}: ${count} ${grid.entities}${allowed ? '' : ' (impossible)'}`}
                    >
                      {count > 0 ? count : allowed ? '·' : '✕'}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </SideScroll>
    </figure>
  );
}
