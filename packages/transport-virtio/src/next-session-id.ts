// One counter per process, shared with every copy of the transport packages, so
// session ids stay unique in logs even when several transports run side by side.
const COUNTER = Symbol.for('qga.transport.sessionCounter');

type CounterHolder = { [COUNTER]?: number };

export function nextSessionId(): number {
  const holder = globalThis as CounterHolder;
  const id = (holder[COUNTER] ?? 0) + 1;
  holder[COUNTER] = id;
  return id;
}
