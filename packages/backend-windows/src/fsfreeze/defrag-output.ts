/** The first line of `defrag.exe /L` output that reports an error code (`(0x...`), as qemu-ga reads it (pure). */
export function defragError(output: string): string | undefined {
  return output
    .split(/\r?\n/)
    .find((line) => line.includes('(0x'))
    ?.trim();
}
