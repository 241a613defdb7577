import { versionLess, type Target } from './agents.js';

/** A place where our agent differs from qemu-ga on purpose. */
export interface Deviation<T> {
  /** What qemu-ga (the reference) does. */
  readonly qemuGa: T;
  /** What our agent does instead. */
  readonly ours: T;
  /** Why: a spec section or design decision. Required, so every deviation is explained in code. */
  readonly why: string;
}

/** The expectation for `target`. The reason is mandatory so every deviation is explained where it is tested. */
export function expectDeviation<T>(target: Target, d: Deviation<T>): T {
  if (!d.why.trim()) throw new Error('expectDeviation needs a reason');
  return target.name === 'ours' ? d.ours : d.qemuGa;
}

/**
 * A deviation about client connections (each gets a fresh parser, several at
 * once). Over a virtio-serial port every host connection feeds one byte
 * stream and the agent never sees clients come and go, so there ours must
 * behave as qemu-ga does.
 */
export function expectConnectionDeviation<T>(target: Target, agent: { readonly sharedStream: boolean }, d: Deviation<T>): T {
  return agent.sharedStream ? d.qemuGa : expectDeviation(target, d);
}

/**
 * Behaviour that changed upstream in `version` (e.g. '8.0' for the exec
 * capture modes). qemu-ga older than that must show `before`; our agent
 * follows the current upstream line (10.2.50) and must show `since`.
 */
export function sinceQemu<T>(target: Target, version: string, d: { readonly before: T; readonly since: T }): T {
  return versionLess(target.version, version) ? d.before : d.since;
}

/** True if the target implements upstream `version` or later. */
export function hasQemu(target: Target, version: string): boolean {
  return !versionLess(target.version, version);
}
