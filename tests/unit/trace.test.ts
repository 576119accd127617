import { describe, expect, it } from 'vitest';
import { Trace, type TraceInput } from '../../playgrounds/kernel/trace.ts';

const EVENTS: readonly TraceInput[] = [
  { vt: 0, actor: 'order-service', kind: 'start', label: 'started' },
  { vt: 12, actor: 'order-service', kind: 'commit', label: 'place order 1', refs: ['order:1'] },
  { vt: 14, actor: 'order-service', kind: 'send', label: 'publish OrderPlaced', refs: ['order:1'], to: 'broker' },
  { vt: 19, actor: 'broker', kind: 'append', label: 'OrderPlaced stored', cause: 2, refs: ['order:1', 'msg:1'] },
  { vt: 24, actor: 'order-service', kind: 'receive', label: 'ack OrderPlaced', cause: 2 },
];

function traceOf(events: readonly TraceInput[]): Trace {
  const trace = new Trace();
  for (const event of events) trace.record(event);
  return trace;
}

function withChange(index: number, change: Partial<TraceInput>): TraceInput[] {
  return EVENTS.map((event, i) => (i === index ? { ...event, ...change } : event));
}

describe('Trace', () => {
  it('numbers events from 0 in the order they are recorded', () => {
    const trace = new Trace();
    expect(EVENTS.map((event) => trace.record(event))).toEqual([0, 1, 2, 3, 4]);
    expect(trace.length).toBe(5);
    expect(trace.all().map((event) => event.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(trace.all()[3]).toEqual({ seq: 3, ...EVENTS[3] });
  });

  it('gives the same hash to the same events', () => {
    expect(traceOf(EVENTS).hash()).toBe(traceOf(EVENTS).hash());
    expect(traceOf(EVENTS).hash()).toMatch(/^[0-9a-f]{16}$/);
    expect(new Trace().hash()).toBe(new Trace().hash());
  });

  it('changes the hash as events are recorded', () => {
    const trace = new Trace();
    const hashes = new Set([trace.hash()]);
    for (const event of EVENTS) {
      trace.record(event);
      hashes.add(trace.hash());
    }
    expect(hashes.size).toBe(EVENTS.length + 1);
  });

  it.each<[string, number, Partial<TraceInput>]>([
    ['vt', 1, { vt: 13 }],
    ['actor', 1, { actor: 'relay-1' }],
    ['kind', 1, { kind: 'rollback' }],
    ['label', 2, { label: 'publish OrderCancelled' }],
    ['refs (changed)', 3, { refs: ['order:1', 'msg:2'] }],
    ['refs (reordered)', 3, { refs: ['msg:1', 'order:1'] }],
    ['refs (added)', 0, { refs: ['order:1'] }],
    ['cause (changed)', 3, { cause: 1 }],
    ['cause (0 where there was none)', 1, { cause: 0 }],
    ['to', 2, { to: 'email' }],
  ])('changes the hash when one event differs in %s', (_field, index, change) => {
    expect(traceOf(withChange(index, change)).hash()).not.toBe(traceOf(EVENTS).hash());
  });

  it('changes the hash when two events swap places', () => {
    const swapped = [...EVENTS];
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    expect(traceOf(swapped).hash()).not.toBe(traceOf(EVENTS).hash());
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects the virtual time %s and leaves the journal untouched', (vt) => {
    const trace = traceOf(EVENTS.slice(0, 2));
    const before = trace.hash();
    expect(() => trace.record({ vt, actor: 'relay-1', kind: 'send', label: 'x' })).toThrow(/whole milliseconds/);
    expect(trace.length).toBe(2);
    expect(trace.hash()).toBe(before);
    expect(trace.record(EVENTS[2]!)).toBe(2);
  });

  it('finds the first event that mentions any of the given refs', () => {
    const trace = traceOf(EVENTS);
    expect(trace.firstMentioning(['order:1'])?.seq).toBe(1);
    expect(trace.firstMentioning(['msg:1'])?.seq).toBe(3);
    expect(trace.firstMentioning(['order:9', 'msg:1'])?.seq).toBe(3);
    expect(trace.firstMentioning(['order:9'])).toBeUndefined();
    expect(trace.firstMentioning([])).toBeUndefined();
  });

  it('returns the events from a seq onwards with since()', () => {
    const trace = traceOf(EVENTS);
    expect(trace.since(3).map((event) => event.seq)).toEqual([3, 4]);
    expect(trace.since(0)).toHaveLength(5);
    expect(trace.since(5)).toEqual([]);
    trace.record({ vt: 30, actor: 'kernel', kind: 'phase', label: 'faults stop: draining' });
    expect(trace.since(5).map((event) => event.label)).toEqual(['faults stop: draining']);
  });
});
