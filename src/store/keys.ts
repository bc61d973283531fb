// Order-preserving key encoding and a compact record codec for values.
//
// Keys compare as raw bytes (LMDB's default, PostgreSQL `bytea`), so every
// component is encoded so that byte order equals logical order:
// - `uint`: one length byte (0–7) then the minimal big-endian bytes. A shorter
//   length means a smaller number, so ids and positions sort numerically while
//   small ones (most interned ids) take 2–4 bytes.
// - `str`: UTF-8 with 0x00 escaped as 00 FF, ended by 00 00, so a string can
//   sit in the middle of a key and "a" < "a\0" < "ab".
// - `tail`: raw UTF-8 to the end of the key (only as the last component).
// Values use a different, non-ordered encoding (LEB128 varints and
// length-prefixed bytes): smaller, and order does not matter there.

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export class KeyError extends Error {
  override readonly name = 'KeyError';
}

/** A growable byte buffer for building keys and records. */
export class ByteWriter {
  private buf: Buffer;
  private len = 0;

  constructor(capacity = 32) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  u8(n: number): this {
    this.reserve(1);
    this.buf[this.len++] = n & 0xff;
    return this;
  }

  /** Order-preserving unsigned integer (0 … 2^53−1). */
  uint(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new KeyError(`key integer out of range: ${n}`);
    let bytes = 0;
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes++;
    this.reserve(1 + bytes);
    this.buf[this.len++] = bytes;
    for (let i = bytes - 1, v = n; i >= 0; i--, v = Math.floor(v / 256)) this.buf[this.len + i] = v % 256;
    this.len += bytes;
    return this;
  }

  /** Order-preserving, self-delimiting string. */
  str(s: string): this {
    // Encode in place (no intermediate Buffer: keys are built on every request);
    // a NUL, which needs escaping, is rare enough to take the slow path.
    const n = Buffer.byteLength(s, 'utf8');
    this.reserve(n + 2);
    const start = this.len;
    this.buf.write(s, start, n, 'utf8');
    const buf = this.buf;
    for (let i = start; i < start + n; i++) {
      if (buf[i] === 0) return this.strEscaped(s, start);
    }
    this.len = start + n;
    buf[this.len++] = 0;
    buf[this.len++] = 0;
    return this;
  }

  /** `str` for strings containing NUL (written again from `start`). */
  private strEscaped(s: string, start: number): this {
    const raw = Buffer.from(s, 'utf8');
    this.len = start;
    this.reserve(raw.length * 2 + 2);
    for (const b of raw) {
      this.buf[this.len++] = b;
      if (b === 0) this.buf[this.len++] = 0xff;
    }
    this.buf[this.len++] = 0;
    this.buf[this.len++] = 0;
    return this;
  }

  /** Raw UTF-8 to the end (last key component only). */
  tail(s: string): this {
    const n = Buffer.byteLength(s, 'utf8');
    this.reserve(n);
    this.buf.write(s, this.len, n, 'utf8');
    this.len += n;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** LEB128 unsigned varint (values, not keys). */
  vuint(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new KeyError(`record integer out of range: ${n}`);
    this.reserve(8);
    let v = n;
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
    return this;
  }

  /** Length-prefixed bytes (values). */
  vbytes(b: Uint8Array): this {
    this.vuint(b.length);
    return this.bytes(b);
  }

  /** Length-prefixed UTF-8 (values). */
  vstr(s: string): this {
    return this.vbytes(Buffer.from(s, 'utf8'));
  }

  /** The bytes written. The writer hands its buffer over: do not write to it afterwards. */
  done(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

/** Reads what ByteWriter wrote. Throws KeyError on truncated input. */
export class ByteReader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new KeyError('truncated key or record');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  uint(): number {
    const bytes = this.u8();
    if (bytes > 7) throw new KeyError(`bad key integer length ${bytes}`);
    this.need(bytes);
    let v = 0;
    for (let i = 0; i < bytes; i++) v = v * 256 + this.buf[this.pos++]!;
    return v;
  }

  str(): string {
    const out: number[] = [];
    for (;;) {
      const b = this.u8();
      if (b !== 0) {
        out.push(b);
        continue;
      }
      const next = this.u8();
      if (next === 0) break;
      if (next !== 0xff) throw new KeyError('bad string escape in key');
      out.push(0);
    }
    return Buffer.from(out).toString('utf8');
  }

  tail(): string {
    const s = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.pos, this.buf.length - this.pos).toString('utf8');
    this.pos = this.buf.length;
    return s;
  }

  rest(): Uint8Array {
    const r = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return r;
  }

  vuint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = this.u8();
      v += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 0x80;
      if (mul > MAX_SAFE) throw new KeyError('record varint too long');
    }
    return v;
  }

  vbytes(): Uint8Array {
    const n = this.vuint();
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  vstr(): string {
    const b = this.vbytes();
    return Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8');
  }
}

/** Start a key. */
export function key(): ByteWriter {
  return new ByteWriter();
}

export const EMPTY = Buffer.alloc(0);

/**
 * The smallest key greater than every key starting with `prefix` (for an
 * exclusive range end), or undefined when the prefix is all 0xFF.
 */
export function prefixEnd(prefix: Uint8Array): Buffer | undefined {
  const out = Buffer.from(prefix);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]! < 0xff) {
      out[i]!++;
      return out.subarray(0, i + 1);
    }
  }
  return undefined;
}

/** Encode an ordered uint alone (a common whole key or value). */
export function uintKey(n: number): Buffer {
  return new ByteWriter(9).uint(n).done();
}

export function readUint(b: Uint8Array): number {
  return new ByteReader(b).uint();
}

/** JSON values for the cold repositories (accounts, devices, keys...). */
export function jsonValue(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v), 'utf8');
}

export function parseJsonValue<T>(b: Uint8Array): T {
  return JSON.parse(Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8')) as T;
}
