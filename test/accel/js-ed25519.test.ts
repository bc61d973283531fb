// The js path's Ed25519 acceptance policy (libsodium / Synapse semantics) on
// the edge cases where OpenSSL or tweetnacl alone would accept a signature
// Synapse rejects. Point arithmetic here comes from @noble/ed25519 (tests only).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomBytes, verify as opensslVerify } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Point } from '@noble/ed25519';
import nacl from 'tweetnacl';
import { createJsKernels } from '../../src/accel/js/index.js';
import {
  isCanonicalPoint,
  isCanonicalScalar,
  isSmallOrderEncoding,
  passesEd25519Policy,
  SMALL_ORDER_ENCODINGS,
} from '../../src/accel/ed25519-policy.js';

const k = createJsKernels();

const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function leBytes(n: bigint, length = 32): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

function leNumber(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** k = SHA-512(R ‖ A ‖ M) mod L, the challenge of the verification equation. */
function challenge(r: Uint8Array, a: Uint8Array, message: Uint8Array): bigint {
  return leNumber(createHash('sha512').update(r).update(a).update(message).digest()) % L;
}

/** The clamped secret scalar of a seed (RFC 8032 §5.1.5). */
function secretScalar(seed: Uint8Array): bigint {
  const h = createHash('sha512').update(seed).digest().subarray(0, 32);
  h[0]! &= 248;
  h[31]! &= 127;
  h[31]! |= 64;
  return leNumber(h);
}

/** What OpenSSL alone says (no policy), to show the policy is what rejects. */
function opensslAccepts(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  try {
    return opensslVerify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature);
  } catch {
    return false;
  }
}

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test');
    dir = up;
  }
  return dir;
}

describe('small-order blocklist', () => {
  it('every blocklisted encoding decodes (for some sign bit) only to points of small order', () => {
    for (const enc of SMALL_ORDER_ENCODINGS) {
      let decoded = 0;
      for (const sign of [0, 0x80]) {
        const bytes = enc.slice();
        bytes[31] = (bytes[31]! & 0x7f) | sign;
        let point: Point;
        try {
          point = Point.fromBytes(bytes, true); // zip215: also decodes y >= p
        } catch {
          continue;
        }
        decoded++;
        assert.ok(point.isSmallOrder(), `${hex(bytes)} is not of small order`);
      }
      assert.ok(decoded > 0, `${hex(enc)} decodes to no point`);
    }
  });

  it('is exactly the sign-masked encodings of the 8 torsion points and their y >= p aliases', () => {
    // [L]Q lies in the torsion subgroup E[8] (cyclic of order 8); find a generator of it
    let generator: Point | undefined;
    for (let attempt = 0; attempt < 200 && generator === undefined; attempt++) {
      let q: Point;
      try {
        q = Point.fromBytes(randomBytes(32).map((b, i) => (i === 31 ? b & 0x3f : b)));
      } catch {
        continue;
      }
      const t = q.multiplyUnsafe(L - 1n).add(q);
      if (!t.double().double().is0()) generator = t; // order 8
    }
    assert.ok(generator, 'no point with an order-8 component found');
    const expected = new Set<string>();
    let t = Point.ZERO;
    for (let i = 0; i < 8; i++) {
      const enc = t.toBytes();
      enc[31]! &= 0x7f;
      expected.add(hex(enc));
      // a y below 19 also has the non-canonical encoding y + p (< 2^255)
      const y = leNumber(enc);
      if (y + P < 2n ** 255n) expected.add(hex(leBytes(y + P)));
      t = t.add(generator);
    }
    assert.ok(t.is0(), 'the generator has order 8');
    assert.deepEqual(new Set(SMALL_ORDER_ENCODINGS.map(hex)), expected);
    assert.equal(SMALL_ORDER_ENCODINGS.length, 7);
  });

  it('is compared with the sign bit masked', () => {
    const identityNegativeX = leBytes(1n);
    identityNegativeX[31] = 0x80;
    assert.ok(isSmallOrderEncoding(identityNegativeX));
    const p1 = leBytes(P - 1n);
    p1[31]! |= 0x80;
    assert.ok(isSmallOrderEncoding(p1));
    assert.ok(!isSmallOrderEncoding(leBytes(2n)));
    assert.ok(!isSmallOrderEncoding(k.ed25519PublicKey(new Uint8Array(32).fill(7))));
  });
});

describe('canonical encodings', () => {
  it('S < L', () => {
    assert.ok(isCanonicalScalar(leBytes(0n)));
    assert.ok(isCanonicalScalar(leBytes(L - 1n)));
    assert.ok(!isCanonicalScalar(leBytes(L)));
    assert.ok(!isCanonicalScalar(leBytes(L + 1n)));
    assert.ok(!isCanonicalScalar(leBytes(2n ** 256n - 1n)));
    assert.ok(!isCanonicalScalar(new Uint8Array(31)));
  });

  it('y < p, the sign bit ignored', () => {
    assert.ok(isCanonicalPoint(leBytes(P - 1n)));
    assert.ok(!isCanonicalPoint(leBytes(P)));
    assert.ok(!isCanonicalPoint(leBytes(P + 18n)));
    const signed = leBytes(P - 1n);
    signed[31]! |= 0x80;
    assert.ok(isCanonicalPoint(signed));
    const signedP = leBytes(P + 2n);
    signedP[31]! |= 0x80;
    assert.ok(!isCanonicalPoint(signedP));
    assert.ok(isCanonicalPoint(leBytes(0n)));
  });
});

describe('js path Ed25519 verify: libsodium semantics', () => {
  const seed = new Uint8Array(32).map((_, i) => i * 7 + 1);
  const message = new TextEncoder().encode('{"room_id":"!r:example.org","type":"m.room.message"}');

  it('signs as tweetnacl does and accepts a valid signature', () => {
    const publicKey = k.ed25519PublicKey(seed);
    const pair = nacl.sign.keyPair.fromSeed(seed);
    assert.equal(hex(publicKey), hex(pair.publicKey));
    const signature = k.ed25519Sign(seed, message);
    assert.equal(hex(signature), hex(nacl.sign.detached(message, pair.secretKey)));
    assert.ok(k.ed25519Verify(publicKey, message, signature));
    assert.ok(passesEd25519Policy(publicKey, signature));
  });

  it('rejects a wrong message, a flipped bit, and wrong lengths', () => {
    const publicKey = k.ed25519PublicKey(seed);
    const signature = k.ed25519Sign(seed, message);
    assert.ok(!k.ed25519Verify(publicKey, message.subarray(1), signature));
    const flipped = signature.slice();
    flipped[5]! ^= 1;
    assert.ok(!k.ed25519Verify(publicKey, message, flipped));
    assert.ok(!k.ed25519Verify(publicKey, message, signature.subarray(0, 63)));
    assert.ok(!k.ed25519Verify(publicKey.subarray(0, 31), message, signature));
    assert.throws(() => k.ed25519PublicKey(new Uint8Array(31)), /32 bytes/);
  });

  it('rejects the malleated S + L that tweetnacl accepts', () => {
    const publicKey = k.ed25519PublicKey(seed);
    const signature = k.ed25519Sign(seed, message);
    const malleated = signature.slice();
    malleated.set(leBytes(leNumber(signature.subarray(32)) + L), 32);
    assert.ok(nacl.sign.detached.verify(message, malleated, publicKey), 'tweetnacl accepts S + L');
    assert.ok(!k.ed25519Verify(publicKey, message, malleated));
  });

  it('rejects the identity key with a signature that satisfies the equation (OpenSSL accepts it)', () => {
    // A = identity: [S]B − [k]A = [S]B, so R = [r]B with S = r verifies for any message
    const publicKey = leBytes(1n);
    const r = 123456789n;
    const signature = new Uint8Array(64);
    signature.set(Point.BASE.multiply(r).toBytes(), 0);
    signature.set(leBytes(r), 32);
    assert.ok(opensslAccepts(publicKey, message, signature), 'OpenSSL alone accepts');
    assert.ok(nacl.sign.detached.verify(message, signature, publicKey), 'tweetnacl accepts');
    assert.ok(!k.ed25519Verify(publicKey, message, signature));
  });

  it('rejects the all-zero key (order 4) with a signature that satisfies the equation', () => {
    // A = (x, 0) has order 4: when k ≡ 0 (mod 4), [k]A = O and S = r verifies
    const publicKey = new Uint8Array(32);
    let signature: Uint8Array | undefined;
    for (let r = 1n; signature === undefined; r++) {
      const rEnc = Point.BASE.multiply(r).toBytes();
      if (challenge(rEnc, publicKey, message) % 4n === 0n) {
        signature = new Uint8Array(64);
        signature.set(rEnc, 0);
        signature.set(leBytes(r), 32);
      }
    }
    assert.ok(opensslAccepts(publicKey, message, signature), 'OpenSSL alone accepts');
    assert.ok(!k.ed25519Verify(publicKey, message, signature));
  });

  it('rejects a small-order R (the identity) that OpenSSL accepts', () => {
    // R = O needs [S]B = [k]A, i.e. S = k·a (mod L) for the secret scalar a
    const publicKey = k.ed25519PublicKey(seed);
    const rEnc = leBytes(1n);
    const s = (challenge(rEnc, publicKey, message) * secretScalar(seed)) % L;
    const signature = new Uint8Array(64);
    signature.set(rEnc, 0);
    signature.set(leBytes(s), 32);
    assert.ok(opensslAccepts(publicKey, message, signature), 'OpenSSL alone accepts');
    assert.ok(!k.ed25519Verify(publicKey, message, signature));
  });

  it('rejects non-canonical public keys (y >= p) before OpenSSL sees them', () => {
    const signature = k.ed25519Sign(seed, message);
    for (let y = P + 2n; y < 2n ** 255n; y++) {
      const publicKey = leBytes(y);
      assert.ok(!passesEd25519Policy(publicKey, signature));
      assert.ok(!k.ed25519Verify(publicKey, message, signature));
    }
  });

  it('accepts every signing vector of the reference implementation (signedjson / PyNaCl)', () => {
    const path = resolve(findRepoRoot(), '..', 'shared', 'vectors', 'reference-vectors.json');
    const vectors = JSON.parse(readFileSync(path, 'utf8')) as {
      signing: { seed: string; public_key: string; unsigned_input: string; signed: string; signature: string; server: string; key_id: string }[];
    };
    assert.ok(vectors.signing.length > 0);
    for (const v of vectors.signing) {
      const vSeed = k.base64Decode(v.seed);
      const publicKey = k.base64Decode(v.public_key);
      assert.equal(k.base64Encode(k.ed25519PublicKey(vSeed)), v.public_key);
      const signed = k.canonicalJson(v.unsigned_input);
      const signature = k.base64Decode(v.signature);
      assert.ok(k.ed25519Verify(publicKey, signed, signature), v.signature);
      assert.equal(k.base64Encode(k.ed25519Sign(vSeed, signed)), v.signature);
      const [result] = k.verifyBatch({
        objects: [new TextEncoder().encode(v.signed)],
        required: [[{ server: v.server, keyId: v.key_id, publicKey }]],
        mode: 'strict',
      });
      assert.deepEqual(result, { ok: true });
    }
  });
});
