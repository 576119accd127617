import type { TraceKind } from '../../../playgrounds/kernel/trace.ts';
import type { ArrowKind } from './timeline-layout.ts';

/**
 * The shape drawn for one event kind, centred on (x, y). Coordinates go into the geometry itself
 * rather than a transform: a transform per mark gives the browser a paint layer node per mark,
 * and thousands of those make every repaint slow.
 */
export function Glyph({ kind, x, y }: { kind: TraceKind; x: number; y: number }) {
  const className = `fl-glyph fl-glyph--${kind}`;
  switch (kind) {
    case 'commit':
    case 'rollback':
      return <circle className={className} cx={x} cy={y} r={3.5} />;
    case 'crash':
      return <path className={className} d={`M${x - 4},${y - 4}l8,8M${x - 4},${y + 4}l8,-8`} />;
    case 'start':
      return <path className={className} d={`M${x - 3},${y - 4.5}l7.5,4.5l-7.5,4.5z`} />;
    case 'pause':
      return <path className={className} d={`M${x - 2.5},${y - 4.5}v9M${x + 2.5},${y - 4.5}v9`} />;
    case 'fault':
      return <path className={className} d={`M${x},${y - 5.5}l5,5.5l-5,5.5l-5,-5.5z`} />;
    case 'drop':
      return <path className={className} d={`M${x - 4.5},${y}h9`} />;
    case 'timeout':
      return <rect className={className} x={x - 3.5} y={y - 3.5} width={7} height={7} />;
    case 'effect':
      return <path className={className} d={`M${x},${y - 5.5}l1.6,3.8h3.9l-3.1,2.5l1.1,4l-3.5,-2.4l-3.5,2.4l1.1,-4l-3.1,-2.5h3.9z`} />;
    case 'ack':
      return <path className={className} d={`M${x - 3.5},${y}l2.5,2.5l4.5,-5`} />;
    case 'append':
      return <rect className={className} x={x - 2.5} y={y - 2.5} width={5} height={5} />;
    case 'phase':
      return <path className={className} d={`M${x},${y - 8}v16`} />;
    case 'send':
    case 'receive':
      return <circle className={className} cx={x} cy={y} r={2} />;
    case 'progress':
    case 'transition':
      return null;
  }
}

const KIND_ENTRIES: Array<[TraceKind, string]> = [
  ['commit', 'commit'],
  ['rollback', 'rollback'],
  ['crash', 'crash'],
  ['start', 'start / restart'],
  ['pause', 'pause'],
  ['fault', 'fault fired'],
  ['drop', 'lost by the network'],
  ['timeout', 'timeout'],
  ['effect', 'side effect'],
];

const ARROW_ENTRIES: Array<[ArrowKind, string]> = [
  ['message', 'request'],
  ['reply', 'reply'],
  ['delivery', 'delivery'],
  ['redelivery', 'redelivery'],
  ['lost', 'lost message'],
];

/** The key to the diagram's shapes and line styles, so no meaning rests on colour alone. */
export function TimelineLegend() {
  return (
    <ul className="fl-legend" aria-label="Legend">
      {KIND_ENTRIES.map(([kind, text]) => (
        <li key={kind}>
          <svg width="14" height="14" viewBox="-7 -7 14 14" aria-hidden="true">
            <Glyph kind={kind} x={0} y={0} />
          </svg>
          {text}
        </li>
      ))}
      {ARROW_ENTRIES.map(([kind, text]) => (
        <li key={kind}>
          <svg width="22" height="10" viewBox="0 -5 22 10" aria-hidden="true">
            <line className={`fl-arrow fl-arrow--${kind}`} x1={1} y1={0} x2={21} y2={0} />
          </svg>
          {text}
        </li>
      ))}
    </ul>
  );
}
