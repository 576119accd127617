import type { InvariantResult, Params, PatternInfo } from '../../../playgrounds/worker/api.ts';
import type { OpenStep } from '../../../playgrounds/worker/durable-api.ts';
import { InvariantReport } from './InvariantReport.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import { RecoveryReport, STORAGE_NAMES } from './RecoveryReport.tsx';
import { useRealCrash, type CrashPhase, type RealCrashView } from './useRealCrash.ts';
import './playground.css';
import './real-crash.css';

/** The live region's words for each phase (progress numbers stay out of it: they change too often). */
const PHASE_TEXT: Record<CrashPhase, string> = {
  looking: 'Looking for a job kept in this browser…',
  booting: 'Preparing the database in this browser’s storage…',
  empty: 'Ready. Nothing is stored yet: start the job.',
  unfinished: 'An unfinished job is stored in this browser.',
  running: 'The job is running, one chunk per checkpoint.',
  recovering: 'The worker is dead. A new one is reopening the storage…',
  finished: 'The job has finished.',
  failed: 'The stored database could not be used.',
};

/** The slow part of opening, named: a first visit creates the database, a kill may leave it locked a moment. */
function stepText(step: OpenStep | undefined): string {
  if (step?.step === 'creating') return 'Creating the database in this browser’s storage (first visit only: several seconds)…';
  if (step?.step === 'opening') return 'Opening the database kept in this browser…';
  if (step?.step === 'waiting')
    return `Waiting for the storage to be let go of, by the dead worker or another tab (attempt ${step.attempt})…`;
  return 'Starting Postgres…';
}

function StorageLine({ view }: { view: RealCrashView }) {
  const { storage, boot, phase, step, kind } = view;
  const opening = phase === 'booting' || phase === 'recovering';
  if (opening && boot.stage === 'download') {
    return (
      <ProgressBar stage="download" loadedBytes={boot.loadedBytes} totalBytes={boot.totalBytes} label="Loading Postgres for this section" />
    );
  }
  if (opening) {
    return (
      <div className="fl-progress">
        <progress className="fl-progress__bar" aria-label="Opening the stored database" aria-describedby="real-crash-step" />
        <p className="fl-progress__text" id="real-crash-step">
          {stepText(step)}
        </p>
      </div>
    );
  }
  if (!storage) {
    const where = kind ? STORAGE_NAMES[kind] : 'this browser’s storage';
    const text =
      phase === 'empty'
        ? `Nothing is stored in this browser yet. Starting the job creates its database in ${where}, where it stays until you start over.`
        : phase === 'failed'
          ? `No database is open (it would be kept in ${where}).`
          : `Looking in ${where}…`;
    return <p className="fl-crash__storage">{text}</p>;
  }
  return (
    <p className="fl-crash__storage">
      Kept in {STORAGE_NAMES[storage.kind]} as <code>{storage.url}</code>; {storage.created ? 'created' : 'opened'} in{' '}
      {(storage.openMs / 1000).toFixed(2)} s.
    </p>
  );
}

function Figures({ view, items }: { view: RealCrashView; items: number }) {
  const stored = view.stored;
  const lastId = stored?.checkpoint?.lastId ?? 0;
  const figure = (value: number | undefined) => (stored ? String(value ?? 0) : '—');
  return (
    <div className="fl-crash__meter">
      <progress className="fl-progress__bar" max={items} value={lastId} aria-label="Checkpoint position" />
      <dl className="fl-crash__figures">
        <div>
          <dt>Checkpoint</dt>
          <dd>{stored?.checkpoint ? `item ${lastId} of ${items}` : '—'}</dd>
        </div>
        <div>
          <dt>Epoch</dt>
          <dd>{figure(stored?.checkpoint?.epoch)}</dd>
        </div>
        <div>
          <dt>Invoices committed</dt>
          <dd>{figure(stored?.invoices)}</dd>
        </div>
        <div>
          <dt>Duplicates · gaps</dt>
          <dd>{stored ? `${stored.duplicates} · ${stored.gaps}` : '—'}</dd>
        </div>
      </dl>
    </div>
  );
}

/** The kernel's verdicts over the durable tables (no timeline here, so no step to jump to). */
function Verdicts({ results, finished }: { results: readonly InvariantResult[]; finished: boolean }) {
  const shown = results.map(({ firstBroken: _, ...result }) => result);
  return <InvariantReport results={shown} finished={finished} onJump={() => undefined} />;
}

/**
 * The checkpointing job on a database that outlives its worker: the reader kills the worker for
 * real (or reloads the page) mid-job, and a new one resumes from what was committed. Before it
 * hydrates it renders the same frame, with the explanation and every control disabled.
 */
export function RealCrash({ params, invariants }: { params: Params; invariants: PatternInfo['invariants'] }) {
  const { view, start, kill, reload, startOver, retry } = useRealCrash(params);
  const { phase } = view;
  const items = params.items ?? 0;
  const results = view.invariants ?? invariants.map((inv) => ({ ...inv, ok: undefined, violations: [], violationCount: 0 }));
  const primary =
    phase === 'unfinished'
      ? { label: 'Resume the job', action: start }
      : phase === 'failed'
        ? { label: 'Try again', action: retry }
        : { label: 'Start the job', action: start };
  return (
    <section
      className="fl-playground fl-crash"
      data-real-crash=""
      data-phase={phase}
      data-items={items}
      data-checkpoint={view.stored?.checkpoint?.lastId ?? ''}
      data-invoices={view.stored?.invoices ?? ''}
      data-duplicates={view.stored?.duplicates ?? ''}
      data-gaps={view.stored?.gaps ?? ''}
      data-storage={view.storage?.kind ?? ''}
      data-open-ms={view.storage?.openMs ?? ''}
      aria-labelledby="real-crash-title"
    >
      <header className="fl-playground__header">
        <h3 id="real-crash-title">Kill it for real</h3>
        <span className="fl-status" data-status={phase === 'failed' ? 'error' : phase}>
          {phase}
        </span>
      </header>
      <p className="fl-playground__prompt">
        No simulated crash this time. The same invoice run works through {items} items in chunks of {params.chunkSize}, at real-time pace,
        on a Postgres that keeps its files in your browser's storage. Kill its worker mid-chunk, or reload the whole page: a new worker
        opens the same files, takes a new fencing epoch and carries on from the last checkpoint. Then check what survived.
      </p>
      <div className="fl-boot">
        <StorageLine view={view} />
      </div>
      <Figures view={view} items={items} />
      <div className="fl-controls fl-crash__controls">
        <button
          type="button"
          className="fl-button fl-button--primary"
          onClick={primary.action}
          disabled={!(phase === 'empty' || phase === 'unfinished' || phase === 'failed')}
        >
          {primary.label}
        </button>
        <button type="button" className="fl-button fl-crash__kill" onClick={kill} disabled={phase !== 'running'}>
          Kill the worker
        </button>
        <button type="button" className="fl-button" onClick={reload} disabled={phase !== 'running'}>
          Reload the page
        </button>
        <button
          type="button"
          className="fl-button fl-button--quiet fl-crash__over"
          onClick={startOver}
          disabled={phase === 'looking' || phase === 'booting' || phase === 'recovering'}
        >
          Start over
        </button>
      </div>
      <p className="fl-live" role="status">
        {PHASE_TEXT[phase]}
      </p>
      {view.error && (
        <p className="fl-error" role="alert">
          {view.error}
        </p>
      )}
      {view.recovery && <RecoveryReport recovery={view.recovery} chunkSize={params.chunkSize ?? 0} />}
      <Verdicts results={results} finished={phase === 'finished'} />
    </section>
  );
}
