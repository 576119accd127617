import { memo } from 'react';
import { formatSeconds } from './format.ts';
import { Glyph } from './timeline-glyphs.tsx';
import type { TimelineArrow, TimelineLayout, TimelineMark } from './timeline-layout.ts';

/**
 * A trace only grows, so its marks are drawn in fixed-size chunks, each in its own group: a poll
 * then re-renders, and the browser re-measures, the last chunk alone instead of thousands of nodes.
 */
const CHUNK_SIZE = 256;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK_SIZE) out.push(items.slice(i, i + CHUNK_SIZE));
  return out;
}

/** Compares by value: a fresh layout rebuilds every object, yet most of them come out the same. */
function sameItems(a: { items: readonly object[] }, b: { items: readonly object[] }): boolean {
  if (a.items.length !== b.items.length) return false;
  return a.items.every((item, i) => {
    const other = b.items[i] as Record<string, unknown>;
    return Object.entries(item).every(([key, value]) => other[key] === value);
  });
}

const ArrowChunk = memo(function ArrowChunk({ items, idPrefix }: { items: readonly TimelineArrow[]; idPrefix: string }) {
  return (
    <g>
      {items.map((arrow) => (
        <line
          key={`${arrow.kind}-${arrow.fromSeq}-${arrow.toSeq}`}
          className={`fl-arrow fl-arrow--${arrow.kind}`}
          x1={arrow.x1}
          y1={arrow.y1}
          x2={arrow.x2}
          y2={arrow.y2}
          markerEnd={`url(#${idPrefix}-${arrow.kind})`}
        />
      ))}
    </g>
  );
}, sameItems);

const MarkChunk = memo(function MarkChunk({ items }: { items: readonly TimelineMark[] }) {
  return (
    <g>
      {items.map((mark) => (
        <g key={mark.seq}>
          <title>{`t=${formatSeconds(mark.vt)} ${mark.actor}: ${mark.label}`}</title>
          {/* A wider transparent target makes the tooltip reachable on tiny glyphs. */}
          <circle className="fl-tl-hit" cx={mark.x} cy={mark.y} r={6} />
          <Glyph kind={mark.kind} x={mark.x} y={mark.y} />
        </g>
      ))}
    </g>
  );
}, sameItems);

/** Every arrow and mark of a layout, arrows underneath; `idPrefix` names this diagram's arrowhead markers. */
export function MarkLayer({ layout, idPrefix }: { layout: TimelineLayout; idPrefix: string }) {
  return (
    <>
      <g className="fl-tl-arrows">
        {chunks(layout.arrows).map((items, i) => (
          <ArrowChunk key={i} items={items} idPrefix={idPrefix} />
        ))}
      </g>
      <g className="fl-tl-marks">
        {chunks(layout.marks).map((items, i) => (
          <MarkChunk key={i} items={items} />
        ))}
      </g>
    </>
  );
}
