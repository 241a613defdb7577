import { closeInheritedFdsOnExec, nativeAvailable } from '@qga/native-linux';

/**
 * Before a spawn: descriptors the agent inherited are not passed on to the
 * child (see @qga/native-linux). Without the native layer, children inherit
 * them as before; nothing else depends on it.
 */
export function passOnlyStdio(): void {
  if (nativeAvailable()) closeInheritedFdsOnExec();
}
