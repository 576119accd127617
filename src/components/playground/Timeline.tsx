import { useEffect, useId, useRef } from 'react';
import type { TraceEvent } from '../../../playgrounds/kernel/trace.ts';
import { EventLog } from './EventLog.tsx';
import { formatSeconds } from './format.ts';
import { TimelineLegend } from './timeline-glyphs.tsx';
import { AXIS_HEIGHT, LABEL_WIDTH, LANE_HEIGHT, layoutTimeline, type ArrowKind } from './timeline-layout.ts';
import { MarkLayer } from './timeline-marks.tsx';
import { useElementWidth } from './use-element-width.ts';
import { useTraceMemo } from './use-trace-memo.ts';
import { SideScroll } from './SideScroll.tsx';

const FALLBACK_WIDTH = 640;
const ARROW_KINDS: ArrowKind[] = ['message', 'reply', 'delivery', 'redelivery', 'lost'];
/** Lane names longer than this are squeezed to fit the label column rather than cut. */
const LANE_LABEL_CHARS = 13;
const LANE_LABEL_MAX = 22;

/** Props of {@link Timeline}. */
export interface TimelineProps {
  events: readonly TraceEvent[];
  lanes: readonly string[];
  endMs: number;
  workloadMs: number;
  nowMs: number;
  highlightSeq?: number | undefined;
  label: string;
  reducedMotion: boolean;
}

function laneLabel(name: string): { text: string; squeeze: boolean } {
  const text = name.length > LANE_LABEL_MAX ? `${name.slice(0, LANE_LABEL_MAX - 1)}…` : name;
  return { text, squeeze: text.length > LANE_LABEL_CHARS };
}

/** The swimlane diagram of a run: one lane per actor, virtual time across, causes as arrows. */
export function Timeline({ events, lanes, endMs, workloadMs, nowMs, highlightSeq, label, reducedMotion }: TimelineProps) {
  const figureRef = useRef<HTMLElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(scrollRef, FALLBACK_WIDTH);
  // SVG references are document-global: two timelines on a page must not share marker ids.
  const idPrefix = `fl-tl${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const lanesKey = lanes.join('\n');
  const layout = useTraceMemo(events, (all) => layoutTimeline(all, lanes, endMs, width), [lanesKey, endMs, width]);
  const highlighted = highlightSeq === undefined ? undefined : layout.marks.find((mark) => mark.seq === highlightSeq);

  useEffect(() => {
    const scroller = scrollRef.current;
    if (!highlighted || !scroller) return;
    const behavior = reducedMotion ? 'auto' : 'smooth';
    figureRef.current?.scrollIntoView({ block: 'nearest', behavior });
    if (highlighted.x < scroller.scrollLeft || highlighted.x > scroller.scrollLeft + scroller.clientWidth) {
      scroller.scrollTo({ left: highlighted.x - scroller.clientWidth / 2, behavior });
    }
    // Only a new jump request scrolls (not every poll), so the layout is not a dependency.
  }, [highlightSeq]);

  const bottom = layout.height - 4;
  const drainX = layout.x(workloadMs);
  const nowX = layout.x(nowMs);
  const summary = `${label}: ${events.length} events on ${layout.lanes.length} lanes, up to t=${formatSeconds(nowMs)}. The event log below lists them as text.`;

  return (
    <figure className="fl-timeline" ref={figureRef}>
      <SideScroll className="fl-timeline__scroll" label={`${label}`} boxRef={scrollRef}>
        <svg className="fl-timeline__svg" width={layout.width} height={layout.height} role="img" aria-label={summary}>
          <defs>
            {ARROW_KINDS.map((kind) => (
              <marker
                key={kind}
                id={`${idPrefix}-${kind}`}
                viewBox="0 0 10 10"
                refX={15}
                refY={5}
                markerWidth={7}
                markerHeight={7}
                markerUnits="userSpaceOnUse"
                orient="auto"
              >
                <path className={`fl-arrowhead fl-arrowhead--${kind}`} d="M0,0L10,5L0,10Z" />
              </marker>
            ))}
            <pattern id={`${idPrefix}-hatch`} width={6} height={6} patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <line className="fl-tl-hatch" x1={0} y1={0} x2={0} y2={6} />
            </pattern>
          </defs>

          {layout.lanes.map((lane, i) => {
            const { text, squeeze } = laneLabel(lane.name);
            return (
              <g key={lane.name} className="fl-tl-lane">
                {i % 2 === 1 && (
                  <rect className="fl-tl-stripe" x={0} y={lane.y - LANE_HEIGHT / 2} width={layout.width} height={LANE_HEIGHT} />
                )}
                <line className="fl-tl-baseline" x1={layout.plotLeft} x2={layout.plotRight} y1={lane.y} y2={lane.y} />
                <text
                  className="fl-tl-lane-name"
                  x={6}
                  y={lane.y + 4}
                  {...(squeeze ? { textLength: LABEL_WIDTH - 12, lengthAdjust: 'spacingAndGlyphs' } : {})}
                >
                  <title>{lane.name}</title>
                  {text}
                </text>
              </g>
            );
          })}

          {workloadMs > 0 && drainX < layout.plotRight && (
            <g className="fl-tl-drain">
              <rect
                x={drainX}
                y={AXIS_HEIGHT}
                width={layout.plotRight - drainX}
                height={bottom - AXIS_HEIGHT}
                fill={`url(#${idPrefix}-hatch)`}
              >
                <title>{`Drain from t=${formatSeconds(workloadMs)}: no new faults, the system settles`}</title>
              </rect>
              <text className="fl-tl-drain-label" x={layout.plotRight - 3} y={AXIS_HEIGHT + 10} textAnchor="end">
                drain (no faults)
              </text>
            </g>
          )}

          <g className="fl-tl-axis" aria-hidden="true">
            {layout.ticks.map((tick) => (
              <g key={tick.label}>
                <line className="fl-tl-grid" x1={tick.x} x2={tick.x} y1={AXIS_HEIGHT - 5} y2={bottom} />
                <text className="fl-tl-tick" x={tick.x} y={AXIS_HEIGHT - 9} textAnchor="middle">
                  {tick.label}
                </text>
              </g>
            ))}
          </g>

          <MarkLayer layout={layout} idPrefix={idPrefix} />

          {highlighted && <circle className="fl-tl-ring" cx={highlighted.x} cy={highlighted.y} r={9} />}

          <line className="fl-tl-now" x1={0} x2={0} y1={AXIS_HEIGHT - 5} y2={bottom} style={{ transform: `translateX(${nowX}px)` }}>
            <title>{`now: t=${formatSeconds(nowMs)}`}</title>
          </line>
        </svg>
      </SideScroll>
      <TimelineLegend />
      <EventLog events={events} highlightSeq={highlightSeq} reducedMotion={reducedMotion} />
    </figure>
  );
}
