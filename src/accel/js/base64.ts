// Unpadded base64 (spec appendix "Unpadded Base64"), strict on input: Buffer
// does the bulk work, but it silently skips characters it does not know, so
// the alphabet, length and padding are checked here first.
import { Base64Error } from '../types.js';

const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;

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
  if (!(urlSafe ? URL_SAFE : STANDARD).test(text)) {
    throw new Base64Error(`not ${urlSafe ? 'URL-safe ' : ''}base64: a character outside the alphabet or misplaced padding`);
  }
  let dataLength = text.length;
  while (dataLength > 0 && text.charCodeAt(dataLength - 1) === 0x3d) dataLength--;
  const padding = text.length - dataLength;
  const tail = dataLength % 4;
  if (tail === 1) throw new Base64Error('not base64: length leaves a single character in the last quantum');
  // padding, when present, must complete the final quantum exactly
  if (padding > 0 && padding !== 4 - tail) throw new Base64Error('not base64: wrong padding');
  const out = new Uint8Array(Math.floor(dataLength / 4) * 3 + (tail === 0 ? 0 : tail - 1));
  const written = asBuffer(out).write(text.slice(0, dataLength), 'base64');
  if (written !== out.length) throw new Base64Error('not base64');
  return out;
}
