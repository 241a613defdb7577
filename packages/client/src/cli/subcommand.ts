import type { QgaClient } from '../client/qga-client.js';
import type { CliIo } from './cli-io.js';

export interface SubcommandContext {
  readonly io: CliIo;
  readonly json: boolean;
}

/** Runs against a connected client; resolves with the exit status. */
export type SubcommandRun = (client: QgaClient) => Promise<number>;

/**
 * Checks the arguments (throwing UsageError before any connection is made)
 * and returns the action to run once connected.
 */
export type Subcommand = (args: readonly string[], ctx: SubcommandContext) => SubcommandRun | Promise<SubcommandRun>;
