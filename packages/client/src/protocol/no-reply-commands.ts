/**
 * Commands declared with success-response false: on success the agent sends
 * nothing at all, so a client must not wait for a reply (docs/protocol.md#request-checks, step 9).
 */
export const NO_REPLY_COMMANDS: ReadonlySet<string> = new Set([
  'guest-shutdown',
  'guest-suspend-disk',
  'guest-suspend-ram',
  'guest-suspend-hybrid',
]);
