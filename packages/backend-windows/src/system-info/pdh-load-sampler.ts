import { QgaError, type GuestLoadAverage } from '@qga/core';
import { win32 } from '../win32/win32-api.js';
import { LOAD_SAMPLE_SECONDS, nextLoad } from './load-average.js';

const COUNTER = '\\System\\Processor Queue Length';
const PDH_FMT_DOUBLE = 0x200;

function pdhError(what: string, status: number): QgaError {
  return new QgaError(
    `${what} failed for '${COUNTER}' (PDH status 0x${(status >>> 0).toString(16)}); performance counters may be disabled`,
  );
}

/**
 * guest-get-load on Windows, as qemu-ga: Windows has no load average, so the
 * PDH counter "\System\Processor Queue Length" is sampled every 5 s into
 * Linux-style moving averages. Sampling starts at the first request, which
 * therefore answers 0, 0, 0.
 */
export class PdhLoadSampler {
  private load: GuestLoadAverage = { load1m: 0, load5m: 0, load15m: 0 };
  private readonly counter: number;
  private readonly query: number;

  constructor() {
    const api = win32();
    const query: [number] = [0];
    let status = api.PdhOpenQueryW(null, 0, query);
    if (status !== 0) throw pdhError('PdhOpenQuery', status);
    const counter: [number] = [0];
    status = api.PdhAddEnglishCounterW(query[0], COUNTER, 0, counter);
    if (status !== 0) throw pdhError('PdhAddEnglishCounter', status);
    this.query = query[0];
    this.counter = counter[0];
    api.PdhCollectQueryData(this.query);
    // unref: sampling never keeps a stopping agent alive.
    setInterval(() => this.sample(), LOAD_SAMPLE_SECONDS * 1000).unref();
  }

  current(): GuestLoadAverage {
    return this.load;
  }

  private sample(): void {
    const api = win32();
    if (api.PdhCollectQueryData(this.query) !== 0) return;
    const value = Buffer.alloc(16); // PDH_FMT_COUNTERVALUE: CStatus @0, doubleValue @8
    if (api.PdhGetFormattedCounterValue(this.counter, PDH_FMT_DOUBLE, null, value) !== 0) return;
    this.load = nextLoad(this.load, value.readDoubleLE(8));
  }
}
