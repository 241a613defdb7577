import { Observable, type Subscriber } from 'rxjs';
import type { Transport, TransportSession } from '@qga/core';
import { SessionTracker, type SessionTrackerOptions } from './session-tracker.js';

/**
 * Starts listening for one subscription and calls `listening` once bound;
 * returns what stops it (undefined if it failed to start).
 */
export type ServeSessions = (
  tracker: SessionTracker,
  subscriber: Subscriber<TransportSession>,
  listening: () => void,
) => (() => void) | undefined;

/**
 * The shape every socket transport here shares: each subscription listens
 * anew with its own SessionTracker; unsubscribing stops listening, then drops
 * the clients still connected.
 */
export function socketTransport(description: string, options: SessionTrackerOptions, serve: ServeSessions): Transport {
  return {
    description,
    announcesListening: true,
    sessions: (events) =>
      new Observable<TransportSession>((subscriber) => {
        const tracker = new SessionTracker(description, options);
        const stop = serve(tracker, subscriber, () => events?.listening?.());
        return () => {
          stop?.();
          tracker.destroyAll();
        };
      }),
  };
}
