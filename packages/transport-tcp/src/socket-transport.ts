import { Observable, type Subscriber } from 'rxjs';
import type { Transport, TransportSession } from '@qga/core';
import { SessionTracker, type SessionTrackerOptions } from './session-tracker.js';

/** Starts listening for one subscription; returns what stops it (undefined if it failed to start). */
export type ServeSessions = (tracker: SessionTracker, subscriber: Subscriber<TransportSession>) => (() => void) | undefined;

/**
 * The shape every socket transport here shares: each subscription listens
 * anew with its own SessionTracker; unsubscribing stops listening, then drops
 * the clients still connected.
 */
export function socketTransport(description: string, options: SessionTrackerOptions, serve: ServeSessions): Transport {
  return {
    description,
    sessions: () =>
      new Observable<TransportSession>((subscriber) => {
        const tracker = new SessionTracker(description, options);
        const stop = serve(tracker, subscriber);
        return () => {
          stop?.();
          tracker.destroyAll();
        };
      }),
  };
}
