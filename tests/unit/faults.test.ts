import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkPlanAgainst,
  formatMs,
  formatPlan,
  parsePlan,
  PLAN_LIMITS,
  type Fault,
  type FaultCatalog,
} from '../../playgrounds/kernel/faults.ts';

// Arbitraries that respect the grammar: what a plan can hold.
const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,39}$/);
const timeMs = fc.integer({ min: 0, max: PLAN_LIMITS.timeMs });
const nth = fc.integer({ min: 1, max: PLAN_LIMITS.nth });
const messageTrigger = fc.oneof(fc.record({ nth }), fc.record({ afterMs: timeMs }));

const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({
    kind: fc.constant('crash' as const),
    process: name,
    trigger: fc.oneof(fc.record({ point: name, hit: nth }), fc.record({ atMs: timeMs })),
  }),
  fc.record({ kind: fc.constantFrom('pause' as const, 'slow' as const), process: name, atMs: timeMs, durationMs: timeMs }),
  fc.record({ kind: fc.constant('refuse' as const), process: name, trigger: fc.record({ point: name, hit: nth }) }),
  fc.record({ kind: fc.constantFrom('drop' as const, 'dup' as const, 'lose-ack' as const), channel: name, trigger: messageTrigger }),
  fc.record({ kind: fc.constant('delay' as const), channel: name, trigger: messageTrigger, durationMs: timeMs }),
  fc
    .record({ kind: fc.constant('partition' as const), a: name, b: name, atMs: timeMs, durationMs: timeMs })
    .filter((partition) => partition.a !== partition.b),
  fc.record({ kind: fc.constant('mtbf' as const), process: name, meanMs: fc.integer({ min: 100, max: PLAN_LIMITS.timeMs }) }),
);

// Twelve of the longest faults still fit in the 2000-character limit.
const plan = fc.array(fault, { maxLength: 12 });

function parsed(text: string): Fault[] {
  const result = parsePlan(text);
  if (!result.ok) throw new Error(`expected "${text}" to parse, got: ${result.error}`);
  return result.value;
}

function errorOf(text: string): string {
  const result = parsePlan(text);
  if (result.ok) throw new Error(`expected "${text}" to be rejected, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('parsePlan and formatPlan', () => {
  it('reads back every plan it writes', () => {
    fc.assert(
      fc.property(plan, (faults) => {
        expect(parsePlan(formatPlan(faults))).toEqual({ ok: true, value: faults });
      }),
    );
  });

  it('writes each plan in one canonical form', () => {
    fc.assert(
      fc.property(plan, (faults) => {
        const text = formatPlan(faults);
        expect(formatPlan(parsed(text))).toBe(text);
      }),
    );
  });

  it('parses the examples of the grammar', () => {
    expect(parsed('crash:order-service@after_commit_before_publish')).toEqual([
      { kind: 'crash', process: 'order-service', trigger: { point: 'after_commit_before_publish', hit: 1 } },
    ]);
    expect(parsed('crash:relay-1@after_claim*3')).toEqual([
      { kind: 'crash', process: 'relay-1', trigger: { point: 'after_claim', hit: 3 } },
    ]);
    expect(parsed('crash:relay-1@1500ms')).toEqual([{ kind: 'crash', process: 'relay-1', trigger: { atMs: 1500 } }]);
    expect(parsed('lose-ack:publish*1')).toEqual([{ kind: 'lose-ack', channel: 'publish', trigger: { nth: 1 } }]);
    expect(parsed('drop:deliver@2.5s')).toEqual([{ kind: 'drop', channel: 'deliver', trigger: { afterMs: 2500 } }]);
    expect(parsed('delay:publish*2+300ms')).toEqual([{ kind: 'delay', channel: 'publish', trigger: { nth: 2 }, durationMs: 300 }]);
    expect(parsed('pause:relay-1@2s+4s')).toEqual([{ kind: 'pause', process: 'relay-1', atMs: 2000, durationMs: 4000 }]);
    expect(parsed('partition:relay-1~broker@1s+3s')).toEqual([
      { kind: 'partition', a: 'relay-1', b: 'broker', atMs: 1000, durationMs: 3000 },
    ]);
    expect(parsed('mtbf:relay-2+5s')).toEqual([{ kind: 'mtbf', process: 'relay-2', meanMs: 5000 }]);
    expect(parsed('slow:hotel@1s+800ms')).toEqual([{ kind: 'slow', process: 'hotel', atMs: 1000, durationMs: 800 }]);
    expect(parsed('refuse:hotel@book*2')).toEqual([{ kind: 'refuse', process: 'hotel', trigger: { point: 'book', hit: 2 } }]);
  });

  it.each([
    ['pause:relay-1@2000ms+1500ms', 'pause:relay-1@2s+1500ms'],
    ['drop:publish@0.5s', 'drop:publish@500ms'],
    ['crash:relay-1@after_claim*1', 'crash:relay-1@after_claim'],
    ['refuse:hotel@book*1', 'refuse:hotel@book'],
    ['slow:hotel@0.5s+0ms', 'slow:hotel@500ms+0s'],
    ['crash:relay-1@after_claim*007', 'crash:relay-1@after_claim*7'],
    ['  dup:deliver*2 ,  mtbf:relay-1+60000ms ', 'dup:deliver*2,mtbf:relay-1+60s'],
    ['none', ''],
    ['   ', ''],
  ])('writes "%s" canonically as "%s"', (text, canonical) => {
    expect(formatPlan(parsed(text))).toBe(canonical);
  });

  it('formats milliseconds as seconds only when they are whole seconds', () => {
    expect(formatMs(0)).toBe('0s');
    expect(formatMs(2000)).toBe('2s');
    expect(formatMs(2500)).toBe('2500ms');
    expect(formatMs(1)).toBe('1ms');
  });

  it('writes the empty plan as the empty string and reads it back', () => {
    expect(formatPlan([])).toBe('');
    expect(parsePlan('')).toEqual({ ok: true, value: [] });
  });
});

describe('parsePlan on bad input', () => {
  it.each([
    ['crash', 'must start with a kind'],
    ['explode:relay-1@after_claim', 'unknown fault kind "explode"'],
    ['crash:relay-1', 'must name a process and a point or time'],
    ['crash:@after_claim', 'must name a process and a point or time'],
    ['crash:Relay@after_claim', 'process "Relay" must be a lowercase name'],
    ['crash:relay-1@after_claim*0', 'must be between 1 and 100000'],
    ['crash:relay-1@after_claim*100001', 'must be between 1 and 100000'],
    ['crash:relay-1@after_claim*two', '"*two" must be a whole number'],
    ['crash:relay-1@2 s', 'must look like 1500ms or 2s'],
    ['crash:relay-1@1.5ms', 'must be a whole number of milliseconds'],
    ['crash:relay-1@86400001ms', 'longer than a day'],
    ['pause:relay-1@2s', 'needs a duration'],
    ['pause:relay-1+2s', 'needs a time'],
    ['pause:relay-1@2s+forever', 'duration "forever"'],
    ['drop:publish', 'must say which message'],
    ['drop:publish*1@2s', 'must say which message'],
    ['drop:*1', 'must say which message'],
    ['drop:publish*1+2s', 'must be a whole number'],
    ['dup:publish@2s+1s', 'must look like 1500ms or 2s'],
    ['delay:publish*1', 'needs a duration'],
    ['partition:relay-1@1s+1s', 'must name two ends'],
    ['partition:a~b~c@1s+1s', 'must name two ends'],
    ['partition:broker~broker@1s+1s', 'partitions a node from itself'],
    ['partition:~broker@1s+1s', 'node "" must be a lowercase name'],
    ['mtbf:relay-1', 'needs a duration'],
    ['slow:hotel@1s', 'needs a duration'],
    ['slow:hotel+1s', 'needs a time'],
    ['refuse:hotel', 'must name a process and a decision point'],
    ['refuse:hotel@book*2*3', '"*2*3" must be a whole number'],
    ['refuse:hotel@Book', 'decision point "Book" must be a lowercase name'],
    ['refuse:hotel@book+1s', 'decision point "book+1s" must be a lowercase name'],
    ['mtbf:relay-1+99ms', 'under 100ms'],
    ['crash:relay-1@after_claim,', '"" must start with a kind'],
    ['crash:relay-1@after_claim,,drop:publish*1', '"" must start with a kind'],
  ])('rejects "%s" saying %s', (text, message) => {
    expect(errorOf(text)).toContain(message);
  });

  it('accepts 32 faults but not 33', () => {
    const faults = (n: number) => Array.from({ length: n }, (_, i) => `drop:publish*${i + 1}`).join(',');
    expect(parsed(faults(PLAN_LIMITS.faults))).toHaveLength(32);
    expect(errorOf(faults(PLAN_LIMITS.faults + 1))).toBe('a plan holds at most 32 faults');
  });

  it('accepts a plan of 2000 characters but not 2001', () => {
    const padded = (length: number) => {
      const head = 'crash:p@after_claim,drop:';
      return head + 'c'.repeat(length - head.length - '*1'.length) + '*1';
    };
    // Names are at most 40 characters, so a plan this long must be rejected for its length
    // before anything else; check both sides of the limit on the length alone.
    expect(padded(2000)).toHaveLength(2000);
    expect(errorOf(padded(2001))).toBe('the fault plan is longer than 2000 characters');
    expect(errorOf(padded(2000))).toContain('must be a lowercase name');
    const longButValid = Array.from({ length: 20 }, (_, i) => `partition:${'a'.repeat(38)}-${i % 10}~broker@86400s+86400s`).join(',');
    expect(longButValid.length).toBeLessThanOrEqual(2000);
    expect(parsed(longButValid)).toHaveLength(20);
  });

  it('never throws on arbitrary text, and anything it accepts it can write and read back', () => {
    const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ maxLength: 2100 }));
    fc.assert(
      fc.property(text, (input) => {
        const result = parsePlan(input);
        if (!result.ok) {
          expect(result.error.length).toBeGreaterThan(0);
          return;
        }
        expect(parsePlan(formatPlan(result.value))).toEqual(result);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on mutations of valid plans', () => {
    const grammarChars = fc.constantFrom(...'@*+~:,.0123456789msabz_- '.split(''));
    const mutation = fc.oneof(
      fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({
        op: fc.constant('insert' as const),
        at: fc.nat(),
        char: fc.oneof(grammarChars, fc.string({ minLength: 1, maxLength: 1 })),
      }),
      fc.record({ op: fc.constant('replace' as const), at: fc.nat(), char: grammarChars }),
      fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 10 }) }),
    );
    fc.assert(
      fc.property(
        plan.filter((faults) => faults.length > 0),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (faults, mutations) => {
          let text = formatPlan(faults);
          for (const m of mutations) {
            const at = m.at % (text.length + 1);
            if (m.op === 'delete') text = text.slice(0, at) + text.slice(at + 1);
            else if (m.op === 'insert') text = text.slice(0, at) + m.char + text.slice(at);
            else if (m.op === 'replace') text = text.slice(0, at) + m.char + text.slice(at + 1);
            else text = text.slice(0, at) + text.slice(at, at + m.length) + text.slice(at);
          }
          const result = parsePlan(text);
          if (!result.ok) {
            expect(result.error.length).toBeGreaterThan(0);
            return;
          }
          expect(parsePlan(formatPlan(result.value))).toEqual(result);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  // BUG: the seconds are multiplied as a float, so 16.1 * 1000 = 16100.000000000002 and
  // 1.001 * 1000 = 1000.9999999999999 are "not whole milliseconds". See the report.
  it('accepts every whole number of milliseconds written as seconds with a fraction, like 1.001s or 16.1s', () => {
    expect(parsed('pause:relay-1@16.1s+1.001s')).toEqual([{ kind: 'pause', process: 'relay-1', atMs: 16_100, durationMs: 1_001 }]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: PLAN_LIMITS.timeMs }), (ms) => {
        const seconds = `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}s`;
        expect(parsePlan(`crash:relay-1@${seconds}`)).toEqual({
          ok: true,
          value: [{ kind: 'crash', process: 'relay-1', trigger: { atMs: ms } }],
        });
      }),
      { numRuns: 1_000 },
    );
  });

  // BUG: `when.split('*')` ignores everything after a second star, so the typo is accepted as hit 2.
  it('rejects a crash point with two hit counts, like crash:relay-1@after_claim*2*3', () => {
    expect(parsePlan('crash:relay-1@after_claim*2*3').ok).toBe(false);
  });
});

describe('checkPlanAgainst', () => {
  const catalog: FaultCatalog = {
    processes: [
      { name: 'order-service', crashPoints: ['before_commit', 'after_commit_before_publish'] },
      { name: 'relay-1', crashPoints: ['after_claim'] },
      { name: 'clock', crashPoints: [] },
      { name: 'hotel', crashPoints: [], refusalPoints: ['book'] },
    ],
    channels: ['publish', 'deliver'],
    nodes: ['order-service', 'relay-1', 'broker'],
  };
  const check = (text: string) => checkPlanAgainst(parsed(text), catalog);

  it('accepts a plan that only names what the pattern has', () => {
    expect(
      check(
        'crash:order-service@before_commit*2,crash:relay-1@3s,crash:clock@1s,pause:relay-1@1s+1s,mtbf:clock+1s,slow:hotel@1s+1s,refuse:hotel@book*3,drop:publish*1,delay:deliver@1s+1s,partition:broker~relay-1@1s+1s',
      ),
    ).toBeNull();
    expect(checkPlanAgainst([], catalog)).toBeNull();
  });

  it.each([
    ['crash:ghost@before_commit', '"crash:ghost@before_commit": no process "ghost" here (order-service, relay-1, clock, hotel)'],
    ['pause:ghost@1s+1s', 'no process "ghost" here'],
    ['mtbf:ghost+1s', 'no process "ghost" here'],
    ['slow:ghost@1s+1s', 'no process "ghost" here'],
    ['refuse:hotel@cancel', '"refuse:hotel@cancel": hotel has no decision point "cancel" (book)'],
    ['refuse:relay-1@book', 'relay-1 has no decision point "book" (none)'],
    ['crash:relay-1@before_commit', '"crash:relay-1@before_commit": relay-1 has no crash point "before_commit" (after_claim)'],
    ['crash:clock@tick', 'clock has no crash point "tick" (none)'],
    ['drop:email*1', '"drop:email*1": no channel "email" here (publish, deliver)'],
    ['delay:ack@1s+1s', 'no channel "ack" here'],
    ['partition:relay-1~email@1s+1s', '"partition:relay-1~email@1s+1s": no node "email" here (order-service, relay-1, broker)'],
    ['partition:ghost~broker@1s+1s', 'no node "ghost" here'],
  ])('names what "%s" gets wrong', (text, message) => {
    expect(check(text)).toContain(message);
  });

  it('reports the first fault that does not fit', () => {
    expect(check('drop:publish*1,crash:ghost@1s,drop:email*1')).toContain('no process "ghost"');
  });
});
