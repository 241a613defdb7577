import { setFlagsFromString } from 'node:v8';

// Imported first by main.ts. V8 grows the young generation (two semi-spaces, up to 16 MiB each)
// under a burst of small allocations and never gives it back while idle: after a soak or a fuzz
// run that is ~32 MiB of resident memory a full GC and malloc_trim cannot return. Keeping the
// semi-spaces at their initial size bounds that; scavenges stay cheap (they copy only live
// objects, and a guest agent holds few). Measured in BENCHMARKS.md (memory, pipelined pings).
setFlagsFromString('--semi-space-growth-factor=1');
