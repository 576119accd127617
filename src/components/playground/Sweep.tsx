import { line, max, scaleLinear, scaleLog } from 'd3';
import { useEffect, useId, useRef, useState } from 'react';
import type { BootProgress, PatternInfo, SweepInfo, SweepPoint, SweepReport } from '../../../playgrounds/worker/api.ts';
import { onWorkerReplaced, playgroundWorker, stopListening } from '../../../playgrounds/worker/client.ts';
import { formatDuration } from './format.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { useElementWidth } from './use-element-width.ts';
import { SideScroll } from './SideScroll.tsx';
import './playground.css';

const HEIGHT = 300;
const MARGIN = { top: 28, right: 16, bottom: 40, left: 56 };
const HOUR = 3_600_000;
/** Round interval ticks, from a minute to an hour. */
const X_TICKS = [60_000, 120_000, 300_000, 600_000, 1_200_000, 1_800_000, 3_600_000];
const POLL_MS = 250;

type Status = 'booting' | 'idle' | SweepReport['status'];

/** A measured value, in the unit the sweep declares. */
function formatValue(value: number, unit: 'ms' | 'count'): string {
  return unit === 'ms' ? formatDuration(value) : new Intl.NumberFormat('en').format(value);
}

/** Means per swept value, over the seeds measured so far (runs that never finished left out). */
function means(points: readonly SweepPoint[]): Array<{ x: number; y: number; n: number }> {
  const byX = new Map<number, number[]>();
  for (const point of points) if (point.y !== null) byX.set(point.x, [...(byX.get(point.x) ?? []), point.y]);
  return [...byX.entries()].map(([x, ys]) => ({ x, y: ys.reduce((a, b) => a + b, 0) / ys.length, n: ys.length })).sort((a, b) => a.x - b.x);
}

/**
 * A parameter sweep run for real in the page's worker: every point is runs of the pattern on
 * Postgres, measured, drawn as they arrive, with the theory's optimum over them. The reader
 * moves the sliders and measures again.
 */
export function Sweep({ info, sweepId }: { info: PatternInfo; sweepId: string }) {
  const spec = info.sweeps.find((s) => s.id === sweepId);
  if (!spec) throw new Error(`no sweep ${sweepId} in ${info.id}`);
  const instanceId = `sweep-${sweepId}`;
  const [settings, setSettings] = useState(() => Object.fromEntries(spec.sliders.map((s) => [s.name, s.default])));
  const [status, setStatus] = useState<Status>('booting');
  const [boot, setBoot] = useState<BootProgress>({ stage: 'download', loadedBytes: 0, totalBytes: 0 });
  const [report, setReport] = useState<SweepReport>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    const listener = (progress: BootProgress) => setBoot(progress);
    const worker = playgroundWorker(listener);
    worker.ready.then(
      () => setStatus((s) => (s === 'booting' ? 'idle' : s)),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
    // A replaced worker (another playground's runaway query) takes a running sweep with it.
    const unsubscribe = onWorkerReplaced(() => {
      setStatus('booting');
      setReport(undefined);
      void playgroundWorker(listener).ready.then(() => setStatus('idle'));
    });
    return () => {
      stopListening(listener);
      unsubscribe();
    };
  }, []);

  useEffect(() => {
    if (status !== 'running') return;
    const timer = setInterval(() => {
      playgroundWorker()
        .api.pollSweep(instanceId)
        .then(
          (next) => {
            setReport(next);
            if (next.status !== 'running') setStatus(next.status);
            if (next.error) setError(next.error);
          },
          (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
        );
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [status, instanceId]);

  const start = async () => {
    setError(undefined);
    const first = await playgroundWorker().api.sweep({ instanceId, pattern: info.id, sweep: sweepId, settings });
    setReport(first);
    setStatus(first.status);
    if (first.error) setError(first.error);
  };
  const cancel = () => {
    void playgroundWorker().api.cancelSweep(instanceId);
    setStatus('cancelled');
  };

  const points = report?.points ?? [];
  const best = means(points).reduce<{ x: number; y: number; n: number } | undefined>((b, m) => (!b || m.y < b.y ? m : b), undefined);
  const running = status === 'running';
  const done = points.length;
  const size = report?.size ?? spec.size;

  return (
    <section
      className="fl-playground fl-sweep"
      data-sweep={sweepId}
      data-status={status}
      data-points={done}
      data-elapsed-ms={report?.elapsedMs ?? 0}
      aria-labelledby={`${instanceId}-title`}
    >
      <header className="fl-playground__header">
        <h3 id={`${instanceId}-title`}>{spec.title}</h3>
        <span className="fl-status" role="status">
          {status}
        </span>
      </header>
      <p className="fl-playground__prompt">{spec.prompt}</p>
      {status === 'booting' && (
        <div className="fl-boot">
          <ProgressBar
            stage={boot.stage}
            loadedBytes={boot.loadedBytes}
            totalBytes={boot.totalBytes}
            label="Loading Postgres for this page"
          />
        </div>
      )}
      <div className="fl-sweep__sliders">
        {spec.sliders.map((slider) => (
          <SweepSlider
            key={slider.name}
            slider={slider}
            value={settings[slider.name] ?? slider.default}
            disabled={running}
            onChange={(value) => setSettings((s) => ({ ...s, [slider.name]: value }))}
          />
        ))}
      </div>
      <div className="fl-controls">
        {running ? (
          <button type="button" className="fl-button" onClick={cancel}>
            Stop
          </button>
        ) : (
          <button type="button" className="fl-button fl-button--primary" disabled={status === 'booting'} onClick={() => void start()}>
            {done > 0 ? 'Measure again' : 'Measure the curve'}
          </button>
        )}
        <span className="fl-sweep__count">
          {done} of {size} runs{report && report.elapsedMs > 0 ? `, ${formatDuration(report.elapsedMs)} of real time` : ''}
        </span>
      </div>
      <progress className="fl-progress__bar fl-sweep__bar" max={size} value={done} aria-label="Runs measured" />
      {error && (
        <p className="fl-error" role="alert">
          {error}
        </p>
      )}
      <SweepChart spec={spec} points={points} optimum={report?.optimum ?? null} best={best} />
      <p className="fl-sweep__summary" aria-live="polite" data-sweep-summary>
        {best && report?.optimum
          ? `Measured best so far: every ${formatValue(best.x, spec.x.unit)}, finishing in ${formatValue(best.y, spec.y.unit)} on average. ${report.optimum.label} = ${formatValue(report.optimum.x, spec.x.unit)}.`
          : 'Nothing measured yet: press the button to run the job at each interval.'}
      </p>
      {points.length > 0 && <SweepTable spec={spec} points={points} />}
    </section>
  );
}

function SweepSlider({
  slider,
  value,
  disabled,
  onChange,
}: {
  slider: SweepInfo['sliders'][number];
  value: number;
  disabled: boolean;
  onChange: (value: number) => void;
}) {
  const id = useId();
  return (
    <div className="fl-sweep__slider">
      <label htmlFor={id}>{slider.label}</label>
      <input
        id={id}
        type="range"
        min={slider.min}
        max={slider.max}
        step={slider.step}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(Number(e.target.value))}
      />
      <output htmlFor={id}>{formatDuration(value)}</output>
    </div>
  );
}

/** Drops ticks that would print on top of the one before (a narrow screen has room for fewer). */
function spacedTicks(ticks: readonly number[], x: (value: number) => number, minPx = 44): number[] {
  const kept: number[] = [];
  for (const tick of ticks) if (kept.length === 0 || x(tick) - x(kept[kept.length - 1]!) >= minPx) kept.push(tick);
  return kept;
}

function SweepChart({
  spec,
  points,
  optimum,
  best,
}: {
  spec: SweepInfo;
  points: readonly SweepPoint[];
  optimum: { x: number; label: string } | null;
  best: { x: number; y: number } | undefined;
}) {
  const boxRef = useRef<HTMLDivElement>(null);
  const width = Math.max(260, useElementWidth(boxRef, 640));
  const xs = points.map((p) => p.x);
  const measured = points.filter((p): p is SweepPoint & { y: number } => p.y !== null);
  const x = scaleLog()
    .domain([Math.min(...xs, optimum?.x ?? Infinity, 60_000) * 0.8, Math.max(...xs, optimum?.x ?? 0, 3_600_000) * 1.25])
    .range([MARGIN.left, width - MARGIN.right]);
  // Times tick on whole hours (or halves), not on round numbers of milliseconds.
  const unitSize = spec.y.unit === 'ms' ? HOUR : 1;
  const inUnits = scaleLinear()
    .domain([0, ((max(measured, (p) => p.y) ?? 1) * 1.08) / unitSize])
    .nice(5);
  const yTicks = inUnits.ticks(5).map((t) => t * unitSize);
  const y = scaleLinear()
    .domain(inUnits.domain().map((d) => d * unitSize))
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const meanLine = line<{ x: number; y: number }>(
    (p) => x(p.x),
    (p) => y(p.y),
  )(means(points));
  const format = (value: number, unit: 'ms' | 'count') => formatValue(value, unit).replace(/ 0 s$/, '');
  return (
    <figure className="fl-sweep__figure">
      <SideScroll className="fl-sweep__box" label={`${spec.title} chart`} boxRef={boxRef}>
        <svg
          width={width}
          height={HEIGHT}
          role="img"
          aria-label={`${spec.y.label} against ${spec.x.label.toLowerCase()}: ${measured.length} runs measured.`}
        >
          <g aria-hidden="true">
            {spacedTicks(
              X_TICKS.filter((t) => t >= x.domain()[0]! && t <= x.domain()[1]!),
              x,
            ).map((t) => (
              <g key={t}>
                <line className="fl-tl-grid" x1={x(t)} x2={x(t)} y1={MARGIN.top} y2={HEIGHT - MARGIN.bottom} />
                <text className="fl-pc-tick" x={x(t)} y={HEIGHT - MARGIN.bottom + 14} textAnchor="middle">
                  {format(t, spec.x.unit)}
                </text>
              </g>
            ))}
            <text className="fl-pc-tick" x={(MARGIN.left + width - MARGIN.right) / 2} y={HEIGHT - 6} textAnchor="middle">
              {spec.x.label}, log scale
            </text>
            {measured.length > 0 &&
              yTicks.map((t) => (
                <g key={t}>
                  <line className="fl-tl-grid" x1={MARGIN.left} x2={width - MARGIN.right} y1={y(t)} y2={y(t)} />
                  <text className="fl-pc-tick" x={MARGIN.left - 6} y={y(t) + 4} textAnchor="end">
                    {spec.y.unit === 'ms' ? `${t / HOUR} h` : t}
                  </text>
                </g>
              ))}
            <text className="fl-pc-tick" x={4} y={MARGIN.top - 14}>
              {spec.y.label}
            </text>
          </g>
          {optimum && (
            <g className="fl-sweep__optimum">
              <line x1={x(optimum.x)} x2={x(optimum.x)} y1={MARGIN.top} y2={HEIGHT - MARGIN.bottom} />
              <text
                x={x(optimum.x) + (x(optimum.x) > width * 0.6 ? -4 : 4)}
                y={MARGIN.top + 12}
                textAnchor={x(optimum.x) > width * 0.6 ? 'end' : 'start'}
              >
                {optimum.label}: {formatValue(optimum.x, spec.x.unit)}
              </text>
            </g>
          )}
          {meanLine && <path className="fl-sweep__mean" d={meanLine} />}
          {measured.map((p) => (
            <circle
              key={`${p.seed}-${p.value}`}
              className="fl-sweep__dot"
              cx={x(p.x)}
              cy={y(p.y)}
              r={3.5}
              data-seed={p.seed}
              data-value={p.value}
              data-measured={p.y}
            >
              <title>{`seed ${p.seed}: every ${formatValue(p.x, spec.x.unit)} → ${formatValue(p.y, spec.y.unit)}`}</title>
            </circle>
          ))}
          {best && <circle className="fl-sweep__best" cx={x(best.x)} cy={y(best.y)} r={7} />}
        </svg>
      </SideScroll>
    </figure>
  );
}

function SweepTable({ spec, points }: { spec: SweepInfo; points: readonly SweepPoint[] }) {
  return (
    <details className="fl-log">
      <summary>Every run as a table ({points.length})</summary>
      <SideScroll className="fl-table-scroll" label="Runs">
        <table className="fl-table">
          <thead>
            <tr>
              <th scope="col">Seed</th>
              <th scope="col">{spec.x.label}</th>
              <th scope="col">{spec.y.label}</th>
              <th scope="col">Invariants</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={`${p.seed}-${p.value}`}>
                <td className="fl-num">{p.seed}</td>
                <td className="fl-num">{formatValue(p.x, spec.x.unit)}</td>
                <td className="fl-num">{p.y === null ? 'did not finish' : formatValue(p.y, spec.y.unit)}</td>
                <td>{p.broken.length === 0 ? 'all hold' : `broken: ${p.broken.join(', ')}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </SideScroll>
    </details>
  );
}
