// A growable byte buffer, reused across calls so that canonicalisation
// allocates once per result (the exact-size copy handed back).

export class ByteWriter {
  private buf: Uint8Array;
  length = 0;

  constructor(private readonly initialCapacity = 4096) {
    this.buf = new Uint8Array(initialCapacity);
  }

  private grow(extra: number): void {
    let cap = this.buf.length * 2;
    while (cap < this.length + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    if (this.length === this.buf.length) this.grow(1);
    this.buf[this.length++] = b;
  }

  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    if (this.length + n > this.buf.length) this.grow(n);
    if (n < 16) {
      for (let i = start; i < end; i++) this.buf[this.length++] = src[i]!;
    } else {
      this.buf.set(src.subarray(start, end), this.length);
      this.length += n;
    }
  }

  /** a string whose chars are all < 0x100 (ASCII text or a byte string) */
  latin1(s: string): void {
    const n = s.length;
    if (this.length + n > this.buf.length) this.grow(n);
    for (let i = 0; i < n; i++) this.buf[this.length++] = s.charCodeAt(i);
  }

  /** An exact-size copy of what was written; the writer is then empty. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.length);
    this.length = 0;
    // do not keep a huge buffer alive after one huge document
    if (this.buf.length > 1 << 20) this.buf = new Uint8Array(this.initialCapacity);
    return out;
  }

  reset(): void {
    this.length = 0;
  }
}
