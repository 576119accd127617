import type { Fault, FaultCatalog } from './faults.ts';
import type { Random } from './random.ts';

/** Shapes of random schedules, in whole milliseconds. */
export interface ScheduleShape {
  /** Faults fire inside [0, windowMs). */
  windowMs: number;
  maxFaults: number;
  /** Message faults pick among the first `maxNth` messages of a channel. */
  maxNth: number;
  /** Pauses, partitions and slowdowns last up to this long. */
  maxOutageMs: number;
}

/**
 * A random fault plan over a pattern's catalog, for sweeps: a mix of crashes at named points
 * and at random times, lost, duplicated, delayed and unacknowledged messages, pauses, slow
 * processes, partitions and business refusals. It is drawn from its own stream, so the plan
 * for a seed never changes when the pattern's code does.
 */
export function randomPlan(random: Random, catalog: FaultCatalog, shape: ScheduleShape): Fault[] {
  const plan: Fault[] = [];
  const count = random.int(1, shape.maxFaults);
  const at = () => random.int(0, shape.windowMs - 1);
  const outage = () => random.int(50, shape.maxOutageMs);
  const nth = () => ({ nth: random.int(1, shape.maxNth) });
  for (let i = 0; i < count; i++) {
    const process = random.pick(catalog.processes);
    const channel = random.pick(catalog.channels);
    switch (random.int(0, 9)) {
      case 0:
      case 1:
        if (process.crashPoints.length > 0) {
          plan.push({ kind: 'crash', process: process.name, trigger: { point: random.pick(process.crashPoints), hit: random.int(1, 3) } });
          break;
        }
        plan.push({ kind: 'crash', process: process.name, trigger: { atMs: at() } });
        break;
      case 2:
        plan.push({ kind: 'crash', process: process.name, trigger: { atMs: at() } });
        break;
      case 3:
        plan.push({ kind: random.pick(['drop', 'dup', 'lose-ack', 'reorder'] as const), channel, trigger: nth() });
        break;
      case 4:
        plan.push({ kind: 'delay', channel, trigger: nth(), durationMs: outage() });
        break;
      case 5:
        plan.push({ kind: 'pause', process: process.name, atMs: at(), durationMs: outage() });
        break;
      case 6: {
        // Cut a process off from a service it talks to; two processes that share only the
        // database have no link between them to cut.
        const processNames = new Set(catalog.processes.map((p) => p.name));
        const other = random.pick(catalog.nodes.filter((node) => !processNames.has(node)));
        plan.push({ kind: 'partition', a: process.name, b: other, atMs: at(), durationMs: outage() });
        break;
      }
      case 8: {
        // A business refusal where the process has decisions to refuse; elsewhere, slowness.
        const decisions = process.refusalPoints ?? [];
        if (decisions.length > 0) {
          plan.push({ kind: 'refuse', process: process.name, trigger: { point: random.pick(decisions), hit: random.int(1, 3) } });
          break;
        }
        plan.push({ kind: 'slow', process: process.name, atMs: at(), durationMs: outage() });
        break;
      }
      case 9:
        plan.push({ kind: 'slow', process: process.name, atMs: at(), durationMs: outage() });
        break;
      default:
        plan.push({ kind: random.pick(['drop', 'dup', 'lose-ack'] as const), channel, trigger: { afterMs: at() } });
    }
  }
  return plan;
}
