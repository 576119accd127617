import { describe, expect, it } from 'vitest';
import {
  advanceSaga,
  pendingCommands,
  restoreSaga,
  sagaStatechart,
  sagaStatus,
  sagaStep,
  startSaga,
  type SagaEvent,
  type SagaSnapshot,
} from '../../playgrounds/saga/machine.ts';

const run = (...events: Array<SagaEvent['type']>): SagaSnapshot =>
  events.reduce((s, type) => advanceSaga(s, { type } as SagaEvent), startSaga());
const owed = (snapshot: SagaSnapshot) => pendingCommands(snapshot).map((c) => `${c.action} ${c.service}`);

/** Answers every undo the saga asks for, and returns the undos in the order they were asked. */
function undoAll(snapshot: SagaSnapshot): string[] {
  const asked: string[] = [];
  for (let s = snapshot; sagaStatus(s) === 'compensating';) {
    const [undo] = pendingCommands(s);
    asked.push(`${undo!.action} ${undo!.service}`);
    s = advanceSaga(s, { type: `${undo!.service}.${undo!.action === 'refund' ? 'refunded' : 'cancelled'}` });
  }
  return asked;
}

describe('the trip saga machine', () => {
  it('books flight, hotel and car, charges the card, then confirms all three at once', () => {
    expect(owed(startSaga())).toEqual(['book flight']);
    expect(owed(run('flight.booked'))).toEqual(['book hotel']);
    expect(owed(run('flight.booked', 'hotel.booked', 'car.booked'))).toEqual(['charge payment']);
    const charged = run('flight.booked', 'hotel.booked', 'car.booked', 'payment.charged');
    expect(sagaStatus(charged)).toBe('confirming');
    expect(owed(charged).sort()).toEqual(['confirm car', 'confirm flight', 'confirm hotel']);
    const done = ['flight.confirmed', 'car.confirmed', 'hotel.confirmed'] as const;
    expect(sagaStatus(done.reduce((s, type) => advanceSaga(s, { type }), charged))).toBe('completed');
  });

  it('undoes what was done, newest first, when a step is refused', () => {
    expect(sagaStatus(run('flight.refused'))).toBe('compensated');
    expect(undoAll(run('flight.booked', 'hotel.refused'))).toEqual(['cancel flight']);
    expect(undoAll(run('flight.booked', 'hotel.booked', 'car.refused'))).toEqual(['cancel hotel', 'cancel flight']);
    const declined = run('flight.booked', 'hotel.booked', 'car.booked', 'payment.declined');
    expect(undoAll(declined)).toEqual(['cancel car', 'cancel hotel', 'cancel flight']);
  });

  it('at the deadline also undoes the step whose answer never came, since it may have happened', () => {
    expect(undoAll(run('flight.booked', 'deadline.passed'))).toEqual(['cancel hotel', 'cancel flight']);
    const inDoubt = run('flight.booked', 'hotel.booked', 'car.booked', 'deadline.passed');
    expect(undoAll(inDoubt)).toEqual(['refund payment', 'cancel car', 'cancel hotel', 'cancel flight']);
  });

  it('goes only forward past the pivot: the deadline and late refusals change nothing', () => {
    const charged = run('flight.booked', 'hotel.booked', 'car.booked', 'payment.charged');
    for (const type of ['deadline.passed', 'hotel.refused', 'payment.declined'] as const) {
      expect(advanceSaga(charged, { type }).value).toEqual(charged.value);
    }
  });

  it('ignores late answers to steps it has moved past', () => {
    const compensating = run('flight.booked', 'hotel.booked', 'deadline.passed');
    expect(advanceSaga(compensating, { type: 'car.booked' }).value).toEqual(compensating.value);
    expect(advanceSaga(compensating, { type: 'hotel.booked' }).value).toEqual(compensating.value);
  });

  it('hands an undo that keeps failing to a human, and sends it again when the human re-drives it', () => {
    const escalated = run('flight.booked', 'hotel.refused', 'compensation.escalated');
    expect(sagaStatus(escalated)).toBe('failed_needs_human');
    expect(sagaStep(escalated)).toBe('flight');
    expect(owed(escalated)).toEqual([]);
    const redriven = advanceSaga(escalated, { type: 'compensation.redriven' });
    expect(sagaStatus(redriven)).toBe('compensating');
    expect(owed(redriven)).toEqual(['cancel flight']);
    // A success that arrives while a human holds the undo still counts.
    expect(sagaStatus(advanceSaga(escalated, { type: 'flight.cancelled' }))).toBe('compensated');
  });

  it('restores from the JSON of its state value, as stored in the sagas table', () => {
    const states = [startSaga(), run('flight.booked', 'hotel.booked', 'car.booked', 'payment.charged', 'hotel.confirmed')];
    states.push(run('flight.booked', 'hotel.booked', 'car.refused', 'compensation.escalated'));
    for (const snapshot of states) {
      const restored = restoreSaga(JSON.parse(JSON.stringify(snapshot.value)) as SagaSnapshot['value']);
      expect(owed(restored)).toEqual(owed(snapshot));
      expect(sagaStatus(restored)).toBe(sagaStatus(snapshot));
    }
  });
});

describe('the statechart data for the page', () => {
  const chart = sagaStatechart();

  it('is plain data: it survives a JSON round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(chart))).toEqual(chart);
  });

  it('links only states it lists, and names the command of every state that sends one', () => {
    const ids = new Set(chart.states.map((s) => s.id));
    for (const t of chart.transitions) {
      expect(ids.has(t.from)).toBe(true);
      expect(ids.has(t.to)).toBe(true);
    }
    const commands = chart.states.flatMap((s) => (s.command ? [`${s.command.action} ${s.command.service}`] : []));
    expect(commands.sort()).toEqual(
      [
        'book flight',
        'book hotel',
        'book car',
        'charge payment',
        'confirm flight',
        'confirm hotel',
        'confirm car',
        'refund payment',
        'cancel car',
        'cancel hotel',
        'cancel flight',
      ].sort(),
    );
    expect(chart.states.filter((s) => s.needsHuman)).toHaveLength(4);
  });

  it('draws the undo chain newest first, ending in compensated', () => {
    const next = (from: string) => chart.transitions.find((t) => t.from === from && /\.(cancelled|refunded)$/.test(t.event))?.to;
    const chain = ['trip.compensating.payment'];
    for (let at = next(chain[0]!); at; at = next(at)) chain.push(at);
    expect(chain).toEqual([
      'trip.compensating.payment',
      'trip.compensating.car',
      'trip.compensating.hotel',
      'trip.compensating.flight',
      'trip.compensated',
    ]);
    expect(chart.transitions).toContainEqual({ from: 'trip.confirming', event: 'done', to: 'trip.completed' });
  });
});
