import { useId, useMemo } from 'react';
import type { StatechartSpec } from '../../../playgrounds/kernel/pattern.ts';
import { tallyMoves, transitionKey } from '../../../playgrounds/kernel/state-moves.ts';
import type { TraceEvent } from '../../../playgrounds/kernel/trace.ts';
import { useTraceMemo } from './use-trace-memo.ts';
import { layoutStatechart, NODE_HEIGHT, NODE_WIDTH } from './statechart-layout.ts';
import { SideScroll } from './SideScroll.tsx';

/** Props of {@link Statechart}. */
export interface StatechartProps {
  chart: StatechartSpec;
  events: readonly TraceEvent[];
  nowMs: number;
  /** How long a fired transition stays lit, in virtual ms. */
  glowMs: number;
  label: string;
}

/**
 * The workflow's statechart, drawn from the same definition the code runs, with how many
 * entities sit in each state now, the transitions that just fired lit up, and the moves the
 * database refused counted by state and event.
 */
export function Statechart({ chart, events, nowMs, glowMs, label }: StatechartProps) {
  const layout = useMemo(() => layoutStatechart(chart), [chart]);
  const tally = useTraceMemo(events, tallyMoves);
  const arrow = `fl-sc${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const total = Object.values(tally.occupancy).reduce((a, b) => a + b, 0);
  const summary = chart.states
    .filter((s) => tally.occupancy[s.id])
    .map((s) => `${tally.occupancy[s.id]} ${s.label}`)
    .join(', ');

  const refusedTotal = tally.refused.reduce((n, r) => n + r.count, 0);
  return (
    <figure className="fl-statechart" data-statechart={chart.title}>
      <figcaption className="fl-pchart__title">{chart.title}</figcaption>
      <SideScroll className="fl-statechart__box" label={`${chart.title}`}>
        <svg
          width={layout.width}
          height={layout.height}
          role="img"
          aria-label={`${label}: ${total} ${chart.entities}${summary ? `: ${summary}` : ''}.`}
        >
          <defs>
            <marker id={arrow} viewBox="0 0 10 10" refX={9} refY={5} markerWidth={7} markerHeight={7} orient="auto-start-reverse">
              <path className="fl-sc-arrowhead" d="M0,0L10,5L0,10Z" />
            </marker>
          </defs>
          {layout.transitions.map((t) => {
            const fired = tally.fired[transitionKey(t.from, t.event, t.to)];
            const lit = fired !== undefined && nowMs - fired.lastVt <= glowMs;
            return (
              <g
                key={`${t.from}-${t.event}-${t.to}`}
                className={`fl-sc-edge${lit ? ' fl-sc-edge--lit' : ''}${fired ? '' : ' fl-sc-edge--unused'}`}
                data-transition={`${t.from}:${t.event}:${t.to}`}
                data-fired={fired?.count ?? 0}
              >
                <path d={t.path} markerEnd={`url(#${arrow})`} />
                <text x={t.labelX} y={t.labelY} textAnchor="middle">
                  {t.event}
                  {fired ? ` ×${fired.count}` : ''}
                </text>
              </g>
            );
          })}
          {layout.states.map((s) => {
            const count = tally.occupancy[s.id] ?? 0;
            return (
              <g
                key={s.id}
                className={`fl-sc-state${s.final ? ' fl-sc-state--final' : ''}${count > 0 ? ' fl-sc-state--occupied' : ''}`}
                data-state={s.id}
                data-count={count}
              >
                <rect x={s.x} y={s.y} width={NODE_WIDTH} height={NODE_HEIGHT} rx={s.final ? 18 : 6} />
                <text className="fl-sc-state__label" x={s.x + 10} y={s.y + NODE_HEIGHT / 2 + 4}>
                  {s.label}
                </text>
                <text className="fl-sc-state__count" x={s.x + NODE_WIDTH - 10} y={s.y + NODE_HEIGHT / 2 + 4} textAnchor="end">
                  {count}
                </text>
                <title>{`${s.label}: ${count} ${chart.entities} now${s.group ? ` (in ${s.group})` : ''}`}</title>
              </g>
            );
          })}
        </svg>
      </SideScroll>
      {tally.refused.length > 0 && (
        <details className="fl-log" data-refused={refusedTotal}>
          <summary>Refused moves ({refusedTotal})</summary>
          <SideScroll className="fl-table-scroll" label="Refused moves">
            <table className="fl-table">
              <thead>
                <tr>
                  <th scope="col">In state</th>
                  <th scope="col">Event</th>
                  <th scope="col" className="fl-num">
                    Refused
                  </th>
                </tr>
              </thead>
              <tbody>
                {tally.refused.map((r) => (
                  <tr key={`${r.state}-${r.event}`}>
                    <td>{chart.states.find((s) => s.id === r.state)?.label ?? r.state}</td>
                    <td>
                      <code>{r.event}</code>
                    </td>
                    <td className="fl-num">{r.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </SideScroll>
        </details>
      )}
    </figure>
  );
}
