import { backoffDelay, type BackoffOptions } from './backoff.js';

/**
 * The reconnect logic of a character-device channel as a pure reducer:
 * (state, event) → (state, actions). The I/O shell (char-device-channel.ts)
 * performs the actions and feeds the results back as events.
 */

/** What a read of 0 bytes means. */
export type EofPolicy =
  /** virtio-serial: no host is connected; keep the fd, back off, read again. */
  | 'wait'
  /** isa-serial: the line hung up; close and reopen the device (qemu-ga goes deaf here). */
  | 'reopen';

export interface MachinePolicy {
  readonly eof: EofPolicy;
  /**
   * With eof 'wait': an EOF ends the current session and the next bytes start a
   * new one (a fresh parser per host connection). Otherwise one session lasts as
   * long as the device stays open, like qemu-ga's parser that survives reconnects.
   */
  readonly sessionPerConnection: boolean;
  /** Reopen after open/read/write errors (qemu-ga's -r). Without it the channel fails. */
  readonly retry: boolean;
  readonly backoff: BackoffOptions;
}

export type Phase =
  | 'idle'
  | 'opening'
  /** waiting to open again */
  | 'open-wait'
  /** device open, a read is wanted */
  | 'reading'
  /** device open, backing off after EOF */
  | 'read-wait'
  | 'stopped'
  | 'failed';

export interface MachineState {
  readonly phase: Phase;
  /** Consecutive EOFs/errors with no data in between; drives the backoff. */
  readonly failures: number;
  readonly session: boolean;
}

export type MachineEvent =
  | { readonly type: 'start' }
  | { readonly type: 'opened' }
  | { readonly type: 'open-failed'; readonly error: Error }
  | { readonly type: 'data' }
  | { readonly type: 'eof' }
  | { readonly type: 'io-error'; readonly error: Error }
  | { readonly type: 'timer' }
  /** The agent closed the current session. */
  | { readonly type: 'session-closed' }
  | { readonly type: 'stop' };

export type MachineAction =
  | { readonly type: 'open' }
  | { readonly type: 'close' }
  | { readonly type: 'read' }
  | { readonly type: 'wait'; readonly ms: number }
  | { readonly type: 'start-session' }
  | { readonly type: 'deliver' }
  | { readonly type: 'end-session' }
  | { readonly type: 'fail'; readonly error: Error };

export interface Step {
  readonly state: MachineState;
  readonly actions: readonly MachineAction[];
}

export const INITIAL_STATE: MachineState = { phase: 'idle', failures: 0, session: false };

const OPEN_PHASES: ReadonlySet<Phase> = new Set(['reading', 'read-wait']);

/** Sessions start when the device opens unless they follow host connections (then: on first data). */
function sessionOnOpen(policy: MachinePolicy): boolean {
  return !(policy.eof === 'wait' && policy.sessionPerConnection);
}

export function step(state: MachineState, event: MachineEvent, policy: MachinePolicy): Step {
  const { phase } = state;
  // The shell closes a descriptor whose open completes when none is wanted (after stop, …).
  if (phase === 'stopped' || phase === 'failed') return { state, actions: [] };
  const endSession: MachineAction[] = state.session ? [{ type: 'end-session' }] : [];

  switch (event.type) {
    case 'stop':
      return {
        state: { ...state, phase: 'stopped', session: false },
        actions: [...endSession, ...(OPEN_PHASES.has(phase) ? [{ type: 'close' } as const] : [])],
      };
    case 'start':
      return phase === 'idle' ? { state: { ...state, phase: 'opening' }, actions: [{ type: 'open' }] } : { state, actions: [] };
    case 'opened': {
      if (phase !== 'opening') return { state, actions: [] };
      const startNow = sessionOnOpen(policy);
      return {
        state: { ...state, phase: 'reading', session: startNow },
        actions: [...(startNow ? [{ type: 'start-session' } as const] : []), { type: 'read' }],
      };
    }
    case 'open-failed': {
      if (phase !== 'opening') return { state, actions: [] };
      if (!policy.retry) return { state: { ...state, phase: 'failed' }, actions: [{ type: 'fail', error: event.error }] };
      const failures = state.failures + 1;
      return {
        state: { ...state, phase: 'open-wait', failures },
        actions: [{ type: 'wait', ms: backoffDelay(failures, policy.backoff) }],
      };
    }
    case 'timer':
      if (phase === 'open-wait') return { state: { ...state, phase: 'opening' }, actions: [{ type: 'open' }] };
      if (phase === 'read-wait') return { state: { ...state, phase: 'reading' }, actions: [{ type: 'read' }] };
      return { state, actions: [] };
    case 'data': {
      if (phase !== 'reading') return { state, actions: [] };
      return {
        state: { ...state, failures: 0, session: true },
        actions: [...(state.session ? [] : [{ type: 'start-session' } as const]), { type: 'deliver' }, { type: 'read' }],
      };
    }
    case 'eof': {
      if (phase !== 'reading') return { state, actions: [] };
      const failures = state.failures + 1;
      const wait: MachineAction = { type: 'wait', ms: backoffDelay(failures, policy.backoff) };
      if (policy.eof === 'reopen') {
        return { state: { ...state, phase: 'open-wait', failures, session: false }, actions: [...endSession, { type: 'close' }, wait] };
      }
      const ends = policy.sessionPerConnection;
      return {
        state: { ...state, phase: 'read-wait', failures, session: ends ? false : state.session },
        actions: [...(ends ? endSession : []), wait],
      };
    }
    case 'io-error': {
      if (!OPEN_PHASES.has(phase)) return { state, actions: [] };
      if (!policy.retry) {
        return {
          state: { ...state, phase: 'failed', session: false },
          actions: [...endSession, { type: 'close' }, { type: 'fail', error: event.error }],
        };
      }
      const failures = state.failures + 1;
      return {
        state: { ...state, phase: 'open-wait', failures, session: false },
        actions: [...endSession, { type: 'close' }, { type: 'wait', ms: backoffDelay(failures, policy.backoff) }],
      };
    }
    case 'session-closed': {
      if (!state.session) return { state, actions: [] };
      // A device cannot be hung up from our side: replace the session so the agent gets a fresh parser.
      const startNow = OPEN_PHASES.has(phase) && sessionOnOpen(policy);
      return {
        state: { ...state, session: startNow },
        actions: [{ type: 'end-session' }, ...(startNow ? [{ type: 'start-session' } as const] : [])],
      };
    }
  }
}
