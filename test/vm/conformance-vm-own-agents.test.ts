// Case files whose cases each start agents with their own command line or environment and use nothing
// of the guest's userland (the filters, config and os-release from fixtures, ours on the mock backend):
// one guest is enough, and under TCG every start of Node costs seconds (see conformance-guest.ts).
import t from 'tap';
import { conformanceInGuest } from './conformance-guest.js';

await conformanceInGuest(t, 'debian', ['command-filters.test.js', 'config-osinfo.test.js', 'mock-backend.test.js']);
