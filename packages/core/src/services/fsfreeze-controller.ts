import { inject, injectable, optional } from 'inversify';
import type { AgentConfig } from '../agent/agent-config.js';
import type { ExecPort } from '../ports/exec-port.js';
import type { FsFreezePort } from '../ports/fsfreeze-port.js';
import type { Logger, LogLevel } from '../ports/logger-port.js';
import { QgaError } from '../protocol/qga-error.js';
import { INTERNAL_TOKENS, TOKENS } from '../tokens.js';
import { SerialQueue } from '../util/serial-queue.js';
import { errorText } from '../util/strerror.js';
import type { FreezeState } from './freeze-state.js';
import { runProgram } from './program-runner.js';
import type { StateStore } from './state-store.js';

/**
 * The freeze/thaw sequence of docs/commands.md#filesystem-freeze, the fsfreeze hook, and an
 * agent-side auto-thaw so a host that vanishes mid-backup cannot leave the
 * guest frozen. Operations (commands and the timer) run one at a time.
 *
 * Deviation from qemu-ga: when a freeze ends up freezing nothing, the thaw
 * hook runs too, so every successful `<hook> freeze` is paired with a
 * `<hook> thaw` (qemu-ga leaves whatever the freeze hook locked locked).
 */
@injectable()
export class FsFreezeController {
  private readonly queue = new SerialQueue();
  private timer?: NodeJS.Timeout;
  private frozenSince?: number;

  constructor(
    @inject(INTERNAL_TOKENS.FreezeState) private readonly state: FreezeState,
    @inject(INTERNAL_TOKENS.StateStore) private readonly store: StateStore,
    @inject(TOKENS.AgentConfig) private readonly config: AgentConfig,
    @inject(TOKENS.FsFreezePort) @optional() private readonly port?: FsFreezePort,
    @inject(TOKENS.ExecPort) @optional() private readonly exec?: ExecPort,
    @inject(TOKENS.Logger) @optional() private readonly logger?: Logger,
  ) {}

  get frozen(): boolean {
    return this.state.frozen;
  }

  /** Call once after StateStore.load(): a previous instance that died frozen leaves us frozen. */
  init(): void {
    if (this.store.startedFrozen && !this.state.frozen) {
      this.state.set(true);
      this.frozenSince = Date.now();
      this.armAutoThaw();
    }
  }

  /** guest-fsfreeze-freeze / -freeze-list: returns the number of filesystems frozen. */
  freeze(mountpoints?: readonly string[]): Promise<number> {
    return this.queue.run(async () => {
      this.log('info', 'guest-fsfreeze called');
      const port = this.requirePort();
      // Before anything is frozen: a failing hook fails the command with nothing to undo.
      await this.runHook('freeze');
      await this.enterFrozen();
      let count: number;
      try {
        count = await port.freeze(mountpoints);
      } catch (e) {
        await this.thawNow().catch((err: unknown) => this.log('error', `thaw after failed freeze: ${errorText(err)}`));
        throw e;
      }
      if (count === 0) {
        await this.leaveFrozen();
        await this.runHook('thaw').catch((err: unknown) => this.log('error', errorText(err)));
      }
      return count;
    });
  }

  /** guest-fsfreeze-thaw: always allowed, returns the number thawed (0 when nothing was frozen). */
  thaw(): Promise<number> {
    return this.queue.run(() => this.thawNow());
  }

  /** Agent shutdown: thaw if still frozen, never throw. */
  async thawIfFrozen(): Promise<void> {
    this.clearAutoThaw();
    if (!this.state.frozen) return;
    await this.queue
      .run(async () => {
        if (this.state.frozen) await this.thawNow();
      })
      .catch((e: unknown) => this.log('error', `failed to clean up frozen filesystems: ${errorText(e)}`));
  }

  /** Stop the auto-thaw timer (tests, agent shutdown). */
  dispose(): void {
    this.clearAutoThaw();
  }

  private async thawNow(): Promise<number> {
    // If the kernel side fails we stay frozen (as qemu-ga) and report it.
    const count = this.port !== undefined ? await this.port.thaw() : 0;
    await this.leaveFrozen();
    // After thawing: a failing thaw hook is reported although filesystems are thawed.
    await this.runHook('thaw');
    return count;
  }

  private async enterFrozen(): Promise<void> {
    try {
      await this.store.setFrozenMarker(true);
    } catch (e) {
      this.log('warning', `unable to create isfrozen marker, fsfreeze may not function properly: ${errorText(e)}`);
    }
    this.state.set(true);
    this.frozenSince = Date.now();
    this.armAutoThaw();
  }

  private async leaveFrozen(): Promise<void> {
    this.clearAutoThaw();
    this.frozenSince = undefined;
    this.state.set(false);
    try {
      await this.store.setFrozenMarker(false);
    } catch (e) {
      this.log('warning', `unable to delete isfrozen marker, fsfreeze may not function properly: ${errorText(e)}`);
    }
  }

  private armAutoThaw(): void {
    this.clearAutoThaw();
    const ms = this.config.freezeTimeoutMs;
    if (!(ms > 0) || !Number.isFinite(ms)) return;
    this.timer = setTimeout(() => void this.autoThaw(ms), ms);
    this.timer.unref();
  }

  private clearAutoThaw(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async autoThaw(ms: number): Promise<void> {
    this.timer = undefined;
    await this.queue.run(async () => {
      if (!this.state.frozen) return;
      const since = this.frozenSince;
      try {
        const count = await this.thawNow();
        // Logged after thawing: the logger is silent while frozen.
        this.log(
          'warning',
          `auto-thaw: filesystems were frozen for ${since === undefined ? ms : Date.now() - since} ms (limit ${ms} ms); thawed ${count}`,
        );
      } catch (e) {
        this.log('error', `auto-thaw failed: ${errorText(e)}`);
        if (this.state.frozen) this.armAutoThaw(); // try again later
      }
    });
  }

  private async runHook(arg: 'freeze' | 'thaw'): Promise<void> {
    const hook = this.config.fsfreezeHook;
    if (hook === undefined || hook === '') return;
    this.log('info', `executing fsfreeze hook with arg '${arg}'`);
    if (this.exec === undefined) {
      throw new QgaError(`child process has failed to execute fsfreeze hook: failed to exec '${hook}': Function not implemented\n`);
    }
    await runProgram(this.exec, [hook, arg], 'execute fsfreeze hook');
  }

  private requirePort(): FsFreezePort {
    if (this.port === undefined) throw new QgaError('fsfreeze is not supported by this backend');
    return this.port;
  }

  private log(level: LogLevel, message: string): void {
    this.logger?.log(level, message);
  }
}
