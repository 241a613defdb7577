// One counter per process, shared by every transport (and every copy of
// @qga/core), so session ids stay unique in logs even when several transports
// run side by side.
const COUNTER = Symbol.for('qga.transport.sessionCounter');

type CounterHolder = { [COUNTER]?: number };

/** The next TransportSession id: 1, 2, 3, … across all transports in this process. */
export function nextSessionId(): number {
  const holder = globalThis as CounterHolder;
  const id = (holder[COUNTER] ?? 0) + 1;
  holder[COUNTER] = id;
  return id;
}
