import type { EntityLanesSpec } from './pattern.ts';
import type { TraceEvent } from './trace.ts';

/** One entity's lane: its steps in time order, by kind. */
export interface EntityLane {
  id: number;
  steps: Array<{ seq: number; vt: number; kind: EntityLanesSpec['steps'][number]['kind']; label: string }>;
}

/** Sorts the trace's transactions into one lane per entity, keeping those that match a step of the spec. */
export function entityLanes(events: readonly TraceEvent[], spec: EntityLanesSpec): EntityLane[] {
  const matchers = spec.steps.map((step) => ({ kind: step.kind, pattern: new RegExp(step.pattern) }));
  const ignore = spec.ignore === undefined ? undefined : new RegExp(spec.ignore);
  const lanes = new Map<number, EntityLane>();
  for (const event of events) {
    if ((event.kind !== 'commit' && event.kind !== 'read') || ignore?.test(event.label)) continue;
    const kind = matchers.find((m) => m.pattern.test(event.label))?.kind;
    if (!kind) continue;
    for (const ref of event.refs ?? []) {
      if (!ref.startsWith(spec.refPrefix)) continue;
      const id = Number(ref.slice(spec.refPrefix.length));
      if (!Number.isInteger(id)) continue;
      let lane = lanes.get(id);
      if (!lane) lanes.set(id, (lane = { id, steps: [] }));
      lane.steps.push({ seq: event.seq, vt: event.vt, kind, label: event.label });
    }
  }
  return [...lanes.values()].sort((a, b) => a.id - b.id);
}
