import { line, scaleLinear } from 'd3';
import { useRef } from 'react';
import { analyseProgress, totalLoss, type ProgressPoint } from '../../../playgrounds/kernel/progress.ts';
import type { TraceEvent } from '../../../playgrounds/kernel/trace.ts';
import { formatDuration, formatSeconds, formatTick } from './format.ts';
import { LABEL_WIDTH, MIN_WIDTH, RIGHT_PAD, timeAxis } from './timeline-layout.ts';
import { useTraceMemo } from './use-trace-memo.ts';
import { useElementWidth } from './use-element-width.ts';
import { SideScroll } from './SideScroll.tsx';

const HEIGHT = 150;
const TOP = 10;
const AXIS = 20;
const FALLBACK_WIDTH = 640;

/** Props of {@link ProgressChart}. */
export interface ProgressChartProps {
  events: readonly TraceEvent[];
  series: { title: string; unit: string; worked: string; saved: string };
  /** The value at which the work is done: the top of the y axis. */
  total: number;
  endMs: number;
  nowMs: number;
  label: string;
}

const count = new Intl.NumberFormat('en');

/**
 * The saw-tooth: how far the work had got in memory (rising while a process works, cut at each
 * crash) over how far it was durable, with every crash's lost work shaded. Drawn from the trace
 * alone, on the same time axis as the timeline above it.
 */
export function ProgressChart({ events, series, total, endMs, nowMs, label }: ProgressChartProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const width = Math.max(MIN_WIDTH, useElementWidth(boxRef, FALLBACK_WIDTH));
  const analysis = useTraceMemo(events, (all) => analyseProgress(all, series), [series]);
  const loss = totalLoss(analysis.losses);

  const { x, ticks } = timeAxis(endMs, width);
  const y = scaleLinear()
    .domain([0, Math.max(1, total)])
    .range([HEIGHT - AXIS, TOP]);
  const path = line<ProgressPoint>(
    (p) => x(p.vt),
    (p) => y(p.value),
  );
  // Durable progress holds its value until the next save, up to now: a staircase.
  const savedSteps: ProgressPoint[] = analysis.saved.flatMap((point, i) => {
    const next = analysis.saved[i + 1];
    return [point, { ...point, vt: next ? next.vt : Math.max(point.vt, nowMs) }];
  });
  const summary =
    loss.crashes === 0
      ? 'No work lost to crashes so far.'
      : `${loss.crashes} ${loss.crashes === 1 ? 'crash' : 'crashes'} threw away ${formatDuration(loss.lostMs)} of work` +
        (loss.lostUnits > 0 ? ` (${count.format(loss.lostUnits)} ${series.unit} done again).` : '.');

  return (
    <figure className="fl-pchart" data-lost-ms={loss.lostMs} data-crashes={loss.crashes}>
      <figcaption className="fl-pchart__title">{series.title}</figcaption>
      <SideScroll className="fl-pchart__box" label={`${series.title}`} boxRef={boxRef}>
        <svg
          className="fl-pchart__svg"
          width={width}
          height={HEIGHT}
          role="img"
          aria-label={`${label}: ${series.title.toLowerCase()}, up to t=${formatSeconds(nowMs)}. ${summary}`}
        >
          {analysis.losses.map((lost) => (
            <rect
              key={`${lost.actor}-${lost.crashVt}`}
              className="fl-pc-lost"
              x={x(lost.sinceVt)}
              y={TOP}
              width={Math.max(1, x(lost.crashVt) - x(lost.sinceVt))}
              height={HEIGHT - AXIS - TOP}
            >
              <title>{`${lost.actor} crashed at t=${formatSeconds(lost.crashVt)}: ${formatDuration(lost.crashVt - lost.sinceVt)} of work lost (in memory: ${count.format(lost.workedAtCrash)} ${series.unit}; saved: ${count.format(lost.savedAtCrash)})`}</title>
            </rect>
          ))}
          <g aria-hidden="true">
            {ticks.map((ms) => (
              <g key={ms}>
                <line className="fl-tl-grid" x1={x(ms)} x2={x(ms)} y1={TOP} y2={HEIGHT - AXIS} />
                <text className="fl-pc-tick" x={x(ms)} y={HEIGHT - 6} textAnchor="middle">
                  {formatTick(ms)}
                </text>
              </g>
            ))}
            {[0, total / 2, total].map((value) => (
              <text key={value} className="fl-pc-tick" x={LABEL_WIDTH - 6} y={y(value) + 4} textAnchor="end">
                {count.format(Math.round(value))}
              </text>
            ))}
            <text className="fl-pc-tick" x={6} y={TOP + 10}>
              {series.unit}
            </text>
            <line className="fl-tl-baseline" x1={LABEL_WIDTH} x2={width - RIGHT_PAD} y1={y(0)} y2={y(0)} />
            <line className="fl-pc-total" x1={LABEL_WIDTH} x2={width - RIGHT_PAD} y1={y(total)} y2={y(total)} />
          </g>
          {savedSteps.length > 0 && <path className="fl-pc-saved" d={path(savedSteps) ?? ''} />}
          {analysis.worked.map((points) => (
            <path key={`${points[0]!.actor}-${points[0]!.vt}`} className="fl-pc-worked" d={path(points) ?? ''} />
          ))}
          {analysis.losses.map((lost) => (
            <path
              key={`x-${lost.actor}-${lost.crashVt}`}
              className="fl-glyph fl-glyph--crash"
              d={`M${x(lost.crashVt) - 4},${y(lost.workedAtCrash) - 4}l8,8M${x(lost.crashVt) - 4},${y(lost.workedAtCrash) + 4}l8,-8`}
            />
          ))}
          <line className="fl-tl-now" x1={x(nowMs)} x2={x(nowMs)} y1={TOP} y2={HEIGHT - AXIS} />
        </svg>
      </SideScroll>
      <div className="fl-pchart__legend" aria-hidden="true">
        <span className="fl-pchart__key fl-pchart__key--worked">worked (in memory)</span>
        <span className="fl-pchart__key fl-pchart__key--saved">checkpointed</span>
        <span className="fl-pchart__key fl-pchart__key--lost">work lost to a crash</span>
      </div>
      <p className="fl-pchart__summary" data-progress-summary>
        {summary}
      </p>
    </figure>
  );
}
