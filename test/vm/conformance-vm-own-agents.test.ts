// Case files that use nothing of the guest's userland, in one guest (see conformance-guest.ts):
// - command-filters, config-osinfo, mock-backend: every case starts agents with its own options,
//   environment or `--backend mock` (the filters, config and os-release from fixtures), and under TCG
//   every start of Node costs seconds;
// - size-limits, a limit of the parser: every 64 MiB message costs about a minute under TCG (the agents
//   lex it byte by byte in an emulated CPU), so one case per agent runs here, chosen with tap's grep: the
//   message-total limit, its first error, what each agent does with the rest, and a clean parser
//   afterwards. The other cases are skipped by the filter, and run on unix sockets in test/conformance/.
import t from 'tap';
import { conformanceInGuest } from './conformance-guest.js';

await conformanceInGuest(t, 'debian', ['command-filters.test.js', 'config-osinfo.test.js', 'mock-backend.test.js', 'size-limits.test.js'], {
  grep: { 'size-limits.test.js': ['^(qemu-ga|ours)$', 'sum of the tokens of one message'] },
});
