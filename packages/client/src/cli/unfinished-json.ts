/**
 * Why `text` cannot be a complete sequence of JSON values (an open string,
 * object or array at the end), or undefined when it can. Only what a lexer
 * would wait for more bytes on is reported: other mistakes are the agent's to answer.
 */
export function unfinishedJson(text: string): string | undefined {
  let depth = 0;
  let quote: string | undefined;
  let escaped = false;
  for (const ch of text) {
    if (quote !== undefined) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{' || ch === '[') depth += 1;
    else if ((ch === '}' || ch === ']') && depth > 0) depth -= 1;
    else if (ch === '\xff') depth = 0;
  }
  if (quote !== undefined) return `a string is not closed (missing ${quote})`;
  if (depth > 0) return `${depth} bracket${depth === 1 ? ' is' : 's are'} not closed`;
  return undefined;
}
