import type { TraceKind } from '../../../playgrounds/kernel/trace.ts';
import type { ArrowKind } from './timeline-layout.ts';

/** The shape drawn for one event kind, centred on the origin (the caller translates it). */
export function Glyph({ kind }: { kind: TraceKind }) {
  const className = `fl-glyph fl-glyph--${kind}`;
  switch (kind) {
    case 'commit':
    case 'rollback':
      return <circle className={className} r={3.5} />;
    case 'crash':
      return <path className={className} d="M-4,-4L4,4M-4,4L4,-4" />;
    case 'start':
      return <path className={className} d="M-3,-4.5L4.5,0L-3,4.5Z" />;
    case 'pause':
      return <path className={className} d="M-2.5,-4.5V4.5M2.5,-4.5V4.5" />;
    case 'fault':
      return <path className={className} d="M0,-5.5L5,0L0,5.5L-5,0Z" />;
    case 'drop':
      return <path className={className} d="M-4.5,0H4.5" />;
    case 'timeout':
      return <rect className={className} x={-3.5} y={-3.5} width={7} height={7} />;
    case 'effect':
      return <path className={className} d="M0,-5.5L1.6,-1.7L5.5,-1.7L2.4,0.8L3.5,4.8L0,2.4L-3.5,4.8L-2.4,0.8L-5.5,-1.7L-1.6,-1.7Z" />;
    case 'ack':
      return <path className={className} d="M-3.5,0L-1,2.5L3.5,-2.5" />;
    case 'append':
      return <rect className={className} x={-2.5} y={-2.5} width={5} height={5} />;
    case 'phase':
      return <path className={className} d="M0,-8V8" />;
    case 'send':
    case 'receive':
      return <circle className={className} r={2} />;
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
            <Glyph kind={kind} />
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
