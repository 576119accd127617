import { defaultParams, type Pattern } from './kernel/pattern.ts';
import type { PatternInfo } from './worker/api.ts';

/** The serializable facts about a pattern that a page needs to draw its playgrounds. */
export function describePattern(pattern: Pattern): PatternInfo {
  return {
    id: pattern.id,
    title: pattern.title,
    articleSlug: pattern.articleSlug,
    variants: [...pattern.variants],
    headlineNaive: pattern.headlineNaive,
    params: [...pattern.params],
    catalog: pattern.faultCatalog('*', defaultParams(pattern)),
    counters: [...pattern.counters],
    presets: [...pattern.playgrounds],
    timing: pattern.timing(defaultParams(pattern)),
    invariants: pattern.invariants.map(({ name, title, description, kind }) => ({ name, title, description, kind })),
    variantProcesses: Object.fromEntries(
      pattern.variants.map((v) => [v.name, pattern.faultCatalog(v.name, defaultParams(pattern)).processes.map((p) => p.name)]),
    ),
  };
}
