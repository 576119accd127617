import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../playgrounds/kernel/trace.ts';
import { AXIS_HEIGHT, LABEL_WIDTH, LANE_HEIGHT, MIN_WIDTH, layoutTimeline } from '../../src/components/playground/timeline-layout.ts';

type Input = Omit<TraceEvent, 'seq'>;

/** Numbers events the way the trace does: seq is the position. */
function trace(...inputs: Input[]): TraceEvent[] {
  return inputs.map((input, seq) => ({ seq, ...input }));
}

const LANES = ['order-service', 'relay-1', 'broker', 'inventory'];

/** A publish whose ack comes back, then one delivery and one redelivery of the stored message. */
const publishAndDeliver = trace(
  { vt: 0, actor: 'relay-1', kind: 'start', label: 'started' },
  { vt: 100, actor: 'relay-1', kind: 'send', label: 'publish OrderPlaced', to: 'broker' },
  { vt: 105, actor: 'broker', kind: 'append', label: 'OrderPlaced stored at orders[0]#0', cause: 1 },
  { vt: 110, actor: 'relay-1', kind: 'receive', label: 'ack OrderPlaced', cause: 1 },
  { vt: 200, actor: 'inventory', kind: 'receive', label: 'OrderPlaced', cause: 2 },
  { vt: 900, actor: 'inventory', kind: 'receive', label: 'OrderPlaced (delivery 2)', cause: 2 },
);

describe('layoutTimeline', () => {
  it('stacks lanes in the given order, one lane height apart', () => {
    const layout = layoutTimeline(publishAndDeliver, LANES, 1000, 600);
    expect(layout.lanes.map((lane) => lane.name)).toEqual(LANES);
    expect(layout.lanes[0]!.y).toBe(AXIS_HEIGHT + LANE_HEIGHT / 2);
    expect(layout.lanes[3]!.y - layout.lanes[0]!.y).toBe(3 * LANE_HEIGHT);
    const inventory = layout.marks.find((mark) => mark.seq === 4)!;
    expect(inventory.y).toBe(layout.lanes[3]!.y);
  });

  it('maps 0 to the end of the label column and endMs to the right edge of the plot', () => {
    const events = trace(
      { vt: 0, actor: 'relay-1', kind: 'start', label: 'started' },
      { vt: 500, actor: 'relay-1', kind: 'commit', label: 'claim' },
      { vt: 1000, actor: 'relay-1', kind: 'commit', label: 'mark' },
    );
    const layout = layoutTimeline(events, LANES, 1000, 600);
    const [start, middle, end] = layout.marks;
    expect(start!.x).toBe(LABEL_WIDTH);
    expect(end!.x).toBe(layout.plotRight);
    expect(layout.plotRight).toBeLessThan(600);
    expect(middle!.x).toBeCloseTo((LABEL_WIDTH + layout.plotRight) / 2, 6);
    expect(layout.x(5000)).toBe(layout.plotRight);
  });

  it('labels ticks in seconds at their scaled positions', () => {
    const layout = layoutTimeline([], LANES, 10_000, 800);
    expect(layout.ticks.length).toBeGreaterThan(2);
    expect(layout.ticks[0]).toEqual({ x: LABEL_WIDTH, label: '0' });
    const twoSeconds = layout.ticks.find((tick) => tick.label === '2s');
    expect(twoSeconds?.x).toBeCloseTo(layout.x(2000), 6);
  });

  it('labels a night-long run in hours and minutes on round steps', () => {
    const layout = layoutTimeline([], LANES, 7.5 * 3_600_000, 800);
    const labels = layout.ticks.map((tick) => tick.label);
    expect(labels).toContain('2h');
    expect(labels.every((label) => /^(0|\d+h(\d+m)?)$/.test(label))).toBe(true);
    expect(layout.ticks.find((tick) => tick.label === '2h')?.x).toBeCloseTo(layout.x(7_200_000), 6);
  });

  it('draws no mark for progress measurements (they have a chart of their own)', () => {
    const layout = layoutTimeline(
      [{ seq: 0, vt: 10, actor: 'relay', kind: 'progress', label: 'worked through item 20', series: 'worked', value: 20 }],
      LANES,
      1000,
      600,
    );
    expect(layout.marks).toEqual([]);
  });

  it('never draws narrower than the minimum width', () => {
    const layout = layoutTimeline(publishAndDeliver, LANES, 1000, 200);
    expect(layout.width).toBe(MIN_WIDTH);
    expect(layout.plotRight).toBeLessThan(MIN_WIDTH);
    expect(layout.plotRight).toBeGreaterThan(LABEL_WIDTH);
  });

  it('links send to append, append back to the ack, and append to each delivery', () => {
    const layout = layoutTimeline(publishAndDeliver, LANES, 1000, 600);
    const links = layout.arrows.map((arrow) => [arrow.kind, arrow.fromSeq, arrow.toSeq]);
    expect(links).toEqual([
      ['message', 1, 2],
      ['reply', 2, 3],
      ['delivery', 2, 4],
      ['redelivery', 2, 5],
    ]);
    const [send, append] = [layout.marks[1]!, layout.marks[2]!];
    expect(layout.arrows[0]).toMatchObject({ x1: send.x, y1: send.y, x2: append.x, y2: append.y });
    expect(layout.arrows[0]!.y1).toBe(layout.lanes[1]!.y);
    expect(layout.arrows[0]!.y2).toBe(layout.lanes[2]!.y);
  });

  it('routes a service call through the service lane and back', () => {
    const events = trace(
      { vt: 1000, actor: 'inventory', kind: 'send', label: 'email order 1', to: 'email' },
      { vt: 1005, actor: 'email', kind: 'commit', label: 'send email' },
      { vt: 1010, actor: 'inventory', kind: 'receive', label: 'reply to email order 1', cause: 0 },
    );
    const layout = layoutTimeline(events, [...LANES, 'email'], 2000, 600);
    const [request, reply] = layout.arrows;
    const emailLane = layout.lanes.find((lane) => lane.name === 'email')!;
    expect(request).toMatchObject({ kind: 'message', fromSeq: 0, toSeq: 2, y2: emailLane.y });
    expect(reply).toMatchObject({ kind: 'reply', fromSeq: 0, toSeq: 2, y1: emailLane.y, x2: layout.marks[2]!.x });
    expect(request!.x2).toBeCloseTo(layout.x(1005), 6);
  });

  it('marks a lost message with a link from its send to the drop', () => {
    const events = trace(
      { vt: 100, actor: 'relay-1', kind: 'send', label: 'publish OrderPlaced', to: 'broker' },
      { vt: 100, actor: 'network', kind: 'drop', label: 'lost OrderPlaced', cause: 0 },
      { vt: 2100, actor: 'relay-1', kind: 'timeout', label: 'no ack for OrderPlaced', cause: 0 },
    );
    const layout = layoutTimeline(events, LANES, 5000, 600);
    expect(layout.arrows.map((arrow) => [arrow.kind, arrow.fromSeq, arrow.toSeq])).toEqual([['lost', 0, 1]]);
  });

  it('gives unlisted actors lanes at the bottom, network and kernel last', () => {
    const events = trace(
      { vt: 0, actor: 'kernel', kind: 'phase', label: 'faults stop: draining' },
      { vt: 10, actor: 'network', kind: 'drop', label: 'lost OrderPlaced' },
      { vt: 20, actor: 'email', kind: 'commit', label: 'send email' },
      { vt: 30, actor: 'relay-1', kind: 'commit', label: 'claim' },
    );
    const layout = layoutTimeline(events, LANES, 1000, 600);
    expect(layout.lanes.map((lane) => lane.name)).toEqual([...LANES, 'email', 'network', 'kernel']);
    expect(layout.marks[0]!.y).toBe(layout.lanes[6]!.y);
    expect(layout.height).toBeGreaterThanOrEqual(AXIS_HEIGHT + 7 * LANE_HEIGHT);
  });

  it('fans out marks that fall on the same spot of a lane', () => {
    const events = trace(
      { vt: 500, actor: 'relay-1', kind: 'commit', label: 'a' },
      { vt: 500, actor: 'relay-1', kind: 'send', label: 'b', to: 'broker' },
      { vt: 500, actor: 'broker', kind: 'commit', label: 'c' },
      { vt: 900, actor: 'relay-1', kind: 'commit', label: 'd' },
    );
    const layout = layoutTimeline(events, LANES, 1000, 600);
    const relay = layout.lanes[1]!.y;
    expect(layout.marks[0]!.y).toBe(relay);
    expect(layout.marks[1]!.y).not.toBe(relay);
    expect(Math.abs(layout.marks[1]!.y - relay)).toBeLessThan(LANE_HEIGHT / 2);
    expect(layout.marks[2]!.y).toBe(layout.lanes[2]!.y);
    expect(layout.marks[3]!.y).toBe(relay);
  });
});
