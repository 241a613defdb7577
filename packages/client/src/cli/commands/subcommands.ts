import type { Subcommand } from '../subcommand.js';
import { call } from './call-command.js';
import { exec } from './exec-command.js';
import { cat, put } from './file-commands.js';
import { fsfreeze } from './fsfreeze-command.js';
import { fstrim } from './fstrim-command.js';
import { shutdown, suspend } from './power-commands.js';
import { raw } from './raw-command.js';
import { shell } from './shell-command.js';
import { pull, push } from './transfer-commands.js';
import { hostname, ifconfig, info, osinfo, ping, time, timezone } from './simple-commands.js';

/** Every qga-client subcommand by name. */
export const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  ping,
  info,
  exec,
  shell,
  cat,
  put,
  push,
  pull,
  fsfreeze,
  fstrim,
  ifconfig,
  hostname,
  osinfo,
  timezone,
  time,
  shutdown,
  suspend,
  raw,
  call,
};
