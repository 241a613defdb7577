/** A local filesystem mount, as freeze, trim and fsinfo walk them. */
export interface FsMount {
  /** Mount point, octal escapes decoded. */
  readonly dirname: string;
  /** Filesystem type (ext4, xfs, btrfs, ...). */
  readonly devtype: string;
  /** Mount source (usually the device node), octal escapes decoded. */
  readonly source: string;
  readonly devmajor: number;
  readonly devminor: number;
}

/** What stat(2) says about a mount source. */
export type DeviceInfo =
  { readonly kind: 'block'; readonly major: number; readonly minor: number } | { readonly kind: 'dir' } | { readonly kind: 'other' };

/** stat() of a path; undefined when stat fails. Injected so the list builders stay pure. */
export type DeviceResolver = (path: string) => DeviceInfo | undefined;
