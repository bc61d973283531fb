// Unpadded base64 (spec appendix "Unpadded Base64"), strict on input: Buffer
// does the bulk work, but it silently skips characters it does not know, so
// length and padding are checked first and the alphabet by re-encoding.
import { Base64Error } from '../types.js';

/** Which characters each alphabet has (the last data character is checked with these). */
const STANDARD = /^[A-Za-z0-9+/]$/;
const URL_SAFE = /^[A-Za-z0-9_-]$/;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function base64Encode(bytes: Uint8Array, urlSafe = false): string {
  const buf = asBuffer(bytes);
  if (urlSafe) return buf.toString('base64url'); // unpadded already
  const text = buf.toString('base64');
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d) end--;
  return text.slice(0, end);
}

export function base64Decode(text: string, urlSafe = false): Uint8Array {
  let dataLength = text.length;
  while (dataLength > 0 && text.charCodeAt(dataLength - 1) === 0x3d) dataLength--;
  const padding = text.length - dataLength;
  const tail = dataLength % 4;
  if (tail === 1) throw new Base64Error('not base64: the length leaves a single character in the last quantum');
  // padding, when present, must complete the final quantum exactly
  if (padding > 0 && (padding > 2 || padding !== 4 - tail)) throw new Base64Error('not base64: wrong padding');
  if (dataLength === 0) return new Uint8Array(0);
  const data = padding === 0 ? text : text.slice(0, dataLength);
  const out = new Uint8Array(Math.floor(dataLength / 4) * 3 + (tail === 0 ? 0 : tail - 1));
  const written = asBuffer(out).write(data, 'base64');
  // Buffer skips what it does not know (other alphabet, '=', whitespace...):
  // the input is valid iff re-encoding gives it back, up to the trailing bits
  // of the last character (accepted non-zero), which must be in the alphabet.
  const again = asBuffer(out).toString(urlSafe ? 'base64url' : 'base64');
  const last = dataLength - 1;
  if (
    written !== out.length ||
    again.slice(0, last) !== data.slice(0, last) ||
    !(urlSafe ? URL_SAFE : STANDARD).test(data[last]!)
  ) {
    throw new Base64Error(`not ${urlSafe ? 'URL-safe ' : ''}base64: a character outside the alphabet or misplaced padding`);
  }
  return out;
}
