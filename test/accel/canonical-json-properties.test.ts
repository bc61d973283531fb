// Property tests: random JSON values, written with a random mix of escapes and
// whitespace, must canonicalize on every path to the same bytes — the bytes an
// independent model of the spec's rules gives — and round-trip.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { kernelsUnderTest } from '../helpers/kernels.js';
import {
  canonicalOf, expectOnEveryPath, jsonError, okBytes, opensslPublicKey, opensslSign, utf8, type Outcome,
} from './kernel-fixtures.js';

const paths = kernelsUnderTest();
const NUM_RUNS = 300;

/** A JSON value; objects keep their entries in the order they are written. */
type Json = null | boolean | number | string | Json[] | { readonly entries: readonly (readonly [string, Json])[] };
const isEntries = (v: Json): v is { readonly entries: readonly (readonly [string, Json])[] } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const specialChars = fc.constantFrom(
  '"', '\\', '/', '\u0000', '\u0001', '\u001f', '\u007f', '\b', '\f', '\n', '\r', '\t', '\u2028', '\u2029', '\uFEFF',
  '\uFB33', '\uFFFD', '\uFFFF', '\uE000', '\u00e9', '\u{1F600}', '\u{1F4A9}', '\u{10000}', '\u{10FFFF}', 'a', 'Z', '0',
);
const char = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: specialChars },
);
const text = fc.string({ unit: char, maxLength: 12 });
const key = fc.string({ unit: char, maxLength: 5 });
const integer = fc.oneof(
  fc.maxSafeInteger(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(0, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 31, -(2 ** 31), 2 ** 32),
);
const scalar: fc.Arbitrary<Json> = fc.oneof(fc.constant(null), fc.boolean(), integer, text);

const { value: jsonValue } = fc.letrec<{ value: Json; array: Json[]; object: Json }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', maxDepth: 6 }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.uniqueArray(fc.tuple(key, tie('value')), { maxLength: 6, selector: (e) => e[0] }).map((entries) => ({ entries })),
}));

/** mulberry32: the formatting choices come from one generated seed, so a failure replays exactly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '/': '\\/' };

function hex4(unit: number, rnd: () => number): string {
  const h = unit.toString(16).padStart(4, '0');
  return `\\u${rnd() < 0.5 ? h : h.toUpperCase()}`;
}

function writeString(s: string, rnd: () => number): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const mustEscape = ch === '"' || ch === '\\' || cp < 0x20;
    if (!mustEscape && rnd() < 0.6) { out += ch; continue; }
    if (SHORT_ESCAPES[ch] !== undefined && rnd() < 0.5) { out += SHORT_ESCAPES[ch]; continue; }
    if (cp <= 0xffff) out += hex4(cp, rnd);
    else out += hex4(ch.charCodeAt(0), rnd) + hex4(ch.charCodeAt(1), rnd);
  }
  return `${out}"`;
}

const WHITESPACE = ['', '', '', ' ', '\n', '\t', '\r\n  ', '  '];
function write(v: Json, rnd: () => number): string {
  const ws = () => WHITESPACE[Math.floor(rnd() * WHITESPACE.length)]!;
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return v === 0 && rnd() < 0.3 ? '-0' : String(v);
  if (typeof v === 'string') return writeString(v, rnd);
  if (Array.isArray(v)) return `[${ws()}${v.map((x) => write(x, rnd)).join(`${ws()},${ws()}`)}${ws()}]`;
  return `{${ws()}${v.entries.map(([k, x]) => `${writeString(k, rnd)}${ws()}:${ws()}${write(x, rnd)}`).join(`${ws()},${ws()}`)}${ws()}}`;
}

function toJs(v: Json): unknown {
  if (typeof v === 'number') return v === 0 ? 0 : v;
  if (Array.isArray(v)) return v.map(toJs);
  if (isEntries(v)) return Object.fromEntries(v.entries.map(([k, x]) => [k, toJs(x)]));
  return v;
}

const document = fc.tuple(jsonValue, fc.integer()).map(([value, seed]) => {
  const rnd = prng(seed);
  return { value, text: `${WHITESPACE[seed & 7]}${write(value, rnd)}${WHITESPACE[(seed >>> 3) & 7]}` };
});

describe('canonical JSON properties (every path, fast-check)', () => {
  it('random documents canonicalize to the model bytes on every path; output parses back to the value and is a fixed point', () => {
    fc.assert(fc.property(document, ({ value, text: input }) => {
      const expected = canonicalOf(toJs(value));
      expectOnEveryPath(paths, 'canonicalJson', input, (k) => k.canonicalJson(utf8(input)), okBytes(expected));
      expectOnEveryPath(paths, 'canonicalJson (string input)', input, (k) => k.canonicalJson(input), okBytes(expected));
      expectOnEveryPath(paths, 'canonicalJson compat', input, (k) => k.canonicalJson(utf8(input), 'compat'), okBytes(expected));
      for (const k of paths) {
        const out = Buffer.from(k.canonicalJson(utf8(input)));
        assert.deepStrictEqual(JSON.parse(out.toString('utf8')), toJs(value), `${k.path}: output does not parse back to the input value`);
        expectOnEveryPath([k], 'canonicalJson of its own output', out, () => k.canonicalJson(out), okBytes(out));
      }
    }), { numRuns: NUM_RUNS });
  });

  it('canonicalJsonBatch returns, item by item, what canonicalJson returns or throws', () => {
    const item = fc.oneof(
      { weight: 3, arbitrary: document.map((d) => d.text) },
      { weight: 1, arbitrary: document.map((d) => d.text.slice(0, Math.max(0, d.text.length - 1))) },
      { weight: 1, arbitrary: fc.constantFrom('{"a":1,"a":2}', '[1.5]', '"\\ud800"', '', '[9007199254740992]') },
    );
    fc.assert(fc.property(fc.array(item, { maxLength: 8 }), (inputs) => {
      const encoded = inputs.map(utf8);
      for (const k of paths) {
        const batch = k.canonicalJsonBatch(encoded);
        assert.equal(batch.length, inputs.length, `${k.path}: batch length`);
        for (const [i, input] of encoded.entries()) {
          const single = outcomeOfSingle(() => k.canonicalJson(input));
          const fromBatch = batch[i]!;
          const got: Outcome = fromBatch instanceof Error
            ? { error: fromBatch.code, offset: fromBatch.offset }
            : okBytes(fromBatch);
          assert.deepStrictEqual(got, single, `${k.path}: batch item ${i} differs from a single call, input ${JSON.stringify(inputs[i])}`);
        }
      }
      // and every path agrees on the whole batch
      const rendered = paths.map((k) => JSON.stringify(k.canonicalJsonBatch(encoded).map((r) => (r instanceof Error ? [r.code, r.offset] : Buffer.from(r).toString('hex')))));
      for (const [i, r] of rendered.entries()) assert.equal(r, rendered[0], `${paths[i]!.path} and ${paths[0]!.path} disagree on batch ${JSON.stringify(inputs)}`);
    }), { numRuns: 100 });
  });

  it('objects with keys differing only past the BMP sort by code point, not UTF-16 unit', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.constantFrom('\uFB33', '\uFFFF', '\u{10000}', '\u{1F600}', '\uE000', 'z', '', '\u{10FFFF}', '\uD7FF', 'a\u{1F600}', 'a\uFB33'), { minLength: 2 }), (keys) => {
      const input = `{${keys.map((k, i) => `${JSON.stringify(k)}:${i}`).join(',')}}`;
      const expected = canonicalOf(Object.fromEntries(keys.map((k, i) => [k, i])));
      expectOnEveryPath(paths, 'astral key order', input, (k) => k.canonicalJson(utf8(input)), okBytes(expected));
    }), { numRuns: 100 });
  });
});

function outcomeOfSingle(fn: () => Uint8Array): Outcome {
  try { return okBytes(fn()); } catch (err) {
    const e = err as { code?: string; offset?: number; message?: string };
    return e.code !== undefined && e.offset !== undefined ? jsonError(e.code, e.offset) : { threw: String(e.message) };
  }
}

/** Index of the first lone surrogate (model). */
function loneSurrogateAt(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (n >= 0xdc00 && n <= 0xdfff) { i++; continue; }
      return i;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

describe('UTF-16 and JSON string kernels (every path, fast-check)', () => {
  const withSurrogates = fc.string({ unit: fc.oneof(char, fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D', '\uDE00')), maxLength: 10 });

  it('utf8Encode and findLoneSurrogate match the model, with or without lone surrogates', () => {
    fc.assert(fc.property(withSurrogates, (s) => {
      const at = loneSurrogateAt(s);
      expectOnEveryPath(paths, 'findLoneSurrogate', s, (k) => k.findLoneSurrogate(s), { ok: String(at) });
      expectOnEveryPath(paths, 'utf8Encode', s, (k) => k.utf8Encode(s), at < 0 ? okBytes(Buffer.from(s, 'utf8')) : { error: 'LoneSurrogateError', offset: at });
    }), { numRuns: NUM_RUNS });
  });

  it('decodeJsonString of a written string body gives the string back', () => {
    fc.assert(fc.property(text, fc.integer(), (s, seed) => {
      const body = writeString(s, prng(seed)).slice(1, -1);
      expectOnEveryPath(paths, 'decodeJsonString', body, (k) => k.decodeJsonString(utf8(body)), { ok: s });
    }), { numRuns: NUM_RUNS });
  });
});

describe('base64, SHA-256 and Ed25519 properties (every path, fast-check)', () => {
  it('base64 encodes as node does (unpadded) and decodes padded and unpadded forms back', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (raw) => {
      const std = Buffer.from(raw).toString('base64');
      const url = Buffer.from(raw).toString('base64url');
      expectOnEveryPath(paths, 'base64Encode', raw, (k) => k.base64Encode(raw), { ok: std.replace(/=+$/, '') });
      expectOnEveryPath(paths, 'base64Encode url', raw, (k) => k.base64Encode(raw, true), { ok: url });
      expectOnEveryPath(paths, 'base64Decode padded', std, (k) => k.base64Decode(std), okBytes(raw));
      expectOnEveryPath(paths, 'base64Decode unpadded', std, (k) => k.base64Decode(std.replace(/=+$/, '')), okBytes(raw));
      expectOnEveryPath(paths, 'base64Decode url', url, (k) => k.base64Decode(url, true), okBytes(raw));
    }), { numRuns: NUM_RUNS });
  });

  it('sha256 matches node:crypto for lengths around the block size', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (raw) => {
      expectOnEveryPath(paths, 'sha256', raw, (k) => k.sha256(raw), okBytes(createHash('sha256').update(raw).digest()));
    }), { numRuns: NUM_RUNS });
  });

  it('Ed25519 keys and signatures match OpenSSL, verify, and fail once the message changes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), (seed, message, flip) => {
      const publicKey = opensslPublicKey(seed);
      const signature = opensslSign(seed, message);
      const tampered = Buffer.from(message);
      tampered[flip % tampered.length]! ^= 1 << (flip % 8);
      expectOnEveryPath(paths, 'ed25519PublicKey', seed, (k) => k.ed25519PublicKey(seed), okBytes(publicKey));
      expectOnEveryPath(paths, 'ed25519Sign', message, (k) => k.ed25519Sign(seed, message), okBytes(signature));
      expectOnEveryPath(paths, 'ed25519Verify', message, (k) => k.ed25519Verify(publicKey, message, signature), { ok: 'true' });
      expectOnEveryPath(paths, 'ed25519Verify tampered', tampered, (k) => k.ed25519Verify(publicKey, tampered, signature), { ok: 'false' });
    }), { numRuns: 60 });
  });
});
