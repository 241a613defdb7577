/**
 * Console output of Windows programs is in the OEM code page (the console's),
 * not UTF-8; hosts expect UTF-8 (a known qemu-ga complaint). These decode a
 * code page to text (pure). TextDecoder knows the ANSI and East Asian pages;
 * the two common OEM pages it lacks, 437 and 850, are tabled here.
 */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';
const CP850_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0';
const TABLES: Record<number, string> = { 437: CP437_HIGH, 850: CP850_HIGH };
const LABELS: Record<number, string> = {
  866: 'ibm866',
  874: 'windows-874',
  932: 'shift_jis',
  936: 'gbk',
  949: 'euc-kr',
  950: 'big5',
  1250: 'windows-1250',
  1251: 'windows-1251',
  1252: 'windows-1252',
  1253: 'windows-1253',
  1254: 'windows-1254',
  1255: 'windows-1255',
  1256: 'windows-1256',
  1257: 'windows-1257',
  1258: 'windows-1258',
  65001: 'utf-8',
};

export interface CodePageDecoder {
  /** Decode a chunk; bytes of a character split across chunks are kept for the next call. */
  decode(chunk: Uint8Array, final?: boolean): string;
}

/** A streaming decoder for a Windows code page, or undefined when the page is unknown (bytes then pass through). */
export function codePageDecoder(codePage: number): CodePageDecoder | undefined {
  const table = TABLES[codePage];
  if (table !== undefined) {
    return { decode: (chunk) => Array.from(chunk, (b) => (b < 0x80 ? String.fromCharCode(b) : (table[b - 0x80] as string))).join('') };
  }
  const label = LABELS[codePage];
  if (label === undefined) return undefined;
  try {
    const decoder = new TextDecoder(label);
    return { decode: (chunk, final = false) => decoder.decode(chunk, { stream: !final }) };
  } catch {
    return undefined; // a Node built without full ICU
  }
}

/** Transcode a whole buffer from a code page to UTF-8 (pure; unknown pages pass through). */
export function toUtf8(bytes: Uint8Array, codePage: number): Buffer {
  const decoder = codePageDecoder(codePage);
  return decoder === undefined ? Buffer.from(bytes) : Buffer.from(decoder.decode(bytes, true), 'utf8');
}
