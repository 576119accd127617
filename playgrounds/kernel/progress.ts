import type { TraceEvent } from './trace.ts';

/** One point of a progress series: how far `actor` had got at `vt`. */
export interface ProgressPoint {
  vt: number;
  actor: string;
  value: number;
}

/** Work a crash threw away: done in memory since `sinceVt`, gone at `crashVt`. */
export interface LostWork {
  actor: string;
  /** When the lost work began: the last durable save by this process, or its (re)start. */
  sinceVt: number;
  crashVt: number;
  /** How far the process had got in memory, and how far was durable, when it crashed. */
  workedAtCrash: number;
  savedAtCrash: number;
}

/** The progress chart's data, computed from the trace alone. */
export interface ProgressAnalysis {
  /** One run of `worked` points per process incarnation: a crash ends a run, a restart begins one. */
  worked: ProgressPoint[][];
  /** Durable progress over time, whoever saved it. */
  saved: ProgressPoint[];
  losses: LostWork[];
}

/**
 * Reads `progress` events (the `worked` and `saved` series a pattern names) and crashes out of
 * a trace. Lost work is measured as the pattern itself would pay for it: everything a process
 * had worked through since it last saved (or started) is gone when it crashes.
 */
export function analyseProgress(events: readonly TraceEvent[], series: { worked: string; saved: string }): ProgressAnalysis {
  const worked: ProgressPoint[][] = [];
  const saved: ProgressPoint[] = [];
  const losses: LostWork[] = [];
  let durable = 0;
  const stints = new Map<string, { points: ProgressPoint[]; sinceVt: number; value: number }>();
  for (const event of events) {
    if (event.kind === 'progress' && event.value !== undefined) {
      const point = { vt: event.vt, actor: event.actor, value: event.value };
      if (event.series === series.saved) {
        durable = event.value;
        saved.push(point);
        const stint = stints.get(event.actor);
        if (stint) stint.sinceVt = event.vt;
      } else if (event.series === series.worked) {
        let stint = stints.get(event.actor);
        if (!stint) {
          stint = { points: [], sinceVt: event.vt, value: event.value };
          stints.set(event.actor, stint);
          worked.push(stint.points);
        }
        stint.points.push(point);
        stint.value = event.value;
      }
    } else if (event.kind === 'crash') {
      const stint = stints.get(event.actor);
      if (!stint) continue;
      // The line runs on at its last value until the crash, where the memory is gone.
      stint.points.push({ vt: event.vt, actor: event.actor, value: stint.value });
      losses.push({ actor: event.actor, sinceVt: stint.sinceVt, crashVt: event.vt, workedAtCrash: stint.value, savedAtCrash: durable });
      stints.delete(event.actor);
    }
  }
  return { worked, saved, losses };
}

/** Totals over every crash: time of work thrown away, and how much of it was past the durable point. */
export function totalLoss(losses: readonly LostWork[]): { crashes: number; lostMs: number; lostUnits: number } {
  return {
    crashes: losses.length,
    lostMs: losses.reduce((sum, loss) => sum + (loss.crashVt - loss.sinceVt), 0),
    lostUnits: losses.reduce((sum, loss) => sum + Math.max(0, loss.workedAtCrash - loss.savedAtCrash), 0),
  };
}
