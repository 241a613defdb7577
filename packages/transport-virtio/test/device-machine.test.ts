import fc from 'fast-check';
import t from 'tap';
import { DEFAULT_BACKOFF } from '../src/backoff.js';
import {
  INITIAL_STATE,
  step,
  type MachineAction,
  type MachineEvent,
  type MachinePolicy,
  type MachineState,
} from '../src/device-machine.js';

const VIRTIO: MachinePolicy = { eof: 'wait', sessionPerConnection: true, retry: true, backoff: DEFAULT_BACKOFF };
const VIRTIO_QEMU: MachinePolicy = { ...VIRTIO, sessionPerConnection: false };
const ISA: MachinePolicy = { eof: 'reopen', sessionPerConnection: false, retry: true, backoff: DEFAULT_BACKOFF };
const err = new Error('EIO');

/** Run events from the initial state; return every step's actions (as compact strings) and the final state. */
function run(policy: MachinePolicy, events: MachineEvent[]): { trace: string[][]; state: MachineState } {
  let state = INITIAL_STATE;
  const trace: string[][] = [];
  for (const e of events) {
    const s = step(state, e, policy);
    state = s.state;
    trace.push(s.actions.map(show));
  }
  return { trace, state };
}

function show(a: MachineAction): string {
  return a.type === 'wait' ? `wait ${a.ms}` : a.type === 'fail' ? `fail ${a.error.message}` : a.type;
}

const E = {
  start: { type: 'start' },
  opened: { type: 'opened' },
  openFailed: { type: 'open-failed', error: err },
  data: { type: 'data' },
  eof: { type: 'eof' },
  ioError: { type: 'io-error', error: err },
  timer: { type: 'timer' },
  closed: { type: 'session-closed' },
  stop: { type: 'stop' },
} as const satisfies Record<string, MachineEvent>;

t.test('virtio: a session per host connection; EOF polling backs off', async (t) => {
  const { trace, state } = run(VIRTIO, [E.start, E.opened, E.eof, E.timer, E.eof, E.timer, E.data, E.data, E.eof, E.timer, E.data]);
  t.same(trace, [
    ['open'],
    ['read'], // no session until a host speaks
    ['wait 20'],
    ['read'],
    ['wait 40'],
    ['read'],
    ['start-session', 'deliver', 'read'],
    ['deliver', 'read'],
    ['end-session', 'wait 20'], // host went away: session over, backoff restarts after data
    ['read'],
    ['start-session', 'deliver', 'read'],
  ]);
  t.same(state, { phase: 'reading', failures: 0, session: true });
});

t.test('virtio, qemu-ga mode: one session per open device survives host reconnects', async (t) => {
  const { trace } = run(VIRTIO_QEMU, [E.start, E.opened, E.data, E.eof, E.timer, E.data]);
  t.same(trace, [['open'], ['start-session', 'read'], ['deliver', 'read'], ['wait 20'], ['read'], ['deliver', 'read']]);
});

t.test('isa: EOF closes and reopens (never deaf)', async (t) => {
  const { trace, state } = run(ISA, [
    E.start,
    E.opened,
    E.data,
    E.eof,
    E.timer,
    E.opened,
    E.eof,
    E.timer,
    E.openFailed,
    E.timer,
    E.opened,
    E.data,
  ]);
  t.same(trace, [
    ['open'],
    ['start-session', 'read'],
    ['deliver', 'read'],
    ['end-session', 'close', 'wait 20'],
    ['open'],
    ['start-session', 'read'],
    ['end-session', 'close', 'wait 40'], // EOF straight after reopening keeps backing off
    ['open'],
    ['wait 80'],
    ['open'],
    ['start-session', 'read'],
    ['deliver', 'read'],
  ]);
  t.equal(state.failures, 0);
});

t.test('missing device: open retried with growing delays up to the cap', async (t) => {
  const events: MachineEvent[] = [E.start];
  for (let i = 0; i < 9; i++) events.push(E.openFailed, E.timer);
  const { trace } = run(VIRTIO, events);
  t.same(
    trace.filter((a) => a[0]?.startsWith('wait')).map((a) => a[0]),
    ['wait 20', 'wait 40', 'wait 80', 'wait 160', 'wait 320', 'wait 640', 'wait 1000', 'wait 1000', 'wait 1000'],
  );
});

t.test('I/O errors reopen; without retry they fail', async (t) => {
  t.same(run(VIRTIO, [E.start, E.opened, E.data, E.ioError, E.timer]).trace.slice(3), [['end-session', 'close', 'wait 20'], ['open']]);
  t.same(run({ ...VIRTIO, retry: false }, [E.start, E.opened, E.data, E.ioError]).trace[3], ['end-session', 'close', 'fail EIO']);
  t.same(run({ ...ISA, retry: false }, [E.start, E.openFailed]).trace[1], ['fail EIO']);
  const failed = run({ ...ISA, retry: false }, [E.start, E.openFailed, E.timer, E.opened]);
  t.same(failed.trace.slice(2), [[], []], 'nothing happens after failing');
  t.equal(failed.state.phase, 'failed');
});

t.test('stop', async (t) => {
  t.same(run(VIRTIO, [E.start, E.opened, E.data, E.stop]).trace[3], ['end-session', 'close']);
  t.same(run(VIRTIO, [E.start, E.opened, E.eof, E.stop]).trace[3], ['close'], 'while backing off');
  t.same(
    run(VIRTIO, [E.start, E.stop, E.opened]).trace.slice(1),
    [[], []],
    "an open completing after stop is not the machine's (the shell closes it)",
  );
  t.same(run(VIRTIO, [E.start, E.openFailed, E.stop, E.timer]).trace.slice(2), [[], []]);
});

t.test('the agent closing a session', async (t) => {
  t.same(run(ISA, [E.start, E.opened, E.closed]).trace[2], ['end-session', 'start-session'], 'isa: replaced by a fresh session');
  t.same(
    run(VIRTIO, [E.start, E.opened, E.data, E.closed, E.data]).trace.slice(3),
    [['end-session'], ['start-session', 'deliver', 'read']],
    'virtio: next bytes start one',
  );
  t.same(run(VIRTIO, [E.start, E.opened, E.closed]).trace[2], [], 'no session, nothing to close');
});

t.test('invariants hold for any event sequence', async (t) => {
  const event = fc.constantFrom<MachineEvent>(...Object.values(E));
  const policy = fc.constantFrom(VIRTIO, VIRTIO_QEMU, ISA, { ...VIRTIO, retry: false }, { ...ISA, retry: false });
  fc.assert(
    fc.property(policy, fc.array(event, { maxLength: 60 }), (p, events) => {
      let state = INITIAL_STATE;
      let fdOpen = false;
      let sessions = 0;
      for (const e of events) {
        const before = state;
        const { state: next, actions } = step(state, e, p);
        for (const a of actions) {
          switch (a.type) {
            case 'start-session':
              if (sessions !== 0) throw new Error('two sessions at once');
              sessions += 1;
              break;
            case 'end-session':
              if (sessions !== 1) throw new Error('ended a session that was not live');
              sessions -= 1;
              break;
            case 'close':
              if (!fdOpen) throw new Error('closed with nothing open');
              fdOpen = false;
              break;
            case 'read':
            case 'deliver':
              if (!fdOpen && e.type !== 'opened') throw new Error(`${a.type} without an open device`);
              break;
            case 'wait':
              if (a.ms < p.backoff.initialMs || a.ms > p.backoff.maxMs) throw new Error(`wait ${a.ms} out of range`);
              break;
            default:
              break;
          }
        }
        if (e.type === 'opened' && next.phase === 'reading' && before.phase === 'opening') fdOpen = true;
        if (next.session !== (sessions === 1)) throw new Error(`session flag ${String(next.session)} but ${sessions} live`);
        if ((before.phase === 'stopped' || before.phase === 'failed') && actions.length > 0) throw new Error('acted after the end');
        state = next;
      }
      if (state.phase === 'stopped' && (fdOpen || sessions)) throw new Error('stop left something open');
    }),
    { numRuns: 2000 },
  );
  t.pass('2000 random sequences');
});
