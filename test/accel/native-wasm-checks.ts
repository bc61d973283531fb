// Checks specific to the Rust paths (native and wasm), run by native-kernels.test.ts
// and wasm-kernels.test.ts: inputs long enough to leave the JS shortcuts and cross
// SIMD block boundaries, batches large enough to be split across cores, outputs
// larger than the reused scratch area, and wasm memory growth. Expected answers
// come from independent sources (Buffer, node:crypto), not from another path.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  Base64Error,
  CanonicalJsonError,
  LoneSurrogateError,
  tryLoadKernels,
  type AccelPath,
  type Kernels,
  type RequiredSignature,
} from '../../src/accel/index.js';
import { opensslPublicKey, opensslSign } from './kernel-fixtures.js';

/** The path's kernels, or undefined (test skipped) when it does not load and is not required here. */
function load(path: AccelPath): Kernels | undefined {
  const k = tryLoadKernels(path);
  if (!(k instanceof Error)) return k;
  const required = (process.env.MYELIN_TEST_REQUIRE_PATHS ?? '').split(',').map((s) => s.trim());
  if (required.includes(path)) throw new Error(`kernel path ${path} is required here but did not load: ${k.message}`);
  return undefined;
}

/** Deterministic bytes (xorshift32). */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

export function rustPathChecks(path: 'native' | 'wasm'): void {
  const k = load(path);
  const opts = { skip: k === undefined ? `${path} kernels not built` : false };
  const K = () => k!;

  test(`${path}: base64 of every length up to 400 bytes, both alphabets, matches Buffer`, opts, () => {
    for (let n = 0; n <= 400; n++) {
      const raw = bytes(n, n + 1);
      const std = Buffer.from(raw).toString('base64');
      const url = Buffer.from(raw).toString('base64url');
      assert.equal(K().base64Encode(raw), std.replace(/=+$/, ''), `encode n=${n}`);
      assert.equal(K().base64Encode(raw, true), url, `encode url n=${n}`);
      assert.deepEqual(K().base64Decode(std.replace(/=+$/, '')), raw, `decode n=${n}`);
      assert.deepEqual(K().base64Decode(std), raw, `decode padded n=${n}`);
      assert.deepEqual(K().base64Decode(url, true), raw, `decode url n=${n}`);
    }
  });

  test(`${path}: a bad character anywhere in a long base64 text is refused`, opts, () => {
    const good = Buffer.from(bytes(300, 9)).toString('base64'); // 400 chars, no padding
    for (const pos of [0, 1, 15, 16, 31, 32, 33, 63, 64, 100, 200, 255, 256, 383, 384, 398, 399]) {
      for (const bad of ['!', ' ', '\n', '=', '-', '_', 'é', '\u{1F600}', '\ud800', '\0']) {
        const t = good.slice(0, pos) + bad + good.slice(pos + 1);
        if (bad === '=' && pos === good.length - 1) continue; // that is padding
        assert.throws(() => K().base64Decode(t), Base64Error, `${JSON.stringify(bad)} at ${pos}`);
      }
      const urlText = Buffer.from(bytes(300, 9)).toString('base64url');
      assert.throws(() => K().base64Decode(urlText.slice(0, pos) + '+' + urlText.slice(pos + 1), true), Base64Error);
    }
    assert.throws(() => K().base64Decode(good + 'A'), Base64Error, 'length ≡ 1 (mod 4)');
    assert.throws(() => K().base64Decode(good + 'AA='), Base64Error, 'padding that does not complete the quantum');
    // non-zero trailing bits are accepted: "…Zh" decodes like "…Zg"
    assert.deepEqual(K().base64Decode(good + 'Zh'), K().base64Decode(good + 'Zg'));
  });

  test(`${path}: UTF-8 of long strings, and lone surrogates found at every position`, opts, () => {
    const pieces = ['a', 'é', '€', '😀', 'z', '\u007f', '\u0080', '\u07ff', '\u0800', '\uffff', '\u{10000}', '\u{10ffff}'];
    let s = '';
    for (let i = 0; s.length < 300; i++) s += pieces[(i * 7) % pieces.length];
    assert.deepEqual(K().utf8Encode(s), utf8(s));
    assert.equal(K().findLoneSurrogate(s), -1);
    const ascii = 'x'.repeat(200);
    for (let pos = 0; pos < 200; pos += 7) {
      for (const lone of ['\ud800', '\udbff', '\udc00', '\udfff']) {
        const t = ascii.slice(0, pos) + lone + ascii.slice(pos + 1);
        assert.equal(K().findLoneSurrogate(t), pos);
        assert.throws(() => K().utf8Encode(t), (e: unknown) => e instanceof LoneSurrogateError && e.index === pos);
      }
    }
    // reversed pair, and a pair straddling a 16-unit block boundary
    assert.equal(K().findLoneSurrogate('a'.repeat(100) + '\ude00\ud83d'), 100);
    const straddle = 'a'.repeat(79) + '😀' + 'b'.repeat(40);
    assert.equal(K().findLoneSurrogate(straddle), -1);
    assert.deepEqual(K().utf8Encode(straddle), utf8(straddle));
  });

  test(`${path}: canonicalJson of a long JS string reports a raw lone surrogate at its UTF-8 offset`, opts, () => {
    const prefix = '{"body":"' + 'é'.repeat(50) + 'x'.repeat(30);
    const t = prefix + '\udc00"}';
    assert.throws(
      () => K().canonicalJson(t),
      (e: unknown) => e instanceof CanonicalJsonError && e.code === 'lone_surrogate' && e.offset === Buffer.byteLength(prefix),
    );
    assert.equal(text(K().canonicalJson('{"b":"' + '😀'.repeat(100) + '", "a":1}')), '{"a":1,"b":"' + '😀'.repeat(100) + '"}');
  });

  test(`${path}: outputs larger than the scratch area, and results independent of later calls`, opts, () => {
    const big = { z: 'y'.repeat(200_000), a: Array.from({ length: 5000 }, (_, i) => i) };
    const expected = JSON.stringify({ a: big.a, z: big.z });
    const first = K().canonicalJson(utf8(JSON.stringify(big)));
    assert.equal(text(first), expected);
    const small = K().canonicalJson(utf8('{"b":2,"a":1}'));
    const again = K().canonicalJson(utf8('{"d":4,"c":3}'));
    assert.equal(text(small), '{"a":1,"b":2}', 'an earlier result must not change when the kernel is called again');
    assert.equal(text(again), '{"c":3,"d":4}');
    assert.equal(text(first), expected);
    assert.equal(Object.getPrototypeOf(small), Uint8Array.prototype);
  });

  test(`${path}: canonicalJsonBatch of many items (over 1 MiB, split across cores on native) matches one-by-one`, opts, () => {
    const inputs: Uint8Array[] = [];
    for (let i = 0; i < 3000; i++) {
      if (i % 97 === 5) inputs.push(utf8(`{"a":1,"a":2,"i":${i}}`));
      else if (i % 101 === 7) inputs.push(utf8(`[1,2`));
      else inputs.push(utf8(JSON.stringify({ z: i, body: 'w'.repeat(i % 700), a: [i, 'é'] })));
    }
    const total = inputs.reduce((n, b) => n + b.byteLength, 0);
    assert.ok(total > 1 << 20, 'the batch must be large enough to be split');
    const out = K().canonicalJsonBatch(inputs);
    assert.equal(out.length, inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      const r = out[i]!;
      if (i % 97 === 5) {
        assert.ok(r instanceof CanonicalJsonError && r.code === 'duplicate_key' && r.offset === 7, `item ${i}`);
      } else if (i % 101 === 7) {
        assert.ok(r instanceof CanonicalJsonError && r.code === 'syntax' && r.offset === 4, `item ${i}`);
      } else {
        assert.ok(r instanceof Uint8Array, `item ${i}`);
        assert.equal(text(r), JSON.stringify({ a: [i, 'é'], body: 'w'.repeat(i % 700), z: i }), `item ${i}`);
      }
    }
    assert.deepEqual(K().canonicalJsonBatch([]), []);
    const withEmpty = K().canonicalJsonBatch([utf8(''), utf8('1')]);
    assert.ok(withEmpty[0] instanceof CanonicalJsonError && withEmpty[0].code === 'syntax' && withEmpty[0].offset === 0);
    assert.equal(text(withEmpty[1] as Uint8Array), '1');
  });

  test(`${path}: verifyBatch over many objects (split across cores on native) reports each object's first failure`, opts, () => {
    const seedA = bytes(32, 1);
    const seedB = bytes(32, 2);
    const keyA = opensslPublicKey(seedA);
    const keyB = opensslPublicKey(seedB);
    const reqA: RequiredSignature = { server: 'a.example', keyId: 'ed25519:1', publicKey: keyA };
    const reqB: RequiredSignature = { server: 'b.example', keyId: 'ed25519:x', publicKey: keyB };
    const signed = (i: number, mutate?: (o: Record<string, unknown>, sigs: Record<string, Record<string, unknown>>) => void) => {
      const body = { type: 'm.test', n: i, content: { text: 'é'.repeat(i % 5) }, unsigned: { age: i } };
      const message = Buffer.from(JSON.stringify({ content: body.content, n: i, type: 'm.test' }));
      const sigs: Record<string, Record<string, unknown>> = {
        'a.example': { 'ed25519:1': opensslSign(seedA, message).toString('base64').replace(/=+$/, '') },
        'b.example': { 'ed25519:x': opensslSign(seedB, message).toString('base64').replace(/=+$/, '') },
      };
      const obj: Record<string, unknown> = { ...body, signatures: sigs };
      mutate?.(obj, sigs);
      return utf8(JSON.stringify(obj));
    };
    const cases: { object: Uint8Array; required: RequiredSignature[]; expect: string }[] = [];
    for (let i = 0; i < 64; i++) {
      switch (i % 8) {
        case 0: cases.push({ object: signed(i), required: [reqA, reqB], expect: 'ok' }); break;
        case 1: cases.push({ object: signed(i, (o) => { o.n = -1; }), required: [reqA, reqB], expect: 'invalid_signature a.example' }); break;
        case 2: cases.push({ object: signed(i, (_, s) => { delete s['b.example']; }), required: [reqA, reqB], expect: 'missing_signature b.example' }); break;
        case 3: cases.push({ object: signed(i, (_, s) => { s['a.example']!['ed25519:1'] = 12; }), required: [reqA, reqB], expect: 'bad_signature_encoding a.example' }); break;
        case 4: cases.push({ object: signed(i, (_, s) => { s['b.example']!['ed25519:x'] = 'AAAA'; }), required: [reqA, reqB], expect: 'bad_signature_encoding b.example' }); break;
        case 5: cases.push({ object: utf8('{"n":1,"n":2}'), required: [reqA], expect: 'bad_json' }); break;
        case 6: cases.push({ object: signed(i), required: [], expect: 'ok' }); break;
        case 7: cases.push({ object: signed(i), required: [{ ...reqB, publicKey: keyA }], expect: 'invalid_signature b.example' }); break;
      }
    }
    const results = K().verifyBatch({ objects: cases.map((c) => c.object), required: cases.map((c) => c.required), mode: 'strict' });
    assert.equal(results.length, cases.length);
    results.forEach((r, i) => {
      const got = r.ok ? 'ok' : [r.reason, r.server].filter((x) => x !== undefined).join(' ');
      assert.equal(got, cases[i]!.expect, `object ${i}`);
    });
    assert.deepEqual(K().verifyBatch({ objects: [], required: [], mode: 'strict' }), []);
  });

  test(`${path}: sha256 and hashes of inputs larger than the scratch area`, opts, () => {
    const data = bytes(300_000, 5);
    assert.deepEqual(K().sha256(data), new Uint8Array(createHash('sha256').update(data).digest()));
    const event = utf8(JSON.stringify({ type: 'm.x', content: { big: 'q'.repeat(100_000) }, unsigned: { a: 1 }, hashes: { sha256: 'x' } }));
    const expected = createHash('sha256').update(JSON.stringify({ content: { big: 'q'.repeat(100_000) }, type: 'm.x' })).digest();
    assert.deepEqual(K().contentHash(event), new Uint8Array(expected));
  });

  if (path === 'wasm') {
    test('wasm: linear memory grows for a large input and small calls still work after it', opts, () => {
      const huge = utf8('[' + Array.from({ length: 400_000 }, (_, i) => `"${i}"`).join(',') + ']');
      const out = K().canonicalJson(huge);
      assert.equal(out.byteLength, huge.byteLength);
      assert.equal(text(K().canonicalJson(utf8(' {"b":[],"a":{}} '))), '{"a":{},"b":[]}');
      assert.equal(K().base64Encode(bytes(3000, 3)), Buffer.from(bytes(3000, 3)).toString('base64').replace(/=+$/, ''));
    });
  }
}
