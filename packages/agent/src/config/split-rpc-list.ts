/**
 * Split a block-rpcs / allow-rpcs value. qemu-ga splits on ',' only, so the
 * documented GKeyFile list form `guest-ping;guest-get-time` silently blocks
 * nothing (spec §4.8, §7.2). We accept both separators, trim blanks and drop
 * empty entries.
 *
 * Each value's entries come out in reverse, as qemu-ga's list building does
 * (it prepends), so `-D` prints the same bytes as `qemu-ga -D` (`-b a,b`
 * dumps `block-rpcs=b,a`). Order has no other effect.
 */
export function splitRpcList(value: string): string[] {
  return value
    .split(/[,;]/)
    .map((name) => name.trim())
    .filter((name) => name !== '')
    .reverse();
}
