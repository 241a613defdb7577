import { inject, injectable } from 'inversify';
import { qapi } from '../dispatch/arg-spec.js';
import type { Command, CommandSpec } from '../dispatch/command.js';
import type { CpuPort } from '../ports/cpu-port.js';
import type { GuestCpuStats, GuestLogicalProcessor } from '../schema/guest-types.js';
import { TOKENS } from '../tokens.js';

@injectable()
export class GuestGetVcpusCommand implements Command<Record<string, never>, GuestLogicalProcessor[]> {
  readonly spec: CommandSpec = { name: 'guest-get-vcpus' };

  constructor(@inject(TOKENS.CpuPort) private readonly cpu: CpuPort) {}

  run(): Promise<GuestLogicalProcessor[]> {
    return this.cpu.vcpus();
  }
}

export interface GuestSetVcpusArgs {
  readonly vcpus: readonly { readonly 'logical-id': bigint; readonly online: boolean; readonly 'can-offline'?: boolean }[];
}

/**
 * guest-set-vcpus: entries are applied in order and processing stops at the
 * first failure. The result is the number applied; only a failure of the
 * very first entry (guest unchanged) is an error.
 */
@injectable()
export class GuestSetVcpusCommand implements Command<GuestSetVcpusArgs, number> {
  readonly spec: CommandSpec = {
    name: 'guest-set-vcpus',
    args: { vcpus: qapi.list(qapi.struct({ 'logical-id': 'int', online: 'bool', '*can-offline': 'bool' })) },
  };

  constructor(@inject(TOKENS.CpuPort) private readonly cpu: CpuPort) {}

  async run(args: GuestSetVcpusArgs): Promise<number> {
    let processed = 0;
    for (const vcpu of args.vcpus) {
      try {
        await this.cpu.setOnline(Number(vcpu['logical-id']), vcpu.online);
      } catch (e) {
        if (processed === 0) throw e;
        break;
      }
      processed++;
    }
    return processed;
  }
}

@injectable()
export class GuestGetCpustatsCommand implements Command<Record<string, never>, GuestCpuStats[]> {
  readonly spec: CommandSpec = { name: 'guest-get-cpustats' };

  constructor(@inject(TOKENS.CpuPort) private readonly cpu: CpuPort) {}

  run(): Promise<GuestCpuStats[]> {
    return this.cpu.stats();
  }
}
