import { splitNameList } from './split-name-list.js';

/**
 * Split a block-rpcs / allow-rpcs value. qemu-ga 7.2 splits on ',' only, so the
 * documented GKeyFile list form `guest-ping;guest-get-time` silently blocks
 * nothing there. We accept both separators, trim blanks and drop empty
 * entries, keeping the order given: `-D` prints the list back in that order,
 * the way GLib's key-file writer does (`guest-ping;guest-get-time;`).
 */
export const splitRpcList: (value: string) => string[] = splitNameList;
