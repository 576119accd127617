/**
 * The discrete-event queue: a binary heap ordered by virtual time, then by a seeded random
 * priority, then by insertion order. The random priority decides which of several things due
 * at the same instant goes first, so interleavings vary from seed to seed but never from run
 * to run.
 */

export interface ScheduledEvent {
  vt: number;
  priority: number;
  order: number;
  /** Runs the event; the scheduler waits for the returned promise before the next event. */
  run: () => Promise<void> | void;
}

function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  if (a.vt !== b.vt) return a.vt < b.vt;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.order < b.order;
}

export class EventQueue {
  private readonly heap: ScheduledEvent[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(event: ScheduledEvent): void {
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  peek(): ScheduledEvent | undefined {
    return this.heap[0];
  }

  pop(): ScheduledEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}
