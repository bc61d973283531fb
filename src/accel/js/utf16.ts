// JS strings (UTF-16) ↔ UTF-8, refusing lone surrogates instead of quietly
// writing U+FFFD: a replaced character would change what gets signed.
import { LoneSurrogateError } from '../types.js';
import { decodeStringBody } from './json-reader.js';

/** Index (UTF-16 units) of the first unpaired surrogate, or -1. */
export function findLoneSurrogate(text: string): number {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const u = text.charCodeAt(i);
    if (u < 0xd800 || u > 0xdfff) continue;
    if (u <= 0xdbff && i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    return i;
  }
  return -1;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true }); // a leading U+FEFF is content, not a BOM

export function utf8Encode(text: string): Uint8Array {
  const lone = findLoneSurrogate(text);
  if (lone >= 0) throw new LoneSurrogateError(lone);
  return encoder.encode(text);
}

/** UTF-8 length of a well-formed string prefix: where a lone surrogate "sits" in bytes. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export function decodeJsonString(body: Uint8Array): string {
  return decoder.decode(decodeStringBody(body));
}
