// Byte-level JSON parser implementing /work/notes/JSON-SEMANTICS.md (the
// contract every kernel path shares): one left-to-right pass over UTF-8 bytes,
// the first problem met is reported with its code and byte offset.
//
// Cases the semantics left open, decided as a strict left-to-right reader
// (also recorded under "Clarifications" in JSON-SEMANTICS.md):
// - A `\uD800–\uDBFF` escape not immediately followed by a complete, valid
//   `\uDC00–\uDFFF` escape is `lone_surrogate` at its backslash, whatever
//   follows: a malformed or truncated second escape, or the end of input.
// - Raw UTF-8: a surrogate is recognised from its first two bytes (ED A0..BF):
//   `lone_surrogate` at the ED byte even if the third byte is bad or missing.
//   Every other bad sequence is `invalid_utf8` at its first byte, including one
//   cut short by the end of input (not `syntax` at the input length).
// - Number checks (not_integer, integer_range, number_range) happen as soon as
//   the token ends, before the byte after it is looked at: `1.5x` is
//   `not_integer` at 0 in strict mode.
// - Event operations parse the whole text first; only a text that parses is
//   checked for an object root (`[1,x` is `syntax` at 3, `[1]` `syntax` at 0).
import { CanonicalJsonError, MAX_JSON_DEPTH, type CanonicalJsonErrorCode, type JsonMode } from '../types.js';
import { ByteWriter } from './byte-writer.js';
import { bytesToByteString, JsonNumber, JsonString, type JsonObject, type JsonValue } from './json-tree.js';
import { pythonFloatRepr } from './python-float.js';

export interface ParsedJson {
  readonly value: JsonValue;
  /** offset of the root value's first byte */
  readonly rootStart: number;
}

/** Python 3.11+ refuses to convert integers of more digits than this. */
const PYTHON_INT_MAX_DIGITS = 4300;

/** Hex digit values, -1 for non-hex bytes. */
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[0x41 + i] = 10 + i;
  HEX[0x61 + i] = 10 + i;
}

/** The byte a simple escape (`\n`, ...) stands for, 0 when not one. */
const SIMPLE_ESCAPE = new Uint8Array(128);
SIMPLE_ESCAPE[0x22] = 0x22; // \"
SIMPLE_ESCAPE[0x5c] = 0x5c; // \\
SIMPLE_ESCAPE[0x2f] = 0x2f; // \/
SIMPLE_ESCAPE[0x62] = 0x08; // \b
SIMPLE_ESCAPE[0x66] = 0x0c; // \f
SIMPLE_ESCAPE[0x6e] = 0x0a; // \n
SIMPLE_ESCAPE[0x72] = 0x0d; // \r
SIMPLE_ESCAPE[0x74] = 0x09; // \t

const EMPTY = new Uint8Array(0);

/** 1 for the bytes a string literal carries as they are: ASCII from 0x20, except `"` and `\\`. */
const PLAIN_STRING_BYTE = new Uint8Array(256);
for (let c = 0x20; c < 0x80; c++) PLAIN_STRING_BYTE[c] = c === 0x22 || c === 0x5c ? 0 : 1;

function fail(code: CanonicalJsonErrorCode, offset: number): never {
  throw new CanonicalJsonError(code, offset);
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

/** Scratch for strings that contain escapes (strings do not nest, so one suffices). */
const escapedScratch = new ByteWriter(256);

export function parseJson(bytes: Uint8Array, mode: JsonMode): ParsedJson {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('JSON input must be UTF-8 bytes (a Uint8Array)');
  if (mode !== 'strict' && mode !== 'compat') throw new TypeError(`unknown JSON mode ${String(mode)}`);
  return new JsonReader(bytes, mode).document();
}

/**
 * The body of a JSON string literal (between its quotes) → its unescaped UTF-8
 * bytes. Errors as the parser reports them, offsets relative to the body; an
 * unescaped `"` in the body is `syntax` at it.
 */
export function decodeStringBody(body: Uint8Array): Uint8Array {
  const reader = new JsonReader(body, 'strict');
  reader.scanString(0, true);
  return reader.str.subarray(reader.strStart, reader.strEnd);
}

class JsonReader {
  private pos = 0;
  private depth = 0;
  private readonly end: number;
  /** the string most recently scanned: its unescaped bytes str[strStart..strEnd), and whether it had no escapes */
  str: Uint8Array = EMPTY;
  strStart = 0;
  strEnd = 0;
  private strPlain = true;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly mode: JsonMode,
  ) {
    this.end = bytes.length;
  }

  document(): ParsedJson {
    this.skipWhitespace();
    const rootStart = this.pos;
    const value = this.value();
    this.skipWhitespace();
    if (this.pos < this.end) fail('syntax', this.pos);
    return { value, rootStart };
  }

  private skipWhitespace(): void {
    const b = this.bytes;
    let i = this.pos;
    while (i < this.end) {
      const c = b[i]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    this.pos = i;
  }

  private value(): JsonValue {
    const i = this.pos;
    if (i >= this.end) fail('syntax', i);
    const c = this.bytes[i]!;
    switch (c) {
      case 0x7b: // {
        return this.object();
      case 0x5b: // [
        return this.array();
      case 0x22: // "
        this.pos = this.scanString(i + 1, false);
        return new JsonString(this.str, this.strStart, this.strEnd, this.strPlain);
      case 0x74:
        this.literal('true');
        return true;
      case 0x66:
        this.literal('false');
        return false;
      case 0x6e:
        this.literal('null');
        return null;
      default:
        if (c === 0x2d || isDigit(c)) return this.number();
        return fail('syntax', i);
    }
  }

  private literal(word: string): void {
    const b = this.bytes;
    let i = this.pos;
    for (let k = 0; k < word.length; k++, i++) {
      if (i >= this.end || b[i] !== word.charCodeAt(k)) fail('syntax', i);
    }
    this.pos = i;
  }

  private enter(): void {
    if (++this.depth > MAX_JSON_DEPTH) fail('too_deep', this.pos);
    this.pos++;
    this.skipWhitespace();
  }

  private object(): JsonObject {
    this.enter();
    const b = this.bytes;
    const obj: JsonObject = new Map();
    if (this.pos < this.end && b[this.pos] === 0x7d) {
      this.pos++;
      this.depth--;
      return obj;
    }
    for (;;) {
      const keyStart = this.pos;
      if (keyStart >= this.end || b[keyStart] !== 0x22) fail('syntax', keyStart);
      this.pos = this.scanString(keyStart + 1, false);
      const key = bytesToByteString(this.str, this.strStart, this.strEnd);
      if (obj.has(key)) fail('duplicate_key', keyStart);
      this.skipWhitespace();
      if (this.pos >= this.end || b[this.pos] !== 0x3a) fail('syntax', this.pos);
      this.pos++;
      this.skipWhitespace();
      obj.set(key, this.value());
      this.skipWhitespace();
      if (this.pos >= this.end) fail('syntax', this.pos);
      const c = b[this.pos];
      this.pos++;
      if (c === 0x2c) {
        this.skipWhitespace();
        continue;
      }
      if (c === 0x7d) {
        this.depth--;
        return obj;
      }
      fail('syntax', this.pos - 1);
    }
  }

  private array(): JsonValue[] {
    this.enter();
    const b = this.bytes;
    const arr: JsonValue[] = [];
    if (this.pos < this.end && b[this.pos] === 0x5d) {
      this.pos++;
      this.depth--;
      return arr;
    }
    for (;;) {
      arr.push(this.value());
      this.skipWhitespace();
      if (this.pos >= this.end) fail('syntax', this.pos);
      const c = b[this.pos];
      this.pos++;
      if (c === 0x2c) {
        this.skipWhitespace();
        continue;
      }
      if (c === 0x5d) {
        this.depth--;
        return arr;
      }
      fail('syntax', this.pos - 1);
    }
  }

  /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? then the mode's checks */
  private number(): JsonNumber {
    const b = this.bytes;
    const start = this.pos;
    let i = start;
    if (b[i] === 0x2d) i++;
    if (b[i] === 0x30) i++;
    else if (isDigit(b[i])) while (isDigit(b[i])) i++;
    else fail('syntax', i); // also at the input length when truncated
    let integral = true;
    if (b[i] === 0x2e) {
      i++;
      if (!isDigit(b[i])) fail('syntax', i);
      while (isDigit(b[i])) i++;
      integral = false;
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      if (!isDigit(b[i])) fail('syntax', i);
      while (isDigit(b[i])) i++;
      integral = false;
    }
    this.pos = i;
    const token = bytesToByteString(b, start, i); // ASCII
    return integral ? this.integer(token, start) : this.nonInteger(token, start);
  }

  private integer(token: string, start: number): JsonNumber {
    const digits = token.charCodeAt(0) === 0x2d ? token.length - 1 : token.length;
    if (this.mode === 'strict') {
      // 16 digits hold every safe integer; beyond, it is out of range anyway
      if (digits > 16 || Math.abs(Number(token)) > Number.MAX_SAFE_INTEGER) fail('integer_range', start);
    } else if (digits > PYTHON_INT_MAX_DIGITS) {
      fail('number_range', start);
    }
    return new JsonNumber(token === '-0' ? '0' : token);
  }

  private nonInteger(token: string, start: number): JsonNumber {
    if (this.mode === 'strict') fail('not_integer', start);
    const value = Number(token); // correctly rounded
    if (!Number.isFinite(value)) fail('number_range', start);
    return new JsonNumber(pythonFloatRepr(value));
  }

  /**
   * Scans string content from `i` (just after the opening quote). In a
   * literal, returns the offset after the closing quote; for a bare body
   * (`body`), the content runs to the end and a `"` is an error. Leaves the
   * unescaped bytes in `str`.
   */
  scanString(i: number, body: boolean): number {
    const b = this.bytes;
    const end = this.end;
    let segment = i; // start of the run not yet copied (when escapes were met)
    let escaped = false;
    for (;;) {
      while (i < end && PLAIN_STRING_BYTE[b[i]!] === 1) i++;
      if (i >= end) {
        if (!body) fail('syntax', i);
        break;
      }
      const c = b[i]!;
      if (c === 0x22) {
        if (body) fail('syntax', i);
        break;
      }
      if (c === 0x5c) {
        if (!escaped) {
          escaped = true;
          escapedScratch.reset();
        }
        escapedScratch.bytes(b, segment, i);
        i = this.escape(i, escapedScratch);
        segment = i;
      } else if (c < 0x20) {
        fail('syntax', i);
      } else {
        i = this.utf8Sequence(i);
      }
    }
    if (escaped) {
      escapedScratch.bytes(b, segment, i);
      this.str = escapedScratch.take();
      this.strStart = 0;
      this.strEnd = this.str.length;
      this.strPlain = false;
    } else {
      this.str = b;
      this.strStart = segment;
      this.strEnd = i;
      this.strPlain = true;
    }
    return body ? i : i + 1;
  }

  /** Four hex digits at `i` as a number, or -1. */
  private hex4(i: number): number {
    if (i + 4 > this.end) return -1;
    const b = this.bytes;
    const a = HEX[b[i]!]!;
    const c = HEX[b[i + 1]!]!;
    const d = HEX[b[i + 2]!]!;
    const e = HEX[b[i + 3]!]!;
    if ((a | c | d | e) < 0) return -1;
    return (a << 12) | (c << 8) | (d << 4) | e;
  }

  /** Decodes the escape at backslash `i` into `out`; returns the offset after it. */
  private escape(i: number, out: ByteWriter): number {
    const b = this.bytes;
    const kind = i + 1 < this.end ? b[i + 1]! : -1;
    if (kind !== 0x75) {
      const simple = kind >= 0 && kind < 0x80 ? SIMPLE_ESCAPE[kind]! : 0;
      if (simple === 0) fail('syntax', i);
      out.byte(simple);
      return i + 2;
    }
    let cp = this.hex4(i + 2);
    if (cp < 0) fail('syntax', i);
    let next = i + 6;
    if (cp >= 0xdc00 && cp <= 0xdfff) fail('lone_surrogate', i);
    if (cp >= 0xd800 && cp <= 0xdbff) {
      const low = next + 1 < this.end && b[next] === 0x5c && b[next + 1] === 0x75 ? this.hex4(next + 2) : -1;
      if (low < 0xdc00 || low > 0xdfff) fail('lone_surrogate', i);
      cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
      next += 6;
    }
    writeUtf8(out, cp);
    return next;
  }

  /** Validates the multi-byte UTF-8 sequence at `i` (RFC 3629); returns the offset after it. */
  private utf8Sequence(i: number): number {
    const b = this.bytes;
    const end = this.end;
    const c = b[i]!;
    // the second byte's range depends on the lead (no overlongs, surrogates or > U+10FFFF)
    const c1 = i + 1 < end ? b[i + 1]! : -1;
    if (c >= 0xc2 && c <= 0xdf) {
      if (isContinuation(c1)) return i + 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      if (c === 0xed && c1 >= 0xa0 && c1 <= 0xbf) fail('lone_surrogate', i);
      const low = c === 0xe0 ? 0xa0 : 0x80;
      if (c1 >= low && c1 <= 0xbf && i + 2 < end && isContinuation(b[i + 2]!)) return i + 3;
    } else if (c >= 0xf0 && c <= 0xf4) {
      const low = c === 0xf0 ? 0x90 : 0x80;
      const high = c === 0xf4 ? 0x8f : 0xbf;
      if (c1 >= low && c1 <= high && i + 3 < end && isContinuation(b[i + 2]!) && isContinuation(b[i + 3]!)) return i + 4;
    }
    // 0x80–0xC1 (continuation or overlong lead), 0xF5–0xFF, or a bad/missing continuation
    return fail('invalid_utf8', i);
  }
}

function isContinuation(b: number): boolean {
  return (b & 0xc0) === 0x80 && b >= 0;
}

export function writeUtf8(out: ByteWriter, cp: number): void {
  if (cp < 0x80) {
    out.byte(cp);
  } else if (cp < 0x800) {
    out.byte(0xc0 | (cp >> 6));
    out.byte(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out.byte(0xe0 | (cp >> 12));
    out.byte(0x80 | ((cp >> 6) & 0x3f));
    out.byte(0x80 | (cp & 0x3f));
  } else {
    out.byte(0xf0 | (cp >> 18));
    out.byte(0x80 | ((cp >> 12) & 0x3f));
    out.byte(0x80 | ((cp >> 6) & 0x3f));
    out.byte(0x80 | (cp & 0x3f));
  }
}
