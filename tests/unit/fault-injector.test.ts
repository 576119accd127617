import { describe, expect, it } from 'vitest';
import { FaultInjector, type TimedAction } from '../../playgrounds/kernel/fault-injector.ts';
import { parsePlan } from '../../playgrounds/kernel/faults.ts';
import { RandomStreams } from '../../playgrounds/kernel/random.ts';

function injector(plan: string, options: { windowEndMs?: number; seed?: number; streams?: RandomStreams } = {}): FaultInjector {
  const parsed = parsePlan(plan);
  if (!parsed.ok) throw new Error(parsed.error);
  return new FaultInjector(parsed.value, options.streams ?? new RandomStreams(options.seed ?? 1), options.windowEndMs ?? 10_000);
}

function allTimed(faults: FaultInjector): TimedAction[] {
  const actions: TimedAction[] = [];
  for (let action = faults.takeTimed(); action; action = faults.takeTimed()) actions.push(action);
  return actions;
}

function crashTimes(faults: FaultInjector, process?: string): number[] {
  return allTimed(faults)
    .filter((action) => action.kind === 'crash' && (process === undefined || action.process === process))
    .map((action) => action.atMs);
}

describe('FaultInjector: crash points', () => {
  it('crashes a process at the Nth pass through the named point, and only then', () => {
    const faults = injector('crash:relay-1@after_claim*3');
    const passes = Array.from({ length: 5 }, () => faults.crashAtPoint('relay-1', 'after_claim', 100));
    expect(passes).toEqual([undefined, undefined, 'crash:relay-1@after_claim*3', undefined, undefined]);
  });

  it('crashes at the first pass when no count is given', () => {
    const faults = injector('crash:relay-1@after_claim');
    expect(faults.crashAtPoint('relay-1', 'after_claim', 0)).toBe('crash:relay-1@after_claim');
    expect(faults.crashAtPoint('relay-1', 'after_claim', 0)).toBeUndefined();
  });

  it('counts passes separately for each process and each point', () => {
    const faults = injector('crash:relay-1@after_claim*2');
    expect(faults.crashAtPoint('relay-2', 'after_claim', 0)).toBeUndefined();
    expect(faults.crashAtPoint('relay-1', 'after_publish_before_mark', 0)).toBeUndefined();
    expect(faults.crashAtPoint('relay-1', 'after_claim', 0)).toBeUndefined();
    expect(faults.crashAtPoint('relay-2', 'after_claim', 0)).toBeUndefined();
    expect(faults.crashAtPoint('relay-1', 'after_claim', 0)).toBe('crash:relay-1@after_claim*2');
  });

  it('does not crash at a point at or after the end of the fault window', () => {
    expect(injector('crash:relay-1@after_claim', { windowEndMs: 1_000 }).crashAtPoint('relay-1', 'after_claim', 999)).toBeDefined();
    expect(injector('crash:relay-1@after_claim', { windowEndMs: 1_000 }).crashAtPoint('relay-1', 'after_claim', 1_000)).toBeUndefined();
    expect(injector('crash:relay-1@after_claim', { windowEndMs: 1_000 }).crashAtPoint('relay-1', 'after_claim', 5_000)).toBeUndefined();
  });
});

describe('FaultInjector: message faults', () => {
  const clean = { drop: false, duplicate: false, loseReply: false, delayMs: 0, hold: false, released: [], fired: [] };

  it('hits the Nth message on its channel and no other', () => {
    const faults = injector('drop:publish*2');
    expect(faults.messageFate('publish', 0)).toEqual(clean);
    expect(faults.messageFate('deliver', 0)).toEqual(clean);
    expect(faults.messageFate('publish', 0)).toEqual({ ...clean, drop: true, fired: ['drop:publish*2'] });
    expect(faults.messageFate('publish', 0)).toEqual(clean);
  });

  it('counts messages per channel', () => {
    const faults = injector('dup:deliver*2');
    faults.messageFate('publish', 0);
    faults.messageFate('publish', 0);
    expect(faults.messageFate('deliver', 0).duplicate).toBe(false);
    expect(faults.messageFate('deliver', 0).duplicate).toBe(true);
  });

  it('hits the first message sent strictly after the time, once', () => {
    const faults = injector('lose-ack:publish@1s');
    expect(faults.messageFate('publish', 500).loseReply).toBe(false);
    expect(faults.messageFate('publish', 1_000).loseReply).toBe(false);
    expect(faults.messageFate('publish', 1_001)).toEqual({ ...clean, loseReply: true, fired: ['lose-ack:publish@1s'] });
    expect(faults.messageFate('publish', 1_500).loseReply).toBe(false);
  });

  it('applies every fault that matches one message', () => {
    const faults = injector('dup:publish*1,delay:publish*1+300ms,delay:publish@0s+200ms,drop:ack*1');
    expect(faults.messageFate('publish', 10)).toEqual({
      drop: false,
      duplicate: true,
      loseReply: false,
      delayMs: 500,
      hold: false,
      released: [],
      fired: ['dup:publish*1', 'delay:publish*1+300ms', 'delay:publish@0s+200ms'],
    });
  });

  it('does not touch messages sent at or after the end of the fault window', () => {
    const faults = injector('drop:publish@500ms,dup:deliver*1', { windowEndMs: 1_000 });
    expect(faults.messageFate('publish', 1_000)).toEqual(clean);
    expect(faults.messageFate('deliver', 1_000)).toEqual(clean);
    expect(faults.messageFate('publish', 2_000)).toEqual(clean);
  });

  it('fires faults added during the run', () => {
    const faults = injector('');
    faults.addMessageFault({ kind: 'drop', channel: 'publish', trigger: { afterMs: 300 } });
    expect(faults.messageFate('publish', 300).drop).toBe(false);
    expect(faults.messageFate('publish', 301).drop).toBe(true);
  });
});

describe('FaultInjector: partitions', () => {
  it('cuts the link in both directions for its interval only', () => {
    const faults = injector('partition:relay-1~broker@1s+2s');
    const cut = (a: string, b: string, at: number) => faults.isCut(a, b, at);
    expect([cut('relay-1', 'broker', 999), cut('broker', 'relay-1', 999)]).toEqual([false, false]);
    expect([cut('relay-1', 'broker', 1_000), cut('broker', 'relay-1', 1_000)]).toEqual([true, true]);
    expect([cut('relay-1', 'broker', 2_999), cut('broker', 'relay-1', 2_999)]).toEqual([true, true]);
    expect([cut('relay-1', 'broker', 3_000), cut('broker', 'relay-1', 3_000)]).toEqual([false, false]);
  });

  it('cuts only the named link', () => {
    const faults = injector('partition:relay-1~broker@1s+2s');
    expect(faults.isCut('relay-2', 'broker', 1_500)).toBe(false);
    expect(faults.isCut('relay-1', 'email', 1_500)).toBe(false);
  });

  it('heals every partition at the end of the fault window', () => {
    const faults = injector('partition:relay-1~broker@1s+20s', { windowEndMs: 5_000 });
    expect(faults.isCut('relay-1', 'broker', 4_999)).toBe(true);
    expect(faults.isCut('relay-1', 'broker', 5_000)).toBe(false);
  });

  it('cuts links added during the run', () => {
    const faults = injector('');
    faults.addPartition('broker', 'relay-2', 100, 50);
    expect([faults.isCut('relay-2', 'broker', 99), faults.isCut('relay-2', 'broker', 100), faults.isCut('relay-2', 'broker', 150)]).toEqual(
      [false, true, false],
    );
  });
});

describe('FaultInjector: timed faults', () => {
  it('lists timed crashes and pauses earliest first', () => {
    const faults = injector('crash:relay-1@3s,crash:relay-1@after_claim,pause:relay-2@1s+500ms,drop:publish*1');
    expect(faults.nextTimed()?.atMs).toBe(1_000);
    expect(allTimed(faults)).toEqual([
      { kind: 'pause', atMs: 1_000, process: 'relay-2', durationMs: 500, fault: 'pause:relay-2@1s+500ms' },
      { kind: 'crash', atMs: 3_000, process: 'relay-1', fault: 'crash:relay-1@3s' },
    ]);
    expect(faults.nextTimed()).toBeUndefined();
  });

  it('slots an added timed fault into time order', () => {
    const faults = injector('crash:relay-1@3s');
    faults.addTimed({ kind: 'crash', atMs: 2_000, process: 'relay-2', fault: 'crash:relay-2@2s' });
    expect(allTimed(faults).map((action) => action.process)).toEqual(['relay-2', 'relay-1']);
  });

  it('expands mtbf into crashes inside the fault window, about one per mean', () => {
    const times = crashTimes(injector('mtbf:relay-1+1s', { windowEndMs: 60_000 }));
    expect(times.length).toBeGreaterThan(30);
    expect(times.length).toBeLessThan(90);
    expect(times.every((t, i) => Number.isInteger(t) && t > 0 && t < 60_000 && (i === 0 || t > times[i - 1]!))).toBe(true);
  });

  it('expands mtbf the same way for the same seed, and differently for another seed', () => {
    const plan = 'mtbf:relay-1+500ms';
    expect(crashTimes(injector(plan, { seed: 5 }))).toEqual(crashTimes(injector(plan, { seed: 5 })));
    expect(crashTimes(injector(plan, { seed: 5 }))).not.toEqual(crashTimes(injector(plan, { seed: 6 })));
  });

  it('expands mtbf independently of other random draws and of other faults', () => {
    const alone = crashTimes(injector('mtbf:relay-1+500ms', { seed: 9 }));
    const streams = new RandomStreams(9);
    for (let i = 0; i < 100; i++) streams.stream('workload').nextUint32();
    expect(crashTimes(injector('mtbf:relay-1+500ms', { streams }))).toEqual(alone);
    expect(crashTimes(injector('mtbf:relay-2+300ms,mtbf:relay-1+500ms,crash:relay-1@after_claim', { seed: 9 }), 'relay-1')).toEqual(alone);
  });

  it('expands mtbf with a longer window as an extension of the shorter one', () => {
    const short = crashTimes(injector('mtbf:relay-1+500ms', { windowEndMs: 5_000 }));
    const long = crashTimes(injector('mtbf:relay-1+500ms', { windowEndMs: 20_000 }));
    expect(long.slice(0, short.length)).toEqual(short);
    expect(long[short.length]).toBeGreaterThanOrEqual(5_000);
  });
});
