// The 64 MiB limits through virtio-serial, in one guest: a limit of the parser, nothing of the guest's
// userland. Under TCG every 64 MiB message costs minutes (the agents lex it byte by byte in an emulated
// CPU), so one case per agent runs here: the message-total limit, its first error, what each agent does
// with the rest, and a clean parser afterwards. The other cases are skipped by the filter, and run on
// unix sockets in test/conformance/ (see conformance-guest.ts).
import t from 'tap';
import { conformanceInGuest } from './conformance-guest.js';

await conformanceInGuest(t, 'debian', ['size-limits.test.js'], { grep: { 'size-limits.test.js': ['^(qemu-ga|ours)$', 'sum of the tokens of one message'] } });
