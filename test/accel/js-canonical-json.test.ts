// Internals of the js reference path: Python float repr, the error offsets of
// the cases JSON-SEMANTICS.md "Clarifications" decides, strict base64, the
// redaction rule shapes, and verifyBatch's failure reasons.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CanonicalJsonError, LoneSurrogateError, type JsonMode, type RedactionRules } from '../../src/accel/types.js';
import { createJsKernels } from '../../src/accel/js/index.js';
import { pythonFloatRepr } from '../../src/accel/js/python-float.js';

const k = createJsKernels();
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

function canonical(input: string | Uint8Array, mode: JsonMode = 'strict'): string {
  return text(k.canonicalJson(typeof input === 'string' ? utf8(input) : input, mode));
}

function rejects(input: string | Uint8Array, code: string, offset: number, mode: JsonMode = 'strict'): void {
  const bytes = typeof input === 'string' ? utf8(input) : input;
  assert.throws(
    () => k.canonicalJson(bytes, mode),
    (err: unknown) => err instanceof CanonicalJsonError && err.code === code && err.offset === offset,
    `${JSON.stringify(typeof input === 'string' ? input : [...input])} (${mode}) should be ${code} at ${offset}`,
  );
}

describe('Python float repr (compat mode)', () => {
  // [token, repr(float(token)) as printed by CPython 3]
  const cases: [string, string][] = [
    ['0.0', '0.0'], ['-0.0', '-0.0'], ['1.0', '1.0'], ['-1.5', '-1.5'], ['0.1', '0.1'],
    ['0.0001', '0.0001'], ['0.00001', '1e-05'], ['1e-4', '0.0001'], ['2.5e-5', '2.5e-05'],
    ['123.456', '123.456'], ['1e15', '1000000000000000.0'], ['1e16', '1e+16'], ['1.5e16', '1.5e+16'],
    ['9007199254740993.0', '9007199254740992.0'], ['1e22', '1e+22'], ['1e100', '1e+100'],
    ['5e-324', '5e-324'], ['2.2250738585072014e-308', '2.2250738585072014e-308'],
    ['1.7976931348623157e308', '1.7976931348623157e+308'], ['0.30000000000000004', '0.30000000000000004'],
    ['100.0', '100.0'], ['1234567890123456.7', '1234567890123456.8'],
    ['12345678901234567.0', '1.2345678901234568e+16'], ['-123e-10', '-1.23e-08'], ['50.75', '50.75'],
    ['49.9', '49.9'], ['1E5', '100000.0'], ['1e-400', '0.0'], ['-1e-400', '-0.0'],
  ];

  it('matches CPython for notable values', () => {
    for (const [token, repr] of cases) assert.equal(canonical(`[${token}]`, 'compat'), `[${repr}]`, token);
  });

  it('round-trips and switches to exponent form outside [1e-4, 1e16)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const repr = pythonFloatRepr(x);
        assert.ok(Object.is(Number(repr), x), `${repr} does not round-trip ${x}`);
        assert.match(repr, /^-?(\d+\.\d+|\d(\.\d+)?e[+-]\d{2,3})$/);
        const abs = Math.abs(x);
        const fixed = x === 0 || (abs >= 1e-4 && abs < 1e16);
        assert.equal(!repr.includes('e'), fixed, repr);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps integers exactly, up to Python’s 4300 digits', () => {
    const big = '1234567890'.repeat(430);
    assert.equal(canonical(`[-0,${big},-${big}]`, 'compat'), `[0,${big},-${big}]`);
    rejects(`[${big}1]`, 'number_range', 1, 'compat');
    rejects('[1,1e309]', 'number_range', 3, 'compat');
    rejects('[-1E400]', 'number_range', 1, 'compat');
  });
});

describe('error codes and offsets the clarifications decide', () => {
  it('high surrogate escape without a complete low one: lone_surrogate at its backslash', () => {
    rejects('"\\uD800', 'lone_surrogate', 1);
    rejects('["\\uD800\\u12G4"]', 'lone_surrogate', 2);
    rejects('["\\uD800\\uDC"]', 'lone_surrogate', 2);
    rejects('["\\uD800\\uD800"]', 'lone_surrogate', 2);
    rejects('["\\uD800\\n"]', 'lone_surrogate', 2);
    rejects('["a\\uDFFF"]', 'lone_surrogate', 3);
    assert.equal(canonical('["\\ud83d\\uDE00"]'), '["😀"]');
  });

  it('raw surrogate ED A0..BF: lone_surrogate at ED whatever follows; other bad UTF-8: invalid_utf8 at the first byte', () => {
    rejects(Uint8Array.of(0x22, 0xed, 0xa0, 0x80, 0x22), 'lone_surrogate', 1);
    rejects(Uint8Array.of(0x22, 0xed, 0xbf, 0x41, 0x22), 'lone_surrogate', 1);
    rejects(Uint8Array.of(0x22, 0xed, 0xa0), 'lone_surrogate', 1);
    rejects(Uint8Array.of(0x22, 0xed, 0x9f), 'invalid_utf8', 1); // truncated, not syntax at the end
    rejects(Uint8Array.of(0x22, 0x61, 0xe2, 0x82), 'invalid_utf8', 2);
    rejects(Uint8Array.of(0x22, 0xc0, 0xaf, 0x22), 'invalid_utf8', 1); // overlong '/'
    rejects(Uint8Array.of(0x22, 0xe0, 0x9f, 0xbf, 0x22), 'invalid_utf8', 1); // overlong
    rejects(Uint8Array.of(0x22, 0xf4, 0x90, 0x80, 0x80, 0x22), 'invalid_utf8', 1); // > U+10FFFF
    rejects(Uint8Array.of(0x22, 0xf5, 0x80, 0x80, 0x80, 0x22), 'invalid_utf8', 1);
    rejects(Uint8Array.of(0x22, 0x80, 0x22), 'invalid_utf8', 1);
    rejects(Uint8Array.of(0x22, 0xc3, 0x22), 'invalid_utf8', 1);
    rejects(Uint8Array.of(0x5b, 0xc3, 0xa9, 0x5d), 'syntax', 1); // non-ASCII outside a string
    assert.equal(canonical(Uint8Array.of(0x22, 0xed, 0x9f, 0xbf, 0x22)), '"\u{d7ff}"');
    assert.equal(canonical(Uint8Array.of(0x22, 0xf4, 0x8f, 0xbf, 0xbf, 0x22)), '"\u{10ffff}"');
  });

  it('number checks fire when the token ends', () => {
    rejects('1.5x', 'not_integer', 0);
    rejects('[99999999999999999]', 'integer_range', 1);
    rejects('[-9007199254740992', 'integer_range', 1);
    rejects('1.5x', 'syntax', 3, 'compat');
    rejects('[1.]', 'syntax', 3, 'compat');
    rejects('[1e+', 'syntax', 4, 'compat');
    rejects('-', 'syntax', 1);
    rejects('01', 'syntax', 1);
    assert.equal(canonical('[9007199254740991,-9007199254740991,-0]'), '[9007199254740991,-9007199254740991,0]');
  });

  it('duplicate keys are reported when the second key ends, before later errors', () => {
    rejects('{"a":1,"a"', 'duplicate_key', 7);
    rejects('{"a":1,"\\u0061":1.5}', 'duplicate_key', 7);
    rejects('{"é":1,"\\u00e9":2}', 'duplicate_key', 8);
  });

  it('nesting: 256 levels parse, the 257th opener is too_deep, 10,000 levels do not overflow', () => {
    const ok = '['.repeat(256) + ']'.repeat(256);
    assert.equal(canonical(ok), ok);
    rejects('['.repeat(257) + ']'.repeat(257), 'too_deep', 256);
    rejects('{"a":'.repeat(10_000), 'too_deep', 5 * 256);
  });

  it('event operations parse first, then require an object root', () => {
    const rules: RedactionRules = { keepTopLevel: ['type'], keepContent: {} };
    const check = (input: string, offset: number): void => {
      for (const op of [() => k.contentHash(utf8(input)), () => k.redact(utf8(input), rules), () => k.referenceHash(utf8(input), rules)]) {
        assert.throws(op, (e: unknown) => e instanceof CanonicalJsonError && e.code === 'syntax' && e.offset === offset, input);
      }
    };
    check('[1,x', 3);
    check('[1]', 0);
    check('  "s"', 2);
    check('', 0);
  });

  it('a JS string with a raw lone surrogate: lone_surrogate at its UTF-8 offset, before any parse', () => {
    assert.throws(() => k.canonicalJson('{"é":"\udc00"}'), (e: unknown) => e instanceof CanonicalJsonError && e.code === 'lone_surrogate' && e.offset === 7);
    assert.throws(() => k.canonicalJson('x😀\ud800'), (e: unknown) => e instanceof CanonicalJsonError && e.code === 'lone_surrogate' && e.offset === 5);
    assert.equal(text(k.canonicalJson('{"b":"😀","a":1}')), '{"a":1,"b":"😀"}');
  });

  it('decodeJsonString: offsets relative to the body', () => {
    assert.equal(k.decodeJsonString(utf8('a\\u00e9\\n\\ud83d\\ude00\ufeff')), 'aé\n😀\ufeff');
    const fails = (body: string, code: string, offset: number): void =>
      assert.throws(() => k.decodeJsonString(utf8(body)), (e: unknown) => e instanceof CanonicalJsonError && e.code === code && e.offset === offset, body);
    fails('ab"c', 'syntax', 2);
    fails('ab\\', 'syntax', 2);
    fails('\\u12', 'syntax', 0);
    fails('x\\uD800', 'lone_surrogate', 1);
    fails('x\u0001', 'syntax', 1);
  });
});

describe('UTF-16 and base64 strictness', () => {
  it('utf8Encode throws at the lone surrogate instead of writing U+FFFD', () => {
    assert.deepEqual(k.utf8Encode('é😀'), Uint8Array.of(0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80));
    assert.throws(() => k.utf8Encode('ab\udc00'), (e: unknown) => e instanceof LoneSurrogateError && e.index === 2);
    assert.equal(k.findLoneSurrogate('😀\ud83d'), 2);
    assert.equal(k.findLoneSurrogate('😀'), -1);
  });

  it('base64Decode refuses what Buffer would silently skip', () => {
    for (const bad of ['YWJj ZA', 'YW\nJj', 'YWJj-A', 'a', 'YWJjZ', 'YQ=', 'YQ===', 'YWE==', '=YWE', 'YW=E', 'YWJj=', '===='])
      assert.throws(() => k.base64Decode(bad), /base64/, bad);
    assert.throws(() => k.base64Decode('YW+/', true), /base64/);
    assert.deepEqual(k.base64Decode('YQ'), utf8('a'));
    assert.deepEqual(k.base64Decode('YQ=='), utf8('a'));
    assert.deepEqual(k.base64Decode('YR'), utf8('a')); // non-zero trailing bits accepted
    assert.deepEqual(k.base64Decode('-_8', true), Uint8Array.of(0xfb, 0xff));
    assert.deepEqual(k.base64Decode(''), new Uint8Array(0));
  });
});

describe('redaction rule shapes', () => {
  const rules: RedactionRules = {
    keepTopLevel: ['type', 'content', 'sender'],
    keepContent: {
      'm.all': ['*'],
      'm.member': ['membership', 'third_party_invite.signed', 'third_party_invite.x.y'],
      'm.both': ['a', 'a.b'],
    },
  };
  const redact = (event: object): unknown => JSON.parse(text(k.redact(utf8(JSON.stringify(event)), rules)));

  it('keeps listed top-level keys and always a content object', () => {
    assert.deepEqual(redact({ type: 'm.x', sender: '@a:b', unsigned: { age: 1 }, content: { body: 'hi' } }), { type: 'm.x', sender: '@a:b', content: {} });
    assert.deepEqual(redact({ type: 'm.all' }), { type: 'm.all', content: {} });
    assert.deepEqual(redact({ type: 'm.all', content: [1] }), { type: 'm.all', content: {} });
    assert.deepEqual(redact({ type: 7, content: { membership: 'join' } }), { type: 7, content: {} });
    assert.deepEqual(redact({ type: 'constructor', content: { a: 1 } }), { type: 'constructor', content: {} });
  });

  it('"*", plain keys and "a.b" paths (split at the first dot)', () => {
    assert.deepEqual(redact({ type: 'm.all', content: { x: { y: 1 }, z: 2 } }), { type: 'm.all', content: { x: { y: 1 }, z: 2 } });
    assert.deepEqual(
      redact({ type: 'm.member', content: { membership: 'invite', displayname: 'A', third_party_invite: { signed: { s: 1 }, display_name: 'x', 'x.y': 3 } } }),
      { type: 'm.member', content: { membership: 'invite', third_party_invite: { signed: { s: 1 }, 'x.y': 3 } } },
    );
    assert.deepEqual(redact({ type: 'm.member', content: { third_party_invite: 'nope' } }), { type: 'm.member', content: {} });
    assert.deepEqual(redact({ type: 'm.member', content: { third_party_invite: {} } }), { type: 'm.member', content: { third_party_invite: {} } });
    assert.deepEqual(redact({ type: 'm.both', content: { a: { b: 1, c: 2 } } }), { type: 'm.both', content: { a: { b: 1, c: 2 } } });
  });

  it('content hash drops unsigned, signatures, hashes, age_ts, outlier and destinations only', () => {
    const base = { type: 'm.x', content: { a: 1 } };
    const full = { ...base, unsigned: {}, signatures: {}, hashes: {}, age_ts: 1, outlier: true, destinations: [] };
    assert.deepEqual(k.contentHash(utf8(JSON.stringify(full))), k.sha256(utf8('{"content":{"a":1},"type":"m.x"}')));
    assert.notDeepEqual(k.contentHash(utf8(JSON.stringify({ ...base, age: 1 }))), k.contentHash(utf8(JSON.stringify(base))));
  });
});

describe('verifyBatch failure reasons', () => {
  const seed = new Uint8Array(32).fill(3);
  const publicKey = k.ed25519PublicKey(seed);
  const required = [{ server: 'a.example', keyId: 'ed25519:1', publicKey }];
  const unsigned = { type: 'm.x', content: { body: 'hi' }, unsigned: { age: 5 } };
  const signature = k.ed25519Sign(seed, k.canonicalJson(JSON.stringify({ type: 'm.x', content: { body: 'hi' } })));
  const withSig = (sig: unknown): Uint8Array => utf8(JSON.stringify({ ...unsigned, signatures: { 'a.example': { 'ed25519:1': sig } } }));
  const verify = (obj: Uint8Array, req = required) => k.verifyBatch({ objects: [obj], required: [req], mode: 'strict' })[0];
  const sig64 = k.base64Encode(signature);

  it('accepts unpadded and padded signatures; unsigned is not signed', () => {
    assert.deepEqual(verify(withSig(sig64)), { ok: true });
    assert.deepEqual(verify(withSig(`${sig64}==`)), { ok: true });
    assert.deepEqual(verify(withSig(sig64), []), { ok: true });
  });

  it('names the reason and the signature', () => {
    const fail = (reason: string) => ({ ok: false, reason, server: 'a.example', keyId: 'ed25519:1' });
    assert.deepEqual(verify(utf8(JSON.stringify(unsigned))), fail('missing_signature'));
    assert.deepEqual(verify(utf8(JSON.stringify({ ...unsigned, signatures: { 'a.example': 'x' } }))), fail('missing_signature'));
    assert.deepEqual(verify(withSig(12)), fail('bad_signature_encoding'));
    assert.deepEqual(verify(withSig(sig64.slice(0, 84))), fail('bad_signature_encoding'));
    assert.deepEqual(verify(withSig(`${sig64.slice(0, 85)}!`)), fail('bad_signature_encoding'));
    assert.deepEqual(verify(withSig(`-${'A'.repeat(85)}`)), fail('bad_signature_encoding')); // URL-safe alphabet
    const other = k.base64Encode(k.ed25519Sign(seed, utf8('{}')));
    assert.deepEqual(verify(withSig(other)), fail('invalid_signature'));
    assert.deepEqual(verify(utf8('[1]')), { ok: false, reason: 'bad_json' });
    assert.deepEqual(verify(utf8('{"a":1.5}')), { ok: false, reason: 'bad_json' });
  });
});
