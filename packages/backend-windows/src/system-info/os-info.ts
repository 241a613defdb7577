import type { GuestOSInfo } from '@qga/core';

/** What Windows tells about itself: RtlGetVersion, GetNativeSystemInfo and the registry. */
export interface WindowsVersionFacts {
  readonly major: number;
  readonly minor: number;
  readonly build: number;
  /** wProductType: 1 = workstation (client), 2 = domain controller, 3 = server. */
  readonly productType: number;
  /** wProcessorArchitecture of GetNativeSystemInfo. */
  readonly processorArchitecture: number;
  /** HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion ProductName, when present. */
  readonly productName?: string;
}

const MACHINES: Record<number, string> = { 0: 'x86', 5: 'arm', 6: 'ia64', 9: 'x86_64', 12: 'aarch64' };

interface VersionName {
  readonly version: string;
  readonly versionId: string;
}

/** Client editions by major.minor (Windows 11 is 10.0 with build ≥ 22000). */
function clientName(f: WindowsVersionFacts): VersionName | undefined {
  const key = `${f.major}.${f.minor}`;
  if (key === '10.0')
    return f.build >= 22000 ? { version: 'Microsoft Windows 11', versionId: '11' } : { version: 'Microsoft Windows 10', versionId: '10' };
  const table: Record<string, VersionName> = {
    '5.0': { version: 'Microsoft Windows 2000', versionId: '2000' },
    '5.1': { version: 'Microsoft Windows XP', versionId: 'xp' },
    '6.0': { version: 'Microsoft Windows Vista', versionId: 'vista' },
    // qemu-ga's table lacks a comma here and says "Microsoft Windows 77" with no id; we do not copy the typo.
    '6.1': { version: 'Microsoft Windows 7', versionId: '7' },
    '6.2': { version: 'Microsoft Windows 8', versionId: '8' },
    '6.3': { version: 'Microsoft Windows 8.1', versionId: '8.1' },
  };
  return table[key];
}

/** Server editions: by major.minor, and by build number for the 10.0 family. */
function serverName(f: WindowsVersionFacts): VersionName | undefined {
  if (f.major === 10 && f.minor === 0) {
    const byBuild: [number, VersionName][] = [
      [26100, { version: 'Microsoft Windows Server 2025', versionId: '2025' }],
      [20348, { version: 'Microsoft Windows Server 2022', versionId: '2022' }],
      [17763, { version: 'Microsoft Windows Server 2019', versionId: '2019' }],
      [14393, { version: 'Microsoft Windows Server 2016', versionId: '2016' }],
    ];
    return byBuild.find(([build]) => f.build >= build)?.[1];
  }
  const table: Record<string, VersionName> = {
    '6.0': { version: 'Microsoft Windows Server 2008', versionId: '2008' },
    '6.1': { version: 'Microsoft Windows Server 2008 R2', versionId: '2008r2' },
    '6.2': { version: 'Microsoft Windows Server 2012', versionId: '2012' },
    '6.3': { version: 'Microsoft Windows Server 2012 R2', versionId: '2012r2' },
  };
  return table[`${f.major}.${f.minor}`];
}

/** guest-get-osinfo on Windows, from the facts (pure). Unknown versions leave version/version-id out. */
export function buildOsInfo(f: WindowsVersionFacts): GuestOSInfo {
  const server = f.productType !== 1;
  const name = server ? serverName(f) : clientName(f);
  return {
    'kernel-release': String(f.build),
    'kernel-version': `${f.major}.${f.minor}`,
    machine: MACHINES[f.processorArchitecture] ?? 'unknown',
    id: 'mswindows',
    name: 'Microsoft Windows',
    ...(f.productName !== undefined && { 'pretty-name': f.productName }),
    ...(name && { version: name.version, 'version-id': name.versionId }),
    variant: server ? 'server' : 'client',
    'variant-id': server ? 'server' : 'client',
  };
}

/** RTL_OSVERSIONINFOEXW (284 bytes) → the numbers buildOsInfo needs. */
export function parseOsVersionInfo(buf: Buffer): Pick<WindowsVersionFacts, 'major' | 'minor' | 'build' | 'productType'> {
  return { major: buf.readUInt32LE(4), minor: buf.readUInt32LE(8), build: buf.readUInt32LE(12), productType: buf.readUInt8(282) };
}
