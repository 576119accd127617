import type { StatechartSpec } from '../kernel/pattern.ts';
import type { StateMove } from '../kernel/trace.ts';
import { sagaStatechart, sagaStatus, sagaStep, type SagaSnapshot } from './machine.ts';

/**
 * The saga machine as the playground's statechart view draws it: one box per step done or
 * undone, the three confirmations as one box, and the four "escalated" states as one queue for
 * the human. The view counts trips per box from the orchestrator's `ctx.moved` reports, which
 * name these same boxes.
 */

const LABELS: Readonly<Record<string, string>> = {
  'running.flight': 'Book flight',
  'running.hotel': 'Book hotel',
  'running.car': 'Book car',
  'running.payment': 'Charge card (pivot)',
  confirming: 'Confirm all three',
  completed: 'Completed',
  'compensating.payment': 'Refund card',
  'compensating.car': 'Cancel car',
  'compensating.hotel': 'Cancel hotel',
  'compensating.flight': 'Cancel flight',
  failed_needs_human: 'Needs a human',
  compensated: 'Compensated',
};

/** The box of a state of the machine (`trip.compensating.car.retrying` is `compensating.car`), or null for a group. */
function boxOf(stateId: string): string | null {
  const [, top, step, sub] = stateId.split('.');
  if (top === undefined) return null;
  if (top !== 'running' && top !== 'compensating') return top;
  if (step === undefined) return null;
  return sub === 'escalated' ? 'failed_needs_human' : `${top}.${step}`;
}

/** The box a saga is in. */
export function sagaBox(snapshot: SagaSnapshot): string {
  const status = sagaStatus(snapshot);
  const step = sagaStep(snapshot);
  return (status === 'running' || status === 'compensating') && step ? `${status}.${step}` : status;
}

function buildChart(): StatechartSpec {
  const machine = sagaStatechart();
  const boxes = [...new Set(machine.states.map((s) => boxOf(s.id)).filter((box) => box !== null))];
  const seen = new Set<string>();
  const transitions = machine.transitions.flatMap((t) => {
    const from = boxOf(t.from);
    const to = boxOf(t.to);
    const key = `${from} ${t.event} ${to}`;
    if (from === null || to === null || from === to || seen.has(key)) return [];
    seen.add(key);
    // XState calls the end of a parallel state "done"; here it is the last confirmation.
    return [{ from, event: t.event === 'done' ? 'all confirmed' : t.event, to }];
  });
  return {
    title: 'The trip saga, as the orchestrator keeps it',
    entities: 'trips',
    initial: 'running.flight',
    states: boxes.map((id) => ({
      id,
      label: LABELS[id] ?? id,
      final: id === 'completed' || id === 'compensated',
      ...(id.includes('.') ? { group: id.split('.')[0] } : {}),
    })),
    transitions,
  };
}

/** The statechart of the orchestration variant, as plain data. */
export const SAGA_STATECHART: StatechartSpec = buildChart();

/**
 * What to report to the statechart view when a saga's event was applied: null for a move inside
 * a box (one confirmation of three), a refused move when the machine ignored the event (`to`
 * null), else the move under the name its arrow carries in the chart.
 */
export function sagaMove(entity: string, from: string, event: string, to: string | null): StateMove | null {
  if (to === from) return null;
  if (to === null) return { entity, from, event, to };
  const arrow = SAGA_STATECHART.transitions.find((t) => t.from === from && t.to === to);
  return { entity, from, event: arrow?.event ?? event, to };
}
