import { useEffect, useState } from 'react';
import { MAX_SEED } from '../../../playgrounds/links.ts';
import { parsePlan } from '../../../playgrounds/kernel/faults.ts';
import type { PatternInfo, RunRequest } from '../../../playgrounds/worker/api.ts';
import { speedChoices } from '../../../playgrounds/worker/pace.ts';
import type { LifecycleState } from './lifecycle.ts';

interface Props {
  info: PatternInfo;
  request: RunRequest;
  /** The plan as the run stands, with the reader's interventions (what a link would carry). */
  currentPlan: string;
  state: LifecycleState;
  /** Virtual milliseconds per real second; 0 runs as fast as the engine can. */
  speed: number;
  /** The run's length, which sets the speeds worth offering. */
  endMs: number;
  onRun: () => void;
  onPause: () => void;
  onStep: () => void;
  onSpeed: (speed: number) => void;
  onReset: (changes: Partial<RunRequest>) => void;
  /** The replay link's path (from the site root) for the run as it stands. */
  link: () => string;
}

/** Run, pause, step, speed, reset, and what defines a run: seed, variant, comparison, fault plan. */
export function RunControls({ info, request, currentPlan, state, speed, endMs, onRun, onPause, onStep, onSpeed, onReset, link }: Props) {
  const [seed, setSeed] = useState(String(request.seed));
  const [plan, setPlan] = useState(currentPlan);
  const [problem, setProblem] = useState<string>();
  const [copied, setCopied] = useState<string>();
  useEffect(() => setSeed(String(request.seed)), [request.seed]);
  useEffect(() => setPlan(currentPlan), [currentPlan]);
  const running = state === 'running';
  const canRun = state === 'ready' || state === 'paused';
  const busy = state === 'resetting';

  const applySeed = () => {
    if (!/^\d{1,10}$/.test(seed) || Number(seed) > MAX_SEED) {
      setProblem(`The seed must be a whole number from 0 to ${MAX_SEED}.`);
      return;
    }
    setProblem(undefined);
    if (Number(seed) !== request.seed) onReset({ seed: Number(seed) });
  };

  const applyPlan = () => {
    const parsed = parsePlan(plan);
    if (!parsed.ok) {
      setProblem(`Fault plan: ${parsed.error}`);
      return;
    }
    setProblem(undefined);
    onReset({ plan });
  };

  const copyLink = async () => {
    const url = `${window.location.origin}${import.meta.env.BASE_URL.replace(/\/$/, '')}${link()}`;
    try {
      await navigator.clipboard.writeText(url);
      setCopied('Link copied: it replays this exact run.');
    } catch {
      setCopied(`Copy this link: ${url}`);
    }
  };

  return (
    <div className="fl-run-controls">
      <div className="fl-controls" role="group" aria-label="Run">
        {running ? (
          <button type="button" className="fl-button fl-button--primary" onClick={onPause}>
            Pause
          </button>
        ) : (
          <button type="button" className="fl-button fl-button--primary" onClick={onRun} disabled={!canRun}>
            Run
          </button>
        )}
        <button type="button" className="fl-button" onClick={onStep} disabled={!canRun}>
          Step
        </button>
        <button type="button" className="fl-button" onClick={() => onReset({})} disabled={busy || state === 'booting'}>
          Reset
        </button>
        <label>
          Speed{' '}
          <select value={speed} onChange={(e) => onSpeed(Number(e.target.value))}>
            {speedChoices(endMs).map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="fl-button" onClick={() => void copyLink()}>
          Copy link
        </button>
      </div>
      <div className="fl-controls" role="group" aria-label="What to run">
        <label>
          Seed{' '}
          <input
            type="text"
            inputMode="numeric"
            size={8}
            value={seed}
            onChange={(e) => setSeed(e.target.value)}
            onBlur={applySeed}
            onKeyDown={(e) => e.key === 'Enter' && applySeed()}
          />
        </label>
        <button
          type="button"
          className="fl-button"
          onClick={() => onReset({ seed: Math.floor(Math.random() * 100_000) })}
          disabled={busy}
          aria-label="Pick a random seed"
        >
          New seed
        </button>
        <label>
          Variant{' '}
          <select value={request.variant} onChange={(e) => onReset({ variant: e.target.value })} disabled={busy}>
            {info.variants.map((v) => (
              <option key={v.name} value={v.name}>
                {v.label}
                {v.naive ? ' (naive)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={request.compare}
            onChange={(e) => onReset({ compare: e.target.checked })}
            disabled={busy || request.variant === 'correct'}
          />{' '}
          Side by side with the correct one
        </label>
      </div>
      <div className="fl-controls" role="group" aria-label="Fault plan">
        <label className="fl-plan">
          Fault plan{' '}
          <input
            type="text"
            value={plan}
            spellCheck={false}
            onChange={(e) => setPlan(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && applyPlan()}
            placeholder="none"
          />
        </label>
        <button type="button" className="fl-button" onClick={applyPlan} disabled={busy}>
          Apply and reset
        </button>
      </div>
      {problem && (
        <p className="fl-error" role="alert">
          {problem}
        </p>
      )}
      <p className="fl-live" aria-live="polite">
        {copied}
      </p>
    </div>
  );
}
