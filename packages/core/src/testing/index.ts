// Test helpers for embedders and host-tool authors: "@qga/core/testing".
export type { MemoryClient } from './memory-transport.js';
export type { EchoAgent, SessionStats } from './echo-agent.js';
export { MemoryTransport } from './memory-transport.js';
export { startEchoAgent } from './echo-agent.js';
