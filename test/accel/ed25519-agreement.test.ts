// Ed25519 on every path: the libsodium / Synapse acceptance policy
// (JSON-SEMANTICS.md) on crafted edge cases — each crafted signature satisfies
// the plain verification equation, so only the policy can refuse it — and
// verifyBatch over ~200 signed events with corruptions, per-event results
// identical on every path.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { Point } from '@noble/ed25519';
import type { Kernels, RedactionRules, RequiredSignature, VerifyResult } from '../../src/accel/index.js';
import { kernelsUnderTest } from '../helpers/kernels.js';
import {
  b64std, expectAgreement, expectOnEveryPath, opensslPublicKey, opensslSign, REDACTION_RULES, signingInputModel, utf8,
} from './kernel-fixtures.js';

const paths = kernelsUnderTest();

// ---- curve arithmetic for crafting signatures (noble's Point; scalars by hand) ----
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const le = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).reverse().toString('hex') || '0'}`);
const toLe = (n: bigint): Buffer => Buffer.from(n.toString(16).padStart(64, '0'), 'hex').reverse();
const sha512 = (...parts: Uint8Array[]): Buffer => createHash('sha512').update(Buffer.concat(parts)).digest();
const hex = (h: string): Buffer => Buffer.from(h, 'hex');

function secretScalar(seed: Uint8Array): bigint {
  const h = sha512(seed).subarray(0, 32);
  h[0]! &= 248; h[31]! &= 127; h[31]! |= 64;
  return le(h);
}
const challenge = (R: Uint8Array, A: Uint8Array, M: Uint8Array): bigint => le(sha512(R, A, M)) % L;
/** A deterministic scalar stream, so the crafted cases are the same on every run. */
function* scalars(label: string): Generator<bigint> {
  for (let i = 0; ; i++) yield (le(sha512(utf8(`${label}/${i}`))) % (L - 1n)) + 1n;
}
/** True when [S]B = R + [k]A holds for the given encodings (decoded leniently): the cofactorless equation. */
function equationHolds(A: Uint8Array, M: Uint8Array, sig: Uint8Array): boolean {
  const R = Point.fromBytes(sig.subarray(0, 32), true);
  const S = le(sig.subarray(32));
  const k = challenge(sig.subarray(0, 32), A, M);
  const lhs = Point.BASE.multiplyUnsafe(S % L);
  return lhs.equals(R.add(Point.fromBytes(A, true).multiplyUnsafe(k)));
}

/** libsodium's small-order blocklist (order 1, 2, 4, 8 points, incl. the non-canonical encodings of 0 and 1). */
const SMALL_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
];
const withSignBit = (h: string): string => h.slice(0, 62) + (parseInt(h.slice(62), 16) | 0x80).toString(16);
const ORDER8 = Point.fromHex(SMALL_ORDER[3]!);

/**
 * A signature by a small-order (or torsion-carrying) key A that satisfies the
 * cofactorless equation: R = [r]B − [j]A for a guessed j, kept when k ≡ j (mod 8).
 */
function forgeForTorsionKey(A: Uint8Array, M: Uint8Array, label: string): Buffer | undefined {
  let point: Point;
  try { point = Point.fromBytes(A, true); } catch { return undefined; }
  const gen = scalars(label);
  for (let attempt = 0; attempt < 400; attempt++) {
    const r = gen.next().value as bigint;
    const j = BigInt(attempt % 8);
    const Rp = Point.BASE.multiplyUnsafe(r).add(point.multiplyUnsafe(j).negate());
    const R = Rp.toBytes();
    const k = challenge(R, A, M);
    const sig = Buffer.concat([R, toLe(r)]);
    if (point.multiplyUnsafe(k % 8n).equals(point.multiplyUnsafe(j)) && equationHolds(A, M, sig)) return sig;
  }
  return undefined;
}

interface Craft { name: string; publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array; accept: boolean }

function craftCases(): Craft[] {
  const seed = sha512(utf8('myelin ed25519 edge cases')).subarray(0, 32);
  const a = secretScalar(seed);
  const A = opensslPublicKey(seed);
  const M = utf8('{"content":{"body":"edge"},"type":"m.room.message"}');
  const good = opensslSign(seed, M);
  const R = good.subarray(0, 32);
  const S = le(good.subarray(32));
  const out: Craft[] = [
    { name: 'valid signature', publicKey: A, message: M, signature: good, accept: true },
    { name: 'S + L (malleated)', publicKey: A, message: M, signature: Buffer.concat([R, toLe(S + L)]), accept: false },
    { name: 'S + 2L', publicKey: A, message: M, signature: Buffer.concat([R, toLe(S + 2n * L)]), accept: false },
    { name: 'S = L', publicKey: A, message: M, signature: Buffer.concat([R, toLe(L)]), accept: false },
    { name: 'S with the top bit set', publicKey: A, message: M, signature: Buffer.concat([R, toLe(S | (1n << 255n))]), accept: false },
    { name: 'all-zero signature', publicKey: A, message: M, signature: Buffer.alloc(64), accept: false },
  ];

  // small-order public keys (each as listed, and with the sign bit set), with a signature satisfying the equation where one exists
  for (const [i, h] of SMALL_ORDER.flatMap((x) => [x, withSignBit(x)]).entries()) {
    const key = hex(h);
    const forged = forgeForTorsionKey(key, M, `small-order A ${i}`);
    out.push({ name: `small-order A ${h.slice(0, 8)}…${h.slice(62)}${forged ? ' (equation holds)' : ''}`, publicKey: key, message: M, signature: forged ?? good, accept: false });
  }

  // a key with a torsion component (A' = A + T8): not small order, canonical. Accepted iff the cofactorless equation holds.
  const mixed = Point.fromBytes(A).add(ORDER8).toBytes();
  {
    const gen = scalars('mixed A');
    let accepted: Buffer | undefined; let rejected: Buffer | undefined;
    for (let i = 0; i < 200 && !(accepted && rejected); i++) {
      const r = gen.next().value as bigint;
      const Rb = Point.BASE.multiplyUnsafe(r).toBytes();
      const k = challenge(Rb, mixed, M);
      const sig = Buffer.concat([Rb, toLe((r + k * a) % L)]);
      if (k % 8n === 0n) accepted ??= sig; else rejected ??= sig; // [k]T8 vanishes only when 8 | k
    }
    assert.ok(accepted && rejected && equationHolds(mixed, M, accepted) && !equationHolds(mixed, M, rejected));
    out.push({ name: 'mixed-order A, cofactorless equation holds', publicKey: mixed, message: M, signature: accepted, accept: true });
    out.push({ name: 'mixed-order A, only the cofactored equation holds', publicKey: mixed, message: M, signature: rejected, accept: false });
  }

  // small-order R with the real key: R = identity satisfies [S]B = R + [k]A for S = k·a
  for (const h of [SMALL_ORDER[1]!, withSignBit(SMALL_ORDER[1]!)]) {
    const Rb = hex(h);
    const sig = Buffer.concat([Rb, toLe((challenge(Rb, A, M) * a) % L)]);
    out.push({ name: `small-order R ${h.slice(0, 8)}…${h.slice(62)} with S = k·a${equationHolds(A, M, sig) ? ' (equation holds)' : ''}`, publicKey: A, message: M, signature: sig, accept: false });
  }
  // R of order 8 or with a torsion component: only the cofactored equation holds (what a batch verifier would accept)
  for (const [name, Rp] of [['order-8 R', ORDER8], ['R + T8', Point.BASE.multiplyUnsafe(12345n).add(ORDER8)]] as const) {
    const Rb = Rp.toBytes();
    const r = name === 'order-8 R' ? 0n : 12345n;
    const sig = Buffer.concat([Rb, toLe((r + challenge(Rb, A, M) * a) % L)]);
    assert.ok(!equationHolds(A, M, sig));
    out.push({ name: `${name}: only the cofactored equation holds`, publicKey: A, message: M, signature: sig, accept: false });
  }
  // non-canonical A (y ≥ p): the encodings of the identity and of (0, −1) shifted by p
  out.push({ name: 'non-canonical A = p + 1 (identity), equation holds', publicKey: hex(SMALL_ORDER[6]!), message: M, signature: forgeForTorsionKey(hex(SMALL_ORDER[6]!), M, 'nc')!, accept: false });
  // y + p for the first y in 2..18 that is on the curve: a non-canonical encoding of a point of unknown logarithm
  for (let y = 2n; y < 19n; y++) {
    const enc = toLe((2n ** 255n - 19n) + y);
    try { Point.fromBytes(enc, true); } catch { continue; }
    out.push({ name: `non-canonical A (y = p + ${y})`, publicKey: enc, message: M, signature: good, accept: false });
    break;
  }
  // wrong message, wrong key
  out.push({ name: 'different message', publicKey: A, message: utf8('{}'), signature: good, accept: false });
  out.push({ name: 'different key', publicKey: opensslPublicKey(Buffer.alloc(32, 1)), message: M, signature: good, accept: false });
  return out;
}

const CRAFTED = craftCases();

function equationHoldsSafely(c: Craft): boolean {
  try { return equationHolds(c.publicKey, c.message, c.signature); } catch { return false; }
}

describe('Ed25519 acceptance policy (every path)', () => {
  it(`${CRAFTED.length} crafted cases: ed25519Verify`, () => {
    for (const c of CRAFTED) {
      expectOnEveryPath(paths, `ed25519Verify: ${c.name}`, c.signature, (k) => k.ed25519Verify(c.publicKey, c.message, c.signature), { ok: String(c.accept) });
    }
  });

  it('the crafted weak-key and small-order-R signatures do satisfy the plain equation (only the policy refuses them)', () => {
    const mustHold = CRAFTED.filter((c) => / \(equation holds\)$/.test(c.name));
    const names = mustHold.map((c) => c.name).join('\n');
    // 7 blocklisted keys plus their sign-bit twins that decode, the identity R (twice), the p+1 key
    assert.ok(mustHold.length >= 10, `only ${mustHold.length} forged cases:\n${names}`);
    for (const c of mustHold) assert.ok(equationHoldsSafely(c), c.name);
    assert.ok(CRAFTED.some((c) => c.name.startsWith('small-order A c7176a70') && c.name.endsWith('(equation holds)')), 'an order-8 key is covered');
  });

  it('the same cases through verifyBatch (the signature on a JSON object)', () => {
    const objects: Uint8Array[] = [];
    const required: RequiredSignature[][] = [];
    const expected: string[] = [];
    for (const c of CRAFTED) {
      // sign the object {"content":...,"type":...} whose canonical form is exactly c.message (or a different text)
      const body = JSON.parse(Buffer.from(c.message).toString('utf8')) as Record<string, unknown>;
      objects.push(utf8(JSON.stringify({ ...body, signatures: { 'edge.example': { 'ed25519:e': b64std(c.signature) } } })));
      required.push([{ server: 'edge.example', keyId: 'ed25519:e', publicKey: c.publicKey }]);
      assert.equal(signingInputModel(body).toString(), Buffer.from(c.message).toString());
      expected.push(c.accept ? 'ok' : 'invalid_signature');
    }
    for (const k of paths) {
      const results = k.verifyBatch({ objects, required, mode: 'strict' });
      const got = results.map((r) => (r.ok ? 'ok' : r.reason));
      for (const [i, c] of CRAFTED.entries()) {
        assert.equal(got[i], expected[i], `${k.path}: verifyBatch ${c.name}: expected ${expected[i]}, got ${got[i]}`);
      }
    }
  });

  it('wrong-length keys and signatures get the same answer on every path, never true', () => {
    const c = CRAFTED[0]!;
    for (const [name, key, sig] of [
      ['31-byte key', c.publicKey.subarray(0, 31), c.signature],
      ['33-byte key', Buffer.concat([c.publicKey, Buffer.alloc(1)]), c.signature],
      ['63-byte signature', c.publicKey, c.signature.subarray(0, 63)],
      ['65-byte signature', c.publicKey, Buffer.concat([c.signature, Buffer.alloc(1)])],
      ['empty signature', c.publicKey, Buffer.alloc(0)],
    ] as const) {
      expectAgreement(paths, `ed25519Verify ${name}`, sig, (k) => k.ed25519Verify(key, c.message, sig), (o) => ('ok' in o && o.ok === 'true' ? 'accepted' : undefined));
    }
  });
});

// ---- verifyBatch over ~200 events ----

interface BatchCase { object: Uint8Array; required: RequiredSignature[]; expected: VerifyResult | { ok: false; reason: string } }

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

function buildBatch(rules: RedactionRules): BatchCase[] {
  const rnd = prng(20261127);
  const servers = ['a.example', 'b.example', 'c.example'].map((name, i) => {
    const seed = sha512(utf8(`server ${i}`)).subarray(0, 32);
    return { name, keyId: `ed25519:k${i}`, seed, publicKey: opensslPublicKey(seed) };
  });
  const types = ['m.room.message', 'm.room.member', 'm.room.power_levels', 'm.room.join_rules', 'm.reaction'];
  const cases: BatchCase[] = [];
  for (let n = 0; n < 200; n++) {
    const origin = servers[n % servers.length]!;
    const type = types[n % types.length]!;
    const event: Record<string, unknown> = {
      auth_events: [`$auth${n}`], content: type === 'm.room.member' ? { membership: 'join', displayname: `User ${n} 😀` }
        : type === 'm.room.power_levels' ? { users: { [`@u${n}:${origin.name}`]: 100 }, ban: 50, notifications: { room: 50 } }
          : type === 'm.room.join_rules' ? { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: '!s:x' }] }
            : { body: `message ${n} \u2028 "quoted" \\ 日本`, msgtype: 'm.text' },
      depth: n + 3, hashes: { sha256: 'x'.repeat(43) }, origin: origin.name, origin_server_ts: 1_700_000_000_000 + n,
      prev_events: [`$prev${n}`], room_id: '!room:a.example', sender: `@u${n}:${origin.name}`, type,
      ...(type === 'm.room.member' ? { state_key: `@u${n}:${origin.name}` } : {}),
      unsigned: { age: n, 'io.example.noise': 'not signed' },
    };
    const sig = b64std(opensslSign(origin.seed, signingInputModel(event, rules)));
    event.signatures = { [origin.name]: { [origin.keyId]: sig } };
    const required: RequiredSignature[] = [{ server: origin.name, keyId: origin.keyId, publicKey: origin.publicKey }];
    let expected: BatchCase['expected'] = { ok: true };
    let text: string | undefined;
    const kind = n < 100 ? 'good' : ['tamper-kept', 'tamper-redacted', 'no-server', 'no-key', 'not-base64', 'short-sig', 'padded', 'number-sig', 'wrong-key', 'bad-json-trunc', 'bad-json-float', 'bad-json-dup', 'second-required-missing', 'two-signers', 'unsigned-changed', 'lone-surrogate'][n % 16]!;
    switch (kind) {
      case 'good': break;
      case 'tamper-kept': event.origin_server_ts = (event.origin_server_ts as number) + 1; expected = { ok: false, reason: 'invalid_signature' }; break;
      case 'tamper-redacted': if (type === 'm.room.message' || type === 'm.reaction') (event.content as Record<string, unknown>).body = 'changed after signing';
        else { event.depth = 0; expected = { ok: false, reason: 'invalid_signature' }; } break;
      case 'no-server': event.signatures = { 'other.example': { [origin.keyId]: sig } }; expected = { ok: false, reason: 'missing_signature' }; break;
      case 'no-key': event.signatures = { [origin.name]: { 'ed25519:other': sig } }; expected = { ok: false, reason: 'missing_signature' }; break;
      case 'not-base64': event.signatures = { [origin.name]: { [origin.keyId]: `!${sig.slice(1)}` } }; expected = { ok: false, reason: 'bad_signature_encoding' }; break;
      case 'short-sig': event.signatures = { [origin.name]: { [origin.keyId]: sig.slice(0, 84) } }; expected = { ok: false, reason: 'bad_signature_encoding' }; break;
      case 'padded': event.signatures = { [origin.name]: { [origin.keyId]: `${sig}==` } }; break; // padded form is accepted
      case 'number-sig': event.signatures = { [origin.name]: { [origin.keyId]: 12345 } }; expected = { ok: false, reason: 'bad_signature_encoding' }; break;
      case 'wrong-key': required[0] = { ...required[0]!, publicKey: servers[(n + 1) % servers.length]!.publicKey }; expected = { ok: false, reason: 'invalid_signature' }; break;
      case 'bad-json-trunc': text = JSON.stringify(event).slice(0, -1); expected = { ok: false, reason: 'bad_json' }; break;
      case 'bad-json-float': text = JSON.stringify(event).replace(`"depth":${n + 3}`, `"depth":${n + 3}.5`); expected = { ok: false, reason: 'bad_json' }; break;
      case 'bad-json-dup': text = JSON.stringify(event).replace('{', '{"type":"x",'); expected = { ok: false, reason: 'bad_json' }; break;
      case 'second-required-missing': required.push({ server: 'c.example', keyId: 'ed25519:nope', publicKey: servers[2]!.publicKey }); expected = { ok: false, reason: 'missing_signature' }; break;
      case 'two-signers': {
        const other = servers[(n + 1) % servers.length]!;
        (event.signatures as Record<string, unknown>)[other.name] = { [other.keyId]: b64std(opensslSign(other.seed, signingInputModel(event, rules))) };
        required.push({ server: other.name, keyId: other.keyId, publicKey: other.publicKey });
        break;
      }
      case 'unsigned-changed': event.unsigned = { age: 999999, redacted_because: { type: 'm.room.redaction' } }; break;
      case 'lone-surrogate': text = JSON.stringify(event).replace('"auth_events":[', '"auth_events":["\\ud800",'); expected = { ok: false, reason: 'bad_json' }; break;
    }
    cases.push({ object: utf8(text ?? JSON.stringify(event)), required, expected });
  }
  return cases;
}

function summarize(r: VerifyResult): string {
  return r.ok ? 'ok' : r.reason;
}

describe('verifyBatch agreement over 200 events (every path)', () => {
  const rules = REDACTION_RULES['10']!;
  const cases = buildBatch(rules);

  it('every path returns the expected per-event result', () => {
    for (const k of paths) {
      const results = k.verifyBatch({ objects: cases.map((c) => c.object), required: cases.map((c) => c.required), rules, mode: 'strict' });
      assert.equal(results.length, cases.length, `${k.path}: one result per object`);
      const wrong = cases.flatMap((c, i) => (summarize(results[i]!) === summarize(c.expected as VerifyResult) ? [] : [`#${i}: expected ${summarize(c.expected as VerifyResult)}, got ${summarize(results[i]!)}`]));
      assert.deepEqual(wrong, [], `${k.path}: verifyBatch results differ from expected:\n${wrong.join('\n')}`);
    }
  });

  it('every path returns identical result objects (including server and keyId on failures)', () => {
    const all = paths.map((k: Kernels) => [k.path, JSON.stringify(k.verifyBatch({ objects: cases.map((c) => c.object), required: cases.map((c) => c.required), rules, mode: 'strict' }))] as const);
    for (const [p, r] of all) {
      if (r !== all[0]![1]) {
        const a = JSON.parse(all[0]![1]) as unknown[]; const b = JSON.parse(r) as unknown[];
        const diffs = a.flatMap((x, i) => (JSON.stringify(x) === JSON.stringify(b[i]) ? [] : [`#${i}: ${all[0]![0]} ${JSON.stringify(x)} vs ${p} ${JSON.stringify(b[i])}`]));
        assert.fail(`verifyBatch results differ between paths:\n${diffs.slice(0, 20).join('\n')}`);
      }
    }
  });

  it('without rules, an event signed in redacted form verifies only if redaction left it unchanged', () => {
    const first = cases.slice(0, 10);
    const expected = first.map((c) => {
      const event = JSON.parse(Buffer.from(c.object).toString('utf8')) as Record<string, unknown>;
      return signingInputModel(event, rules).equals(signingInputModel(event)) ? 'ok' : 'invalid_signature';
    });
    assert.ok(expected.includes('ok') && expected.includes('invalid_signature'), 'the sample has both kinds');
    for (const k of paths) {
      const results = k.verifyBatch({ objects: first.map((c) => c.object), required: first.map((c) => c.required), mode: 'strict' });
      assert.deepEqual(results.map(summarize), expected, `${k.path}`);
    }
  });

  it('edge rules: empty required list, absent or non-object signatures, short keys, first failing requirement reported', () => {
    const good = cases[0]!;
    const event = JSON.parse(Buffer.from(good.object).toString('utf8')) as Record<string, unknown>;
    const req = good.required[0]!;
    const stranger = { server: 'z.example', keyId: 'ed25519:z', publicKey: req.publicKey };
    const variants: [string, Record<string, unknown> | string, RequiredSignature[], string][] = [
      ['no required signatures', event, [], 'ok'],
      ['no required signatures, not an object', '[1]', [], 'bad_json'],
      ['signatures absent', { ...event, signatures: undefined }, [req], 'missing_signature'],
      ['signatures not an object', { ...event, signatures: 'x' }, [req], 'missing_signature'],
      ['signatures[server] not an object', { ...event, signatures: { [req.server]: ['x'] } }, [req], 'missing_signature'],
      ['31-byte public key', event, [{ ...req, publicKey: req.publicKey.subarray(0, 31) }], 'invalid_signature'],
      ['first of two failures is reported (missing, then invalid)', event, [stranger, { ...req, publicKey: opensslPublicKey(Buffer.alloc(32, 9)) }], 'missing_signature z.example ed25519:z'],
      ['first of two failures is reported (invalid, then missing)', event, [{ ...req, publicKey: opensslPublicKey(Buffer.alloc(32, 9)) }, stranger], `invalid_signature ${req.server} ${req.keyId}`],
    ];
    const objects = variants.map(([, o]) => utf8(typeof o === 'string' ? o : JSON.stringify(o)));
    for (const k of paths) {
      const results = k.verifyBatch({ objects, required: variants.map(([, , r]) => r), rules, mode: 'strict' });
      for (const [i, [name, , , expected]] of variants.entries()) {
        const r = results[i]!;
        const got = r.ok ? 'ok' : expected.includes(' ') ? `${r.reason} ${r.server} ${r.keyId}` : r.reason;
        assert.equal(got, expected, `${k.path}: verifyBatch ${name}`);
      }
    }
  });

  it('an empty batch is an empty result', () => {
    for (const k of paths) assert.deepEqual(k.verifyBatch({ objects: [], required: [], mode: 'strict' }), []);
  });
});
