import { useRef } from 'react';
import { entityLanes } from '../../../playgrounds/kernel/entity-lanes.ts';
import type { EntityLanesSpec } from '../../../playgrounds/kernel/pattern.ts';
import type { TraceEvent } from '../../../playgrounds/kernel/trace.ts';
import { formatSeconds, formatTick } from './format.ts';
import { MIN_WIDTH, timeAxis } from './timeline-layout.ts';
import { useTraceMemo } from './use-trace-memo.ts';
import { useElementWidth } from './use-element-width.ts';
import { SideScroll } from './SideScroll.tsx';

const ROW = 22;
const AXIS = 18;

/**
 * One lane per entity (each saga), on the timeline's time axis: its forward steps, its
 * compensations and its refused steps in different colours, so an undo reads as an undo.
 */
export function EntityLanes({
  spec,
  events,
  endMs,
  label,
}: {
  spec: EntityLanesSpec;
  events: readonly TraceEvent[];
  endMs: number;
  label: string;
}) {
  const boxRef = useRef<HTMLDivElement>(null);
  const width = Math.max(MIN_WIDTH, useElementWidth(boxRef, 640));
  const lanes = useTraceMemo(events, (all) => entityLanes(all, spec), [spec]);
  const { x, ticks } = timeAxis(endMs, width);
  const height = AXIS + Math.max(1, lanes.length) * ROW + 4;
  const undone = lanes.filter((lane) => lane.steps.some((step) => step.kind === 'compensation')).length;
  return (
    <figure className="fl-lanes" data-entity-lanes={lanes.length} data-compensated={undone}>
      <figcaption className="fl-pchart__title">{spec.title}</figcaption>
      <SideScroll className="fl-pchart__box" label={`${spec.title}`} boxRef={boxRef}>
        <svg
          width={width}
          height={height}
          role="img"
          aria-label={`${label}: ${lanes.length} ${spec.entity.toLowerCase()}s, ${undone} with compensations.`}
        >
          <g aria-hidden="true">
            {ticks.map((ms) => (
              <g key={ms}>
                <line className="fl-tl-grid" x1={x(ms)} x2={x(ms)} y1={AXIS - 4} y2={height - 4} />
                <text className="fl-pc-tick" x={x(ms)} y={AXIS - 6} textAnchor="middle">
                  {formatTick(ms)}
                </text>
              </g>
            ))}
          </g>
          {lanes.map((lane, row) => {
            const y = AXIS + row * ROW + ROW / 2;
            const first = lane.steps[0]!;
            const last = lane.steps[lane.steps.length - 1]!;
            return (
              <g key={lane.id} data-entity={lane.id}>
                <text className="fl-tl-lane-name fl-lanes__name" x={6} y={y + 4}>
                  {spec.entity} {lane.id}
                </text>
                <line className="fl-lanes__span" x1={x(first.vt)} x2={x(last.vt)} y1={y} y2={y} />
                {lane.steps.map((step) => (
                  <circle key={step.seq} className={`fl-lanes__step fl-lanes__step--${step.kind}`} cx={x(step.vt)} cy={y} r={4}>
                    <title>{`t=${formatSeconds(step.vt)}: ${step.label}`}</title>
                  </circle>
                ))}
              </g>
            );
          })}
        </svg>
      </SideScroll>
      <div className="fl-progress__legend fl-pchart__legend" aria-hidden="true">
        {spec.steps.map((step) => (
          <span key={step.kind} className={`fl-lanes__key fl-lanes__key--${step.kind}`}>
            {step.label}
          </span>
        ))}
      </div>
    </figure>
  );
}
