import { useEffect, useMemo, useState } from 'react';
import { readReplay, replayPath } from '../../../playgrounds/links.ts';
import type { PatternInfo, RunRequest, SideReport } from '../../../playgrounds/worker/api.ts';
import { naturalSpeed } from '../../../playgrounds/worker/pace.ts';
import { Counters } from './Counters.tsx';
import { FaultPanel } from './FaultPanel.tsx';
import { EntityLanes } from './EntityLanes.tsx';
import { FlagGrid } from './FlagGrid.tsx';
import { InvariantReport } from './InvariantReport.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import { ProgressChart } from './ProgressChart.tsx';
import { RunControls } from './RunControls.tsx';
import { SqlInspector } from './SqlInspector.tsx';
import { Standings } from './Standings.tsx';
import { Statechart } from './Statechart.tsx';
import { Timeline } from './Timeline.tsx';
import { usePlaygroundRun } from './usePlaygroundRun.ts';
import './playground.css';

/** What the sides will look like before anything has run: the skeleton's content. */
function placeholderSides(info: PatternInfo, request: RunRequest): SideReport[] {
  const variants = request.compare && request.variant !== 'correct' ? [request.variant, 'correct'] : [request.variant];
  return variants.map((variant, i) => ({
    side: i === 0 ? 'main' : 'correct',
    variant,
    vt: 0,
    phase: 'workload',
    traceLength: 0,
    counters: {},
    invariants: info.invariants.map((inv) => ({ ...inv, ok: undefined, violations: [], violationCount: 0 })),
    processes: (info.variantProcesses[variant] ?? []).map((name) => ({ name, alive: false, paused: false, done: false, starting: true })),
    plan: request.plan,
  }));
}

/** The run a link asks for, when the page's `play` parameter names this playground; else the preset. */
function requestFrom(info: PatternInfo, presetId: string, query: URLSearchParams): { request: RunRequest; run: boolean; errors: string[] } {
  const preset = info.presets.find((p) => p.id === presetId)!;
  const linked = query.get('play') === presetId;
  const { spec, errors } = readReplay(info, preset, linked ? query : new URLSearchParams());
  return {
    request: {
      instanceId: presetId,
      pattern: info.id,
      seed: spec.seed,
      variant: spec.variant,
      compare: spec.compare,
      plan: spec.faults,
      params: spec.params,
    },
    run: spec.run,
    errors: linked ? errors : [],
  };
}

function useReducedMotion(): boolean {
  const [reduced, setReduced] = useState(false);
  useEffect(() => {
    const media = window.matchMedia('(prefers-reduced-motion: reduce)');
    setReduced(media.matches);
    const listener = () => setReduced(media.matches);
    media.addEventListener('change', listener);
    return () => media.removeEventListener('change', listener);
  }, []);
  return reduced;
}

/**
 * One playground: the real pattern running in the page's worker, with controls, faults,
 * timelines, invariants and a SQL inspector. Until it hydrates, the same component renders a
 * skeleton of the same size with the preset's title and prompt.
 */
export function Playground({ presetId, info }: { presetId: string; info: PatternInfo }) {
  const preset = info.presets.find((p) => p.id === presetId);
  if (!preset) throw new Error(`no playground ${presetId} in ${info.id}`);
  const initial = useMemo(() => requestFrom(info, presetId, new URLSearchParams()), [info, presetId]);
  const playground = usePlaygroundRun(initial.request, () => requestFrom(info, presetId, new URLSearchParams(window.location.search)));
  const { state, progress, report, events, error, notice, linkErrors } = playground.view;
  const [highlight, setHighlight] = useState<{ side: number; seq: number }>();
  const [faultError, setFaultError] = useState<string | null>(null);
  const [inspectorSide, setInspectorSide] = useState(0);
  const reducedMotion = useReducedMotion();
  const request = playground.request;
  // Before the first report (and before hydration) draw the same structure, empty: same size.
  const sides = report?.sides ?? placeholderSides(info, request);
  const live = state === 'ready' || state === 'running' || state === 'paused';
  const hash = state === 'finished' ? sides[0]?.traceHash : undefined;
  const variantLabel = (name: string) => info.variants.find((v) => v.name === name)?.label ?? name;
  const timing = info.presetTimings[presetId] ?? info.timing;
  const endMs = report?.endMs ?? timing.workloadMs + timing.drainMs;

  const reset = (changes: Partial<RunRequest>) => {
    setFaultError(null);
    setHighlight(undefined);
    void playground.reset({ ...request, ...changes });
  };

  const link = () =>
    replayPath(info, {
      play: presetId,
      seed: request.seed,
      variant: request.variant,
      compare: request.compare,
      faults: sides[0]?.plan ?? request.plan,
      params: request.params,
      run: true,
    });

  return (
    <section
      className="fl-playground"
      id={presetId}
      data-playground={presetId}
      data-status={state === 'resetting' ? 'booting' : state}
      {...(hash ? { 'data-trace-hash': hash } : {})}
      aria-labelledby={`${presetId}-title`}
    >
      <header className="fl-playground__header">
        <h3 id={`${presetId}-title`}>{preset.title}</h3>
        <span className="fl-status" role="status">
          {state}
        </span>
      </header>
      <p className="fl-playground__prompt">{preset.prompt}</p>
      {linkErrors.length > 0 && (
        <div className="fl-notice" role="alert">
          <p>This link had values the playground could not use, so it used its own instead:</p>
          <ul>
            {linkErrors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      )}
      {notice && (
        <div className="fl-notice" role="status">
          {notice}{' '}
          <button type="button" className="fl-button" onClick={playground.dismissNotice}>
            OK
          </button>
        </div>
      )}
      {error && (
        <p className="fl-error" role="alert">
          {error}
        </p>
      )}
      <div className="fl-boot">
        <ProgressBar
          stage={state === 'booting' ? progress.stage : 'ready'}
          loadedBytes={progress.loadedBytes}
          totalBytes={progress.totalBytes}
          label="Loading Postgres for this page"
        />
      </div>
      {
        <>
          <RunControls
            info={info}
            request={request}
            currentPlan={sides[0]?.plan ?? request.plan}
            state={state}
            speed={report?.speed ?? naturalSpeed(endMs)}
            endMs={endMs}
            onRun={playground.run}
            onPause={() => void playground.pause()}
            onStep={() => void playground.step()}
            onSpeed={playground.setSpeed}
            onReset={reset}
            link={link}
          />
          <FaultPanel
            catalog={info.catalog}
            processes={sides.flatMap((side, i) =>
              side.processes.filter((p) => !sides.slice(0, i).some((earlier) => earlier.processes.some((q) => q.name === p.name))),
            )}
            disabled={!live}
            canPlan={live || state === 'finished'}
            error={faultError}
            onInject={(fault) => void playground.inject(fault).then(setFaultError)}
            onPlanFault={(fault) => reset({ plan: [sides[0]?.plan ?? request.plan, fault].filter((p) => p !== '').join(',') })}
          />
          <div className={`fl-sides${sides.length > 1 ? ' fl-sides--two' : ''}`}>
            {sides.map((side, i) => (
              <div className="fl-side" data-side={side.side} key={side.side}>
                <h4 className="fl-side__title">
                  {variantLabel(side.variant)} {info.variants.find((v) => v.name === side.variant)?.naive ? '(naive)' : ''}
                </h4>
                <Timeline
                  events={events[i] ?? []}
                  lanes={side.processes.map((p) => p.name)}
                  endMs={endMs}
                  workloadMs={report?.workloadMs ?? timing.workloadMs}
                  nowMs={side.vt}
                  highlightSeq={highlight?.side === i ? highlight.seq : undefined}
                  label={`Timeline of the ${variantLabel(side.variant)} run`}
                  reducedMotion={reducedMotion}
                />
                {info.statecharts[side.variant] && (
                  <Statechart
                    chart={info.statecharts[side.variant]!}
                    events={events[i] ?? []}
                    nowMs={side.vt}
                    glowMs={endMs / 40}
                    label={`States of the ${variantLabel(side.variant)} run`}
                  />
                )}
                {info.entityLanes && (
                  <EntityLanes
                    spec={info.entityLanes}
                    events={events[i] ?? []}
                    endMs={endMs}
                    label={`Per-${info.entityLanes.entity.toLowerCase()} lanes of the ${variantLabel(side.variant)} run`}
                  />
                )}
                {info.standings && (
                  <Standings
                    spec={info.standings}
                    counters={side.counters}
                    settled={side.phase === 'finished'}
                    label={`Standings of the ${variantLabel(side.variant)} run`}
                  />
                )}
                {info.flagGrids[side.variant] && (
                  <FlagGrid
                    grid={info.flagGrids[side.variant]!}
                    events={events[i] ?? []}
                    label={`Flag combinations of the ${variantLabel(side.variant)} run`}
                  />
                )}
                {info.progress && (
                  <ProgressChart
                    events={events[i] ?? []}
                    series={info.progress}
                    total={report?.progressTotal ?? info.progress.presetTotals[presetId] ?? 1}
                    endMs={endMs}
                    nowMs={side.vt}
                    label={`Progress of the ${variantLabel(side.variant)} run`}
                  />
                )}
                <InvariantReport
                  results={side.invariants}
                  finished={side.phase === 'finished'}
                  onJump={(seq) => setHighlight({ side: i, seq })}
                />
                {side.traceHash && (
                  <p className="fl-hash">
                    trace hash <code data-side-hash={side.side}>{side.traceHash}</code>
                  </p>
                )}
              </div>
            ))}
          </div>
          <Counters
            sideLabels={sides.map((s) => variantLabel(s.variant))}
            items={[
              ...info.counters.map((c) => ({ label: c.label, values: sides.map((s) => s.counters[c.name] ?? 0) })),
              { label: 'crashes', values: events.map((batch) => batch.filter((e) => e.kind === 'crash').length) },
              { label: 'messages lost by the network', values: events.map((batch) => batch.filter((e) => e.kind === 'drop').length) },
              {
                label: 'redeliveries',
                values: events.map((batch) => batch.filter((e) => e.kind === 'receive' && e.label.includes('(delivery')).length),
              },
            ]}
          />
          {sides.length > 1 && (
            <label className="fl-controls">
              Query the{' '}
              <select value={inspectorSide} onChange={(e) => setInspectorSide(Number(e.target.value))}>
                {sides.map((s, i) => (
                  <option key={s.side} value={i}>
                    {variantLabel(s.variant)}
                  </option>
                ))}
              </select>{' '}
              side
            </label>
          )}
          <SqlInspector
            tables={info.inspectorTables}
            sideLabel={variantLabel(sides[inspectorSide]?.variant ?? request.variant)}
            onQuery={(sql) => playground.query(inspectorSide, sql)}
          />
        </>
      }
    </section>
  );
}
