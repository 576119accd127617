import { describe, expect, it } from 'vitest';
import type { StatechartSpec } from '../../playgrounds/kernel/pattern.ts';
import { tallyMoves, transitionKey } from '../../playgrounds/kernel/state-moves.ts';
import type { StateMove, TraceEvent } from '../../playgrounds/kernel/trace.ts';
import { layoutStatechart, NODE_HEIGHT, NODE_WIDTH } from '../../src/components/playground/statechart-layout.ts';

const chart: StatechartSpec = {
  title: 'Orders',
  entities: 'orders',
  initial: 'created',
  states: [
    { id: 'created', label: 'Created', final: false },
    { id: 'paid', label: 'Paid', final: false },
    { id: 'failed', label: 'Failed', final: true },
    { id: 'shipped', label: 'Shipped', final: true },
  ],
  transitions: [
    { from: 'created', event: 'pay', to: 'paid' },
    { from: 'created', event: 'fail', to: 'failed' },
    { from: 'paid', event: 'ship', to: 'shipped' },
    { from: 'paid', event: 'retry', to: 'created' },
  ],
};

const moves = (list: StateMove[]): TraceEvent[] =>
  list.map((move, seq) => ({ seq, vt: seq * 10, actor: 'api', kind: 'transition', label: '', move }));

describe('the statechart layout', () => {
  it('puts each state right of its predecessors, draws cycles back underneath, and overlaps nothing', () => {
    const layout = layoutStatechart(chart);
    const x = (id: string) => layout.states.find((s) => s.id === id)!.x;
    expect(x('created')).toBeLessThan(x('paid'));
    expect(x('paid')).toBeLessThan(x('shipped'));
    expect(layout.transitions.find((t) => t.event === 'retry')!.back).toBe(true);
    expect(layout.transitions.filter((t) => t.back)).toHaveLength(1);
    for (const a of layout.states) {
      for (const b of layout.states) {
        if (a === b) continue;
        const apart = Math.abs(a.x - b.x) >= NODE_WIDTH || Math.abs(a.y - b.y) >= NODE_HEIGHT;
        expect(apart).toBe(true);
      }
      expect(a.x + NODE_WIDTH).toBeLessThanOrEqual(layout.width);
      expect(a.y + NODE_HEIGHT).toBeLessThanOrEqual(layout.height);
    }
    expect(layoutStatechart(chart)).toEqual(layout);
  });
});

describe('tallying moves', () => {
  it('counts entities per state now, transitions fired, and refusals by state and event', () => {
    const tally = tallyMoves(
      moves([
        { entity: 'order:1', from: null, event: 'checkout', to: 'created' },
        { entity: 'order:2', from: null, event: 'checkout', to: 'created' },
        { entity: 'order:1', from: 'created', event: 'pay', to: 'paid' },
        { entity: 'order:2', from: 'created', event: 'ship', to: null },
        { entity: 'order:2', from: 'created', event: 'ship', to: null },
        { entity: 'order:1', from: 'paid', event: 'ship', to: 'shipped' },
      ]),
    );
    expect(tally.occupancy).toEqual({ created: 1, shipped: 1 });
    expect(tally.fired[transitionKey('created', 'pay', 'paid')]).toEqual({ count: 1, lastVt: 20 });
    expect(tally.fired[transitionKey('paid', 'ship', 'shipped')]).toEqual({ count: 1, lastVt: 50 });
    expect(tally.refused).toEqual([{ state: 'created', event: 'ship', count: 2 }]);
  });
});
