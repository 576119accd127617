import { setup } from 'xstate';

/**
 * The playground's lifecycle as a statechart. The worker is the source of truth about a run;
 * this machine decides what the reader may do in each state (which buttons are live) and
 * names the state the page exposes as `data-status`.
 */
export const playgroundLifecycle = setup({
  types: {
    events: {} as
      | { type: 'BOOTED' }
      | { type: 'FAILED' }
      | { type: 'RUN' }
      | { type: 'PAUSE' }
      | { type: 'STEP' }
      | { type: 'FINISHED' }
      | { type: 'RESET' }
      | { type: 'OPENED' }
      | { type: 'RETRY' },
  },
}).createMachine({
  id: 'playground',
  initial: 'booting',
  states: {
    booting: { on: { BOOTED: 'ready', FAILED: 'error' } },
    ready: { on: { RUN: 'running', STEP: 'paused', FINISHED: 'finished', RESET: 'resetting', FAILED: 'error' } },
    running: { on: { PAUSE: 'paused', FINISHED: 'finished', FAILED: 'error', RESET: 'resetting' } },
    paused: { on: { RUN: 'running', STEP: 'paused', FINISHED: 'finished', RESET: 'resetting', FAILED: 'error' } },
    finished: { on: { RESET: 'resetting', FAILED: 'error' } },
    resetting: { on: { OPENED: 'ready', FAILED: 'error' } },
    error: { on: { RETRY: 'booting', RESET: 'resetting' } },
  },
});

export type LifecycleState = 'booting' | 'ready' | 'running' | 'paused' | 'finished' | 'resetting' | 'error';
