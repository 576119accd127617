import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, type ScheduledEvent } from '../../playgrounds/kernel/queue.ts';

function event(vt: number, priority: number, order: number): ScheduledEvent {
  return { vt, priority, order, run: () => {} };
}

function key(e: ScheduledEvent): [number, number, number] {
  return [e.vt, e.priority, e.order];
}

function popAll(queue: EventQueue): ScheduledEvent[] {
  const out: ScheduledEvent[] = [];
  for (let e = queue.pop(); e; e = queue.pop()) out.push(e);
  return out;
}

function compareKeys(a: ScheduledEvent, b: ScheduledEvent): number {
  return a.vt - b.vt || a.priority - b.priority || a.order - b.order;
}

describe('EventQueue', () => {
  it('pops the earliest virtual time first, whatever the insertion order', () => {
    const queue = new EventQueue();
    queue.push(event(30, 0, 0));
    queue.push(event(10, 0, 1));
    queue.push(event(20, 0, 2));
    expect(popAll(queue).map((e) => e.vt)).toEqual([10, 20, 30]);
  });

  it('breaks ties at one instant by priority, then by insertion order', () => {
    const queue = new EventQueue();
    queue.push(event(5, 9, 0));
    queue.push(event(5, 1, 1));
    queue.push(event(5, 1, 2));
    queue.push(event(4, 99, 3));
    expect(popAll(queue).map(key)).toEqual([
      [4, 99, 3],
      [5, 1, 1],
      [5, 1, 2],
      [5, 9, 0],
    ]);
  });

  it('peeks at the next event without removing it, and counts what is left', () => {
    const queue = new EventQueue();
    expect(queue.peek()).toBeUndefined();
    expect(queue.pop()).toBeUndefined();
    queue.push(event(2, 0, 0));
    queue.push(event(1, 0, 1));
    expect(queue.peek()?.vt).toBe(1);
    expect(queue.size).toBe(2);
    expect(queue.pop()?.vt).toBe(1);
    expect(queue.size).toBe(1);
    expect(queue.pop()?.vt).toBe(2);
    expect(queue.size).toBe(0);
  });

  it('pops everything it was given in (vt, priority, order) order', () => {
    const entries = fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 5 })), { maxLength: 200 });
    fc.assert(
      fc.property(entries, (pairs) => {
        const queue = new EventQueue();
        const pushed = pairs.map(([vt, priority], order) => event(vt, priority, order));
        for (const e of pushed) queue.push(e);
        const popped = popAll(queue);
        expect(popped.map(key)).toEqual([...pushed].sort(compareKeys).map(key));
      }),
    );
  });

  it('agrees with a sorted list under any mix of pushes and pops', () => {
    const operation = fc.oneof(
      fc.record({ op: fc.constant('push' as const), vt: fc.integer({ min: 0, max: 20 }), priority: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ op: fc.constant('pop' as const) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 150 }), (operations) => {
        const queue = new EventQueue();
        const model: ScheduledEvent[] = [];
        let order = 0;
        for (const operation of operations) {
          if (operation.op === 'push') {
            const e = event(operation.vt, operation.priority, order++);
            queue.push(e);
            model.push(e);
            model.sort(compareKeys);
          } else {
            expect(queue.pop()).toBe(model.shift());
          }
          expect(queue.size).toBe(model.length);
          expect(queue.peek()).toBe(model[0]);
        }
      }),
    );
  });
});
