/** Where the agent (or QEMU's host-side chardev socket) listens. */
export type QgaAddress =
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly tls: boolean };
