// The conformance suite in the Debian-userland guest, and vsock inside it (see conformance-guest.ts).
import t from 'tap';
import { conformanceInGuest } from './conformance-guest.js';
import { GUEST_USERLAND_FILES, NOT_IN_VM, STANDING_AGENT_FILES } from './conformance-files.js';

await conformanceInGuest(t, 'debian', [...STANDING_AGENT_FILES, ...GUEST_USERLAND_FILES], { vsock: true, notInVm: NOT_IN_VM });
