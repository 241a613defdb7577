/**
 * SIOCGIFHWADDR as qemu-ga prints it: the first 6 bytes of the device
 * address, lower-case, zero-padded — so `lo`, tun and wireguard devices
 * (no address) give 00:00:00:00:00:00 and a 4-byte tunnel address gets two
 * zero bytes. `text` is sysfs `address` ("aa:bb:..." or empty); undefined
 * when it is not colon-separated hex.
 */
export function hwAddressFromSysfs(text: string): string | undefined {
  const t = text.trim();
  const bytes = t === '' ? [] : t.split(':');
  if (!bytes.every((b) => /^[0-9a-fA-F]{1,2}$/.test(b))) return undefined;
  const six = bytes.slice(0, 6).map((b) => b.toLowerCase().padStart(2, '0'));
  while (six.length < 6) six.push('00');
  return six.join(':');
}
