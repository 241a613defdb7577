/** Split one of our own list options (`--exclude-interfaces veth*,docker0`): ',' or ';', order kept. */
export function splitNameList(value: string): string[] {
  return value
    .split(/[,;]/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}
