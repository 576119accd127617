import { defaultParams, type Pattern, type ProgressSpec } from './kernel/pattern.ts';
import { sweepSize } from './parameter-sweep.ts';
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
    inspectorTables: [...pattern.inspectorTables],
    presets: [...pattern.playgrounds],
    timing: pattern.timing(defaultParams(pattern)),
    presetTimings: Object.fromEntries(
      pattern.playgrounds.map((preset) => [preset.id, pattern.timing({ ...defaultParams(pattern), ...preset.params })]),
    ),
    ...(pattern.progress ? { progress: progressInfo(pattern, pattern.progress) } : {}),
    statecharts: structuredClone({ ...pattern.statecharts }),
    flagGrids: structuredClone({ ...pattern.flagGrids }),
    ...(pattern.entityLanes ? { entityLanes: structuredClone(pattern.entityLanes) } : {}),
    ...(pattern.standings ? { standings: structuredClone(pattern.standings) } : {}),
    sweeps: (pattern.sweeps ?? []).map((sweep) => ({
      id: sweep.id,
      title: sweep.title,
      prompt: sweep.prompt,
      sliders: [...sweep.sliders],
      x: { label: sweep.x.label, unit: sweep.x.unit },
      y: { label: sweep.y.label, unit: sweep.y.unit },
      size: sweepSize(sweep),
      seeds: sweep.seeds.length,
    })),
    invariants: pattern.invariants.map(({ name, title, description, kind }) => ({ name, title, description, kind })),
    variantProcesses: Object.fromEntries(
      pattern.variants.map((v) => [v.name, pattern.faultCatalog(v.name, defaultParams(pattern)).processes.map((p) => p.name)]),
    ),
  };
}

function progressInfo(pattern: Pattern, progress: ProgressSpec): NonNullable<PatternInfo['progress']> {
  const { title, unit, worked, saved } = progress;
  const presetTotals = Object.fromEntries(
    pattern.playgrounds.map((preset) => [preset.id, progress.total({ ...defaultParams(pattern), ...preset.params })]),
  );
  return { title, unit, worked, saved, presetTotals };
}
