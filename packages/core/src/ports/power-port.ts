/** How `guest-shutdown` stops the guest. */
export type ShutdownMode = 'halt' | 'powerdown' | 'reboot';
/** Which sleep state a `guest-suspend-*` command asks for. */
export type SuspendMode = 'disk' | 'ram' | 'hybrid';

/** Shutdown and suspend of the guest. */
export interface PowerPort {
  /** Resolves once the shutdown was started; throws a QgaError when it could not be. */
  shutdown(mode: ShutdownMode): Promise<void>;
  /** Resolves once the suspend was started; throws a QgaError when unsupported or failed. */
  suspend(mode: SuspendMode): Promise<void>;
}
