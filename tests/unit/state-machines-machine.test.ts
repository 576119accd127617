import { describe, expect, it } from 'vitest';
import { stateMachinesPattern } from '../../playgrounds/state-machines/index.ts';
import {
  allowedTransitions,
  deadlineStates,
  DEFAULT_DEADLINES_MS,
  machineFor,
  nextStep,
  orderMachine,
  statechartOf,
  statesOf,
} from '../../playgrounds/state-machines/machine.ts';

describe('the order machine', () => {
  it('starts in created and accepts only checkout there', () => {
    expect(statechartOf(orderMachine).initial).toBe('created');
    expect(nextStep(orderMachine, 'created', 'checkout')).toEqual({ to: 'payment_pending', effects: ['charge'] });
    expect(nextStep(orderMachine, 'created', 'cancel')).toBeNull();
  });

  it('asks for the effect of the state it enters: a refund when a paid order is cancelled', () => {
    expect(nextStep(orderMachine, 'paid', 'cancel')).toEqual({ to: 'refund_pending', effects: ['refund'] });
    expect(nextStep(orderMachine, 'reserved', 'ship')).toEqual({ to: 'shipped', effects: ['ship'] });
    expect(nextStep(orderMachine, 'reserved', 'cancel')).toEqual({ to: 'cancel_requested', effects: [] });
  });

  it('refuses what a state cannot take: a cancel after shipping, a second payment, a ship after a cancel', () => {
    expect(nextStep(orderMachine, 'shipped', 'cancel')).toBeNull();
    expect(nextStep(orderMachine, 'paid', 'payment_succeeded')).toBeNull();
    expect(nextStep(orderMachine, 'cancel_requested', 'ship')).toBeNull();
  });

  it('sends a payment that arrives after the shop gave up to a refund', () => {
    expect(nextStep(orderMachine, 'failed', 'payment_succeeded')?.to).toBe('refund_pending');
    expect(nextStep(orderMachine, 'cancelled', 'payment_succeeded')?.to).toBe('refund_pending');
  });

  it('gives a deadline exactly to the states the sweeper can time out', () => {
    const withTimeout = allowedTransitions(orderMachine)
      .filter((edge) => edge.event === 'timeout')
      .map((edge) => edge.from);
    expect(deadlineStates(orderMachine).map((d) => d.state)).toEqual(withTimeout);
    expect(withTimeout).toEqual(['payment_pending', 'reserved', 'cancel_requested']);
  });

  it("takes a run's deadline lengths without changing the shared definition", () => {
    const machine = machineFor({ paymentTimeout: 5_000, warehouseTimeout: 700 });
    expect(deadlineStates(machine)).toEqual([
      { state: 'payment_pending', deadlineMs: 5_000 },
      { state: 'reserved', deadlineMs: 700 },
      { state: 'cancel_requested', deadlineMs: 700 },
    ]);
    expect(deadlineStates(orderMachine)[0]!.deadlineMs).toBe(DEFAULT_DEADLINES_MS.paymentTimeout);
  });
});

describe('statechartOf', () => {
  const chart = statechartOf(orderMachine);

  it('is plain data: it survives a JSON round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(chart))).toEqual(chart);
  });

  it('lists every state once, with its label, finality, deadline and effects', () => {
    expect(chart.states.map((s) => s.id)).toEqual(statesOf(orderMachine));
    expect(chart.states.filter((s) => s.final).map((s) => s.id)).toEqual(['shipped', 'refunded']);
    expect(chart.states.find((s) => s.id === 'payment_pending')).toMatchObject({
      label: 'Payment pending',
      deadlineMs: DEFAULT_DEADLINES_MS.paymentTimeout,
      effects: ['charge'],
    });
    expect(chart.states.find((s) => s.id === 'paid')).not.toHaveProperty('deadlineMs');
  });

  it('has one edge per transition of the machine, each between known states', () => {
    const ids = new Set(chart.states.map((s) => s.id));
    expect(chart.transitions).toEqual(allowedTransitions(orderMachine));
    for (const edge of chart.transitions) {
      expect(ids.has(edge.from) && ids.has(edge.to)).toBe(true);
      expect(nextStep(orderMachine, edge.from, edge.event)?.to).toBe(edge.to);
    }
  });

  it('reads every state as a legal cell of the flag grid: never paid and failed, never shipped and cancelled', () => {
    for (const { id, flags } of chart.states) {
      expect({ id, paidAndFailed: flags.paid && flags.failed }).toEqual({ id, paidAndFailed: false });
      expect({ id, shippedAndCancelled: flags.shipped && flags.cancelled }).toEqual({ id, shippedAndCancelled: false });
      if (flags.shipped || flags.refunded) expect({ id, paid: flags.paid }).toEqual({ id, paid: true });
    }
  });
});

describe('the statechart the playground draws', () => {
  it('is the machine itself for the machine variants, and absent for the flags, which have no machine', () => {
    const charts = stateMachinesPattern.statecharts ?? {};
    expect(Object.keys(charts).sort()).toEqual(['correct', 'no-compare-and-set', 'no-sweeper']);
    expect(charts.correct).toMatchObject({ entities: 'orders', ...statechartOf(orderMachine) });
  });
});
