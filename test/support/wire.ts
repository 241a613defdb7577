/**
 * Expected reply lines, written the way qemu-ga's JSON writer prints them
 * (docs/protocol.md#output-encoding): compact with `", "` and `": "`, ASCII only, `\uXXXX` with
 * upper-case hex, short escapes for `" \ \b \f \n \r \t`, `/` unescaped.
 * Used to build byte-exact expectations; it is a test oracle, not a codec.
 */
export function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
    }
    if (cp >= 0x20 && cp < 0x7f) {
      out += ch;
    } else if (cp > 0xffff) {
      const v = cp - 0x10000;
      out += hex4(0xd800 + (v >> 10)) + hex4(0xdc00 + (v & 0x3ff));
    } else {
      out += hex4(cp);
    }
  }
  return out + '"';
}

function hex4(n: number): string {
  return '\\u' + n.toString(16).toUpperCase().padStart(4, '0');
}

export type ErrorClass = 'GenericError' | 'CommandNotFound';

/** `{"error": {"class": …, "desc": …}}`, or `{"id": …, "error": …}` when the request's id (raw JSON text) is given. */
export function errorLine(desc: string, cls: ErrorClass = 'GenericError', idJson?: string): string {
  const err = `"error": {"class": "${cls}", "desc": ${quote(desc)}}`;
  return idJson === undefined ? `{${err}}` : `{"id": ${idJson}, ${err}}`;
}

/** `{"return": …}` / `{"return": …, "id": …}` with raw JSON text for both. */
export function returnLine(valueJson: string, idJson?: string): string {
  return idJson === undefined ? `{"return": ${valueJson}}` : `{"return": ${valueJson}, "id": ${idJson}}`;
}

/** The reply to a lexer error: `JSON parse error, stray '<token>'` (token given as decoded text). */
export function strayLine(token: string): string {
  return errorLine(`JSON parse error, stray '${token}'`);
}

/** The reply to a parser error: `JSON parse error, <detail>`. */
export function parseErrorLine(detail: string): string {
  return errorLine(`JSON parse error, ${detail}`);
}

/** U+FFFD: how an invalid UTF-8 byte (0xFE, 0xFF, a lone 0x80…) shows up in a desc. */
export const REPLACEMENT = '\uFFFD';

export const EXPECTING_VALUE = parseErrorLine('expecting value');
export const NOT_AN_OBJECT = errorLine('QMP input must be a JSON object');
export const STRAY_FF = strayLine(REPLACEMENT);
