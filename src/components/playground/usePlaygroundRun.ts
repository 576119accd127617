import { useMachine } from '@xstate/react';
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import type { BootProgress, PlaygroundReport, QueryAnswer, RunRequest, TraceEvent } from '../../../playgrounds/worker/api.ts';
import { onWorkerReplaced, playgroundWorker, replaceWorker, stopListening } from '../../../playgrounds/worker/client.ts';
import { playgroundLifecycle, type LifecycleState } from './lifecycle.ts';

const POLL_INTERVAL_MS = 60;

/** How long a reader's query may run before the worker is replaced and the runs replayed. */
const QUERY_WATCHDOG_MS = 5_000;

export interface RunView {
  state: LifecycleState;
  progress: BootProgress;
  report: PlaygroundReport | undefined;
  /** Every trace event received so far, per side. */
  events: TraceEvent[][];
  error: string | undefined;
  notice: string | undefined;
  /** Values in the page's link that could not be used (each replaced by the preset's). */
  linkErrors: string[];
}

function workerError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Drives one playground's run in the shared worker: opens it, plays, pauses, steps, injects
 * faults, and polls the worker once per animation frame while it runs (never more often), so
 * the page only draws and the worker does all the work.
 */
export function usePlaygroundRun(
  initial: RunRequest,
  /** Reads the page's link after hydration (never during it, so server and client render alike). */
  fromLocation: () => { request: RunRequest; run: boolean; errors: string[] },
) {
  const [snapshot, send] = useMachine(playgroundLifecycle);
  const [progress, setProgress] = useState<BootProgress>({ stage: 'download', loadedBytes: 0, totalBytes: 0 });
  const [report, setReport] = useState<PlaygroundReport>();
  const [events, setEvents] = useState<TraceEvent[][]>([]);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [linkErrors, setLinkErrors] = useState<string[]>([]);
  const request = useRef(initial);
  const cursors = useRef<number[]>([]);
  const polling = useRef(false);

  const api = () => playgroundWorker().api;

  const absorb = useCallback(
    (next: PlaygroundReport) => {
      setReport(next);
      if (next.events.some((batch) => batch.length > 0)) {
        // Drawing the timelines is the heaviest work on the page: as a transition, React renders
        // it in slices and keeps the main thread free for the reader (no long tasks).
        startTransition(() =>
          setEvents((previous) =>
            next.events.map((batch, i) => (batch.length > 0 ? [...(previous[i] ?? []), ...batch] : (previous[i] ?? []))),
          ),
        );
        cursors.current = next.events.map((batch, i) => (cursors.current[i] ?? 0) + batch.length);
      }
      if (next.status === 'finished') send({ type: 'FINISHED' });
      if (next.status === 'error') {
        setError(next.error ?? 'the run stopped with an error');
        send({ type: 'FAILED' });
      }
      return next;
    },
    [send],
  );

  const poll = useCallback(async () => absorb(await api().poll(request.current.instanceId, cursors.current)), [absorb]);

  /**
   * Polls on animation frames, at most every POLL_INTERVAL_MS, until the run stops running. On
   * two cores the page's drawing competes with the worker for CPU, so drawing less often lets
   * the simulation run faster; 16 updates a second still reads as motion.
   */
  const follow = useCallback(() => {
    if (polling.current) return;
    polling.current = true;
    let last = 0;
    const tick = async () => {
      if (performance.now() - last < POLL_INTERVAL_MS) {
        requestAnimationFrame(() => void tick());
        return;
      }
      last = performance.now();
      try {
        const next = await poll();
        // Keep polling while it runs, and until every event has arrived (polls hand over a bounded batch).
        const behind = next.sides.some((side, i) => (cursors.current[i] ?? 0) < side.traceLength);
        if (next.status === 'running' || behind) {
          requestAnimationFrame(() => void tick());
          return;
        }
      } catch (e) {
        setError(workerError(e));
        send({ type: 'FAILED' });
      }
      polling.current = false;
    };
    void tick();
  }, [poll, send]);

  const open = useCallback(
    async (next: RunRequest) => {
      request.current = next;
      cursors.current = [];
      setEvents([]);
      setError(undefined);
      const opened = await api().open(next);
      cursors.current = opened.sides.map(() => 0);
      absorb(opened);
      return opened;
    },
    [absorb],
  );

  // Boot the shared worker, then open this playground's run (and run it, if the link asks).
  useEffect(() => {
    let cancelled = false;
    const listen = (p: BootProgress) => !cancelled && setProgress(p);
    const linked = fromLocation();
    request.current = linked.request;
    setLinkErrors(linked.errors);
    const shared = playgroundWorker(listen);
    shared.ready
      .then(async () => {
        if (cancelled) return;
        send({ type: 'BOOTED' });
        await open(request.current);
        if (linked.run) {
          // Run at full speed, drawing as it goes, so the reader sees the run unfold.
          await api().setSpeed(request.current.instanceId, 0);
          send({ type: 'RUN' });
          await api().play(request.current.instanceId);
          follow();
        }
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        setError(`The database engine could not start: ${workerError(e)}`);
        send({ type: 'FAILED' });
      });
    return () => {
      cancelled = true;
      stopListening(listen);
      void api().close(request.current.instanceId);
    };
    // Mount once: later changes go through reset().
  }, []);

  // When another playground's runaway query replaced the worker, replay this run to where it was.
  useEffect(() => {
    const unsubscribe = onWorkerReplaced(async () => {
      // A poll that was waiting on the old worker will never answer: start polling afresh.
      polling.current = false;
      const vt = report?.sides[0]?.vt ?? 0;
      const plan = report?.sides[0]?.plan ?? request.current.plan;
      await playgroundWorker().ready;
      await open({ ...request.current, plan });
      if (vt > 0) {
        await api().seek(request.current.instanceId, vt);
      }
      follow();
    });
    return () => void unsubscribe();
  }, [open, follow, report]);

  const state: LifecycleState = snapshot.value;

  return {
    view: { state, progress, report, events, error, notice, linkErrors } satisfies RunView,
    request: request.current,
    run: () => {
      send({ type: 'RUN' });
      void api().play(request.current.instanceId);
      follow();
    },
    pause: async () => {
      send({ type: 'PAUSE' });
      await api().pause(request.current.instanceId);
      await poll();
    },
    step: async () => {
      send({ type: 'STEP' });
      await api().step(request.current.instanceId);
      await poll();
    },
    setSpeed: (speed: number) => void api().setSpeed(request.current.instanceId, speed),
    reset: async (next: RunRequest) => {
      send({ type: 'RESET' });
      try {
        await open(next);
        send({ type: 'OPENED' });
      } catch (e) {
        setError(workerError(e));
        send({ type: 'FAILED' });
      }
    },
    inject: async (fault: string) => {
      const problem = await api().inject(request.current.instanceId, fault);
      if (!problem) await poll();
      return problem;
    },
    query: async (side: number, sql: string): Promise<QueryAnswer> => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const watchdog = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), QUERY_WATCHDOG_MS)));
      const answer = await Promise.race([api().query(request.current.instanceId, side, sql), watchdog]);
      clearTimeout(timer);
      if (answer !== 'timeout') return answer;
      setNotice('That query ran for more than 5 seconds. The database was restarted and every run on this page replayed to where it was.');
      replaceWorker();
      return { ok: false, error: `stopped after ${QUERY_WATCHDOG_MS / 1000} s: the database was restarted and the run replayed` };
    },
    dismissNotice: () => setNotice(undefined),
  };
}
