/**
 * Independent re-statement of the key order rule (docs/protocol.md#key-order), to check replies:
 * a QDict has 512 buckets and is printed bucket by bucket, so within every
 * printed object the bucket numbers of the keys must not decrease. (Keys
 * sharing a bucket print in reverse insertion order, which a black-box test
 * cannot know, so ties are accepted in any order.)
 */
export function bucketOf(key: string): number {
  const b = Buffer.from(key, 'utf8');
  let h = Math.imul(0x238f13af, b.length) >>> 0;
  for (let i = 0; i < b.length; i++) h = (h + ((b[i] as number) << ((i * 5) % 24))) >>> 0;
  return ((Math.imul(h, 1103515243) + 12345) >>> 0) % 512;
}

/** Keys of every object in a JSON text, in printed order (string scan; the JSON must be valid). */
export function objectKeySequences(json: string): string[][] {
  const result: string[][] = [];
  const stack: ({ keys: string[] } | null)[] = [];
  let i = 0;
  let expectKey = false;
  while (i < json.length) {
    const c = json[i] as string;
    if (c === '{') {
      const o = { keys: [] as string[] };
      stack.push(o);
      result.push(o.keys);
      expectKey = true;
      i++;
    } else if (c === '[') {
      stack.push(null);
      expectKey = false;
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i++;
      expectKey = false;
    } else if (c === ',') {
      expectKey = stack[stack.length - 1] != null;
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      const text = JSON.parse(json.slice(i, j + 1)) as string;
      if (expectKey) {
        (stack[stack.length - 1] as { keys: string[] }).keys.push(text);
        expectKey = false;
      }
      i = j + 1;
    } else {
      i++;
    }
  }
  return result;
}

/** Objects whose keys are not in bucket order, as readable strings (empty = conforming). */
export function qdictOrderViolations(json: string): string[] {
  const bad: string[] = [];
  for (const keys of objectKeySequences(json)) {
    for (let k = 1; k < keys.length; k++) {
      if (bucketOf(keys[k - 1] as string) > bucketOf(keys[k] as string)) {
        bad.push(`${JSON.stringify(keys)} (buckets ${keys.map(bucketOf).join(',')})`);
        break;
      }
    }
  }
  return bad;
}
