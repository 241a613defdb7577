import { inject, injectable } from 'inversify';
import type { Command, CommandSpec } from '../dispatch/command.js';
import type { StoragePort } from '../ports/storage-port.js';
import type { GuestDiskInfo, GuestDiskStatsInfo, GuestFilesystemInfo } from '../schema/guest-types.js';
import { TOKENS } from '../tokens.js';

@injectable()
export class GuestGetDisksCommand implements Command<Record<string, never>, GuestDiskInfo[]> {
  readonly spec: CommandSpec = { name: 'guest-get-disks' };

  constructor(@inject(TOKENS.StoragePort) private readonly storage: StoragePort) {}

  run(): Promise<GuestDiskInfo[]> {
    return this.storage.disks();
  }
}

@injectable()
export class GuestGetFsinfoCommand implements Command<Record<string, never>, GuestFilesystemInfo[]> {
  readonly spec: CommandSpec = { name: 'guest-get-fsinfo' };

  constructor(@inject(TOKENS.StoragePort) private readonly storage: StoragePort) {}

  run(): Promise<GuestFilesystemInfo[]> {
    return this.storage.filesystems();
  }
}

@injectable()
export class GuestGetDiskstatsCommand implements Command<Record<string, never>, GuestDiskStatsInfo[]> {
  readonly spec: CommandSpec = { name: 'guest-get-diskstats' };

  constructor(@inject(TOKENS.StoragePort) private readonly storage: StoragePort) {}

  run(): Promise<GuestDiskStatsInfo[]> {
    return this.storage.diskStats();
  }
}
