// The query string as handlers see it: a URLSearchParams whose get/has answer from a quick
// parse (split on & and =, '+' to space, decodeURIComponent), so a request that only reads a
// few parameters never runs Node's JS form-urlencoded parser (the /sync filter and since are
// long and percent-encoded: that parser decodes them byte by byte). Every other method, and
// any query the quick parse cannot decode exactly as URLSearchParams would (a malformed %
// escape, invalid UTF-8: URLSearchParams keeps or replaces those, decodeURIComponent throws),
// fills the real URLSearchParams first and answers from it.

const EMPTY: readonly string[] = Object.freeze([]);

/** name, value, name, value… decoded; undefined when a part does not decode exactly. */
function quickParse(raw: string): readonly string[] | undefined {
  if (raw === '') return EMPTY;
  const out: string[] = [];
  let start = 0;
  while (start <= raw.length) {
    let end = raw.indexOf('&', start);
    if (end < 0) end = raw.length;
    if (end > start) {
      const eq = raw.indexOf('=', start);
      const split = eq >= 0 && eq < end ? eq : end;
      const name = decodePart(raw.slice(start, split));
      const value = split < end ? decodePart(raw.slice(split + 1, end)) : '';
      if (name === undefined || value === undefined) return undefined;
      out.push(name, value);
    }
    start = end + 1;
  }
  return out;
}

/** application/x-www-form-urlencoded decoding of one part, when decodeURIComponent gives the same. */
function decodePart(s: string): string | undefined {
  const plus = s.includes('+') ? s.replaceAll('+', ' ') : s;
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return undefined;
  }
}

export class RequestQuery extends URLSearchParams {
  /** as given (URLSearchParams drops a leading `?` itself) */
  readonly #raw: string;
  /** the quick parse while the real params are not filled (undefined: not parsed yet) */
  #pairs: readonly string[] | undefined = undefined;
  #filled = false;

  /** `raw`: the query string without its `?` (a further leading `?` is dropped, as URLSearchParams does) */
  constructor(raw: string) {
    super();
    this.#raw = raw;
  }

  /** The quick parse, or undefined once the real params answer. */
  #quick(): readonly string[] | undefined {
    if (this.#filled) return undefined;
    if (this.#pairs === undefined) {
      const pairs = quickParse(this.#raw.startsWith('?') ? this.#raw.slice(1) : this.#raw);
      if (pairs === undefined) {
        this.#fill();
        return undefined;
      }
      this.#pairs = pairs;
    }
    return this.#pairs;
  }

  #fill(): void {
    if (this.#filled) return;
    this.#filled = true;
    this.#pairs = undefined;
    for (const [k, v] of new URLSearchParams(this.#raw)) super.append(k, v);
  }

  override get(name: string): string | null {
    const pairs = this.#quick();
    if (pairs === undefined) return super.get(name);
    const key = String(name);
    for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === key) return pairs[i + 1]!;
    return null;
  }

  override has(name: string, value?: string): boolean {
    const pairs = this.#quick();
    if (pairs === undefined || value !== undefined) {
      this.#fill();
      return value === undefined ? super.has(name) : super.has(name, value);
    }
    const key = String(name);
    for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === key) return true;
    return false;
  }

  override getAll(name: string): string[] { this.#fill(); return super.getAll(name); }
  override append(name: string, value: string): void { this.#fill(); super.append(name, value); }
  override delete(name: string, value?: string): void { this.#fill(); if (value === undefined) super.delete(name); else super.delete(name, value); }
  override set(name: string, value: string): void { this.#fill(); super.set(name, value); }
  override sort(): void { this.#fill(); super.sort(); }
  override toString(): string { this.#fill(); return super.toString(); }
  override entries(): ReturnType<URLSearchParams['entries']> { this.#fill(); return super.entries(); }
  override keys(): ReturnType<URLSearchParams['keys']> { this.#fill(); return super.keys(); }
  override values(): ReturnType<URLSearchParams['keys']> { this.#fill(); return super.values(); }
  override forEach(fn: (value: string, key: string, parent: URLSearchParams) => void, thisArg?: unknown): void { this.#fill(); super.forEach(fn, thisArg); }
  override [Symbol.iterator](): ReturnType<URLSearchParams['entries']> { this.#fill(); return super[Symbol.iterator](); }

  /** Fills the real params (for what the quick parse does not answer). */
  fillAll(): this {
    this.#fill();
    return this;
  }
}

// size is an accessor of URLSearchParams.prototype (TypeScript's lib declares a property).
const sizeOf = Object.getOwnPropertyDescriptor(URLSearchParams.prototype, 'size')?.get;
if (sizeOf !== undefined) {
  Object.defineProperty(RequestQuery.prototype, 'size', {
    configurable: true,
    enumerable: true,
    get(this: RequestQuery): number { return sizeOf.call(this.fillAll()) as number; },
  });
}
