import { SideScroll } from './SideScroll.tsx';

/** Props of {@link Counters}. */
export interface CountersProps {
  items: ReadonlyArray<{ label: string; values: ReadonlyArray<number | undefined> }>;
  sideLabels: readonly string[];
}

/** The run's domain counters, one column per side so a comparison reads across. */
export function Counters({ items, sideLabels }: CountersProps) {
  const comparing = sideLabels.length > 1;
  return (
    <SideScroll className="fl-table-scroll" label="Counters">
      <table className="fl-table fl-counters">
        <caption className="fl-visually-hidden">Counters</caption>
        <thead>
          <tr>
            <th scope="col">Counter</th>
            {sideLabels.map((side, i) => (
              <th key={i} scope="col" className="fl-num">
                {side}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => {
            const known = item.values.filter((value) => value !== undefined);
            // Emphasis, not colour, marks the rows where the two sides disagree.
            const differs = comparing && new Set(known).size > 1;
            return (
              <tr key={item.label} className={differs ? 'fl-counters__row--differs' : undefined}>
                <th scope="row">{item.label}</th>
                {sideLabels.map((_side, i) => {
                  const value = item.values[i];
                  return (
                    <td key={i} className="fl-num">
                      {value === undefined ? '—' : value}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </SideScroll>
  );
}
