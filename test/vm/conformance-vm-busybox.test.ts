// The conformance suite in the busybox guest (see conformance-guest.ts).
import t from 'tap';
import { conformanceInGuest } from './conformance-guest.js';
import { GUEST_USERLAND_FILES, STANDING_AGENT_FILES } from './conformance-files.js';

await conformanceInGuest(t, 'busybox', [...STANDING_AGENT_FILES, ...GUEST_USERLAND_FILES]);
