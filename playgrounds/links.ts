import { parsePlan, formatPlan, checkPlanAgainst, type FaultCatalog } from './kernel/faults.ts';
import { defaultParams, resolveParams, resolveVariant, type Params, type Pattern, type PlaygroundPreset } from './kernel/pattern.ts';

/**
 * Links that replay a run. A link names a playground (`play`), and may override its seed,
 * variant, side-by-side comparison, fault plan and parameters, and ask to run on open:
 *
 *   /patterns/transactional-outbox/?play=outbox-relay&seed=12&variant=correct&faults=lose-ack:publish*2&run=1
 *
 * Seed, variant and plan determine the run completely, so the same link gives the same trace
 * (and trace hash) in every browser and in `npm run sim`.
 */
/** What links need to know about a pattern: a PatternInfo, or a Pattern via `linkTarget`. */
export interface LinkTarget {
  articleSlug: string;
  params: Pattern['params'];
  variants: Pattern['variants'];
  headlineNaive: string;
  catalog: FaultCatalog;
  presets: readonly PlaygroundPreset[];
}

/** The link-relevant facts of a full pattern definition. */
export function linkTarget(pattern: Pattern): LinkTarget {
  return { ...pattern, catalog: pattern.faultCatalog('*', defaultParams(pattern)), presets: pattern.playgrounds };
}

export interface ReplaySpec {
  play: string;
  seed: number;
  variant: string;
  compare: boolean;
  faults: string;
  params: Params;
  run: boolean;
}

/** Percent-encodes a query value but keeps the plan grammar's characters readable. */
function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%40/gi, '@').replace(/%2C/gi, ',');
}

/** The path and query that replay a run (prefix it with the site's base path). */
export function replayPath(pattern: LinkTarget, spec: ReplaySpec): string {
  // The reader starts from the preset's parameters, so only differences from those need writing.
  const preset = pattern.presets.find((p) => p.id === spec.play);
  const defaults = { ...defaultParams(pattern), ...preset?.params };
  const query: Array<[string, string]> = [
    ['play', spec.play],
    ['seed', String(spec.seed)],
    ['variant', spec.variant],
    ['compare', spec.compare ? '1' : '0'],
    ['faults', spec.faults === '' ? 'none' : spec.faults],
  ];
  for (const [name, value] of Object.entries(spec.params)) if (value !== defaults[name]) query.push([name, String(value)]);
  if (spec.run) query.push(['run', '1']);
  return `/patterns/${pattern.articleSlug}/?${query.map(([k, v]) => `${k}=${encodeValue(v)}`).join('&')}#${spec.play}`;
}

export const MAX_SEED = 2 ** 32 - 1;

/**
 * Reads a link's parameters for one playground. Every bad value is reported in words and
 * replaced by the preset's own, so a broken link still opens a working playground.
 */
export function readReplay(pattern: LinkTarget, preset: PlaygroundPreset, query: URLSearchParams): { spec: ReplaySpec; errors: string[] } {
  const errors: string[] = [];
  const spec: ReplaySpec = {
    play: preset.id,
    seed: preset.seed,
    variant: preset.variant,
    compare: preset.compare,
    faults: preset.plan,
    params: { ...defaultParams(pattern), ...preset.params },
    run: false,
  };
  const seed = query.get('seed');
  if (seed !== null) {
    if (/^\d{1,10}$/.test(seed) && Number(seed) <= MAX_SEED) spec.seed = Number(seed);
    else errors.push(`seed "${seed}" is not a whole number from 0 to ${MAX_SEED}; using ${preset.seed}`);
  }
  const variant = query.get('variant');
  if (variant !== null) {
    const found = resolveVariant(pattern, variant);
    if (found) spec.variant = found.name;
    else
      errors.push(`variant "${variant}" is not one of naive, ${pattern.variants.map((v) => v.name).join(', ')}; using ${preset.variant}`);
  }
  const compare = query.get('compare');
  if (compare !== null) {
    if (compare === '0' || compare === '1') spec.compare = compare === '1';
    else errors.push(`compare must be 0 or 1, got "${compare}"`);
  }
  const faults = query.get('faults');
  if (faults !== null) {
    const parsed = parsePlan(faults);
    const mismatch = parsed.ok ? checkPlanAgainst(parsed.value, pattern.catalog) : parsed.error;
    if (parsed.ok && !mismatch) spec.faults = formatPlan(parsed.value);
    else errors.push(`fault plan: ${mismatch}; using the preset's plan`);
  }
  const given: Record<string, string> = {};
  for (const param of pattern.params) {
    const value = query.get(param.name);
    if (value !== null) given[param.name] = value;
  }
  for (const [name, value] of Object.entries(given)) {
    const resolved = resolveParams(pattern, { [name]: value });
    if (resolved.ok) spec.params[name] = resolved.value[name]!;
    else errors.push(`${resolved.error}; using ${spec.params[name]}`);
  }
  const run = query.get('run');
  if (run !== null) {
    if (run === '1' || run === '0') spec.run = run === '1';
    else errors.push(`run must be 0 or 1, got "${run}"`);
  }
  return { spec, errors };
}
