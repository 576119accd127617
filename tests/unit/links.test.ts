import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../playgrounds/kernel/faults.ts';
import { defaultParams, type PlaygroundPreset } from '../../playgrounds/kernel/pattern.ts';
import { linkTarget, MAX_SEED, readReplay, replayPath, type ReplaySpec } from '../../playgrounds/links.ts';
import { outboxPattern } from '../../playgrounds/outbox/index.ts';

const target = linkTarget(outboxPattern);

function preset(id: string): PlaygroundPreset {
  const found = outboxPattern.playgrounds.find((p) => p.id === id);
  if (!found) throw new Error(`no preset ${id}`);
  return found;
}

const relay = preset('outbox-relay');

/** Reads a path the way the page does: its query string, for one preset. */
function open(path: string, forPreset: PlaygroundPreset = relay) {
  return readReplay(target, forPreset, new URL(path, 'https://faultline.test').searchParams);
}

/** What a link with no overrides opens. */
function presetSpec(p: PlaygroundPreset): ReplaySpec {
  return {
    play: p.id,
    seed: p.seed,
    variant: p.variant,
    compare: p.compare,
    faults: p.plan,
    params: { ...defaultParams(outboxPattern), ...p.params },
    run: false,
  };
}

function query(params: Record<string, string>): string {
  return `/patterns/transactional-outbox/?${new URLSearchParams({ play: relay.id, ...params }).toString()}`;
}

const spec: fc.Arbitrary<ReplaySpec> = fc.record({
  play: fc.constant(relay.id),
  seed: fc.integer({ min: 0, max: MAX_SEED }),
  variant: fc.constantFrom(...outboxPattern.variants.map((v) => v.name)),
  compare: fc.boolean(),
  faults: fc.constantFrom(
    '',
    'crash:order-service@after_commit_before_publish*3',
    'crash:relay-1@after_publish_before_mark,lose-ack:publish*4,pause:relay-2@3s+2s,dup:deliver*6',
    'partition:relay-1~broker@1s+1500ms,mtbf:inventory+5s,delay:deliver@250ms+2s',
  ),
  params: fc.record(
    Object.fromEntries(
      outboxPattern.params.map((p) => [
        p.name,
        fc.integer({ min: 0, max: Math.floor((p.max - p.min) / p.step) }).map((k) => p.min + k * p.step),
      ]),
    ),
  ),
  run: fc.boolean(),
});

describe('replayPath and readReplay', () => {
  it('read back every run a link describes', () => {
    fc.assert(
      fc.property(spec, (s) => {
        expect(open(replayPath(target, s))).toEqual({ spec: s, errors: [] });
      }),
    );
  });

  it('write a readable link to the article, anchored at the playground', () => {
    const path = replayPath(target, { ...presetSpec(relay), seed: 12, params: { ...presetSpec(relay).params, orders: 20 }, run: true });
    expect(path).toBe(
      '/patterns/transactional-outbox/?play=outbox-relay&seed=12&variant=correct&compare=0' +
        '&faults=crash:relay-1@after_publish_before_mark,lose-ack:publish*4,pause:relay-2@3s%2B2s,dup:deliver*6&orders=20&run=1#outbox-relay',
    );
  });

  it('write the empty plan as none and read it back as empty', () => {
    const path = replayPath(target, { ...presetSpec(relay), faults: '' });
    expect(path).toContain('faults=none');
    expect(open(path).spec.faults).toBe('');
  });

  it('open the preset itself when the link overrides nothing', () => {
    expect(open('/patterns/transactional-outbox/?play=outbox-relay')).toEqual({ spec: presetSpec(relay), errors: [] });
  });

  it('resolve the variant "naive" to the headline naive variant', () => {
    const { spec: opened, errors } = open(query({ variant: 'naive' }));
    expect(errors).toEqual([]);
    expect(opened.variant).toBe(outboxPattern.headlineNaive);
    expect(opened.variant).toBe('commit-then-publish');
  });

  it('write a plan from a link in its canonical form', () => {
    expect(open(query({ faults: ' pause:relay-2@3000ms+2000ms , crash:relay-1@after_claim*1' })).spec.faults).toBe(
      'pause:relay-2@3s+2s,crash:relay-1@after_claim',
    );
  });

  it('accept the largest seed and 0', () => {
    expect(open(query({ seed: String(MAX_SEED) })).spec.seed).toBe(4_294_967_295);
    expect(open(query({ seed: '0' })).spec.seed).toBe(0);
  });
});

describe('readReplay on a broken link', () => {
  it.each<[string, Record<string, string>, string]>([
    ['a seed that is not a number', { seed: 'abc' }, 'seed "abc" is not a whole number from 0 to 4294967295; using 11'],
    ['a seed above 2^32 - 1', { seed: '4294967296' }, 'seed "4294967296"'],
    ['a negative seed', { seed: '-1' }, 'seed "-1"'],
    ['an unknown variant', { variant: 'nope' }, 'variant "nope" is not one of naive, correct, commit-then-publish'],
    ['a plan naming an unknown process', { faults: 'crash:ghost@x' }, 'no process "ghost" here'],
    ['a plan that does not parse', { faults: 'crash:relay-1' }, 'fault plan: "crash:relay-1" must name a process and a point or time'],
    ['a parameter above its range', { orders: '1000' }, 'Orders must be between 4 and 60 in steps of 1, got "1000"; using 16'],
    ['a parameter off its step', { cancelPercent: '12' }, 'Cancelled orders (%) must be between 0 and 100 in steps of 5'],
    ['a parameter that is not a number', { relays: 'two' }, 'Relays must be between 1 and 3'],
    ['run=2', { run: '2' }, 'run must be 0 or 1, got "2"'],
    ['compare=yes', { compare: 'yes' }, 'compare must be 0 or 1, got "yes"'],
  ])('reports %s in words and falls back to the preset', (_what, given, message) => {
    const { spec: opened, errors } = open(query(given));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
    expect(opened).toEqual(presetSpec(relay));
  });

  it('reports every bad value and still applies the good ones', () => {
    const { spec: opened, errors } = open(query({ seed: 'abc', variant: 'naive', faults: 'drop:email*1', orders: '0', run: '1' }));
    expect(errors).toHaveLength(2);
    expect(opened).toMatchObject({ seed: relay.seed, variant: 'commit-then-publish', faults: 'drop:email*1', run: true });
    expect(opened.params.orders).toBe(16);
  });

  it('never throws, and always opens a playground that can run', () => {
    const keys = fc.constantFrom('seed', 'variant', 'compare', 'faults', 'run', ...outboxPattern.params.map((p) => p.name), 'unknown');
    fc.assert(
      fc.property(fc.dictionary(keys, fc.string({ maxLength: 40 })), (given) => {
        const { spec: opened, errors } = readReplay(target, relay, new URLSearchParams(given));
        expect(Array.isArray(errors)).toBe(true);
        expect(Number.isInteger(opened.seed) && opened.seed >= 0 && opened.seed <= MAX_SEED).toBe(true);
        expect(outboxPattern.variants.map((v) => v.name)).toContain(opened.variant);
        expect(parsePlan(opened.faults).ok).toBe(true);
        for (const p of outboxPattern.params) {
          const value = opened.params[p.name]!;
          expect(value >= p.min && value <= p.max).toBe(true);
        }
      }),
    );
  });

  // A preset may set parameters; a link must still be able to carry a change back to the default.
  it('replays a preset that sets a parameter, with that parameter changed back to its default', () => {
    const smallShop: PlaygroundPreset = { ...relay, params: { orders: 8 } };
    const wanted: ReplaySpec = { ...presetSpec(smallShop), params: defaultParams(outboxPattern) };
    expect(open(replayPath({ ...target, presets: [smallShop] }, wanted), smallShop).spec).toEqual(wanted);
  });
});
