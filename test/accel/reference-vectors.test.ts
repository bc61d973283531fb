// The shared reference vectors (python canonicaljson / signedjson / PyNaCl)
// against every kernel path: canonical JSON, signing, SHA-256, base64.
import { describe, it } from 'node:test';
import { kernelsUnderTest } from '../helpers/kernels.js';
import {
  b64decode, b64std, checkAll, expectOnEveryPath, okBytes, opensslPublicKey, readVectors, signingInputModel, utf8,
} from './kernel-fixtures.js';

interface ReferenceVectors {
  canonical_json: { input: string; canonical: string }[];
  signing: { seed: string; key_id: string; server: string; public_key: string; unsigned_input: string; signed: string; signature: string }[];
  sha256: { input: string; sha256_unpadded_b64: string; sha256_urlsafe_unpadded_b64: string }[];
  base64: { hex: string; std_unpadded: string; urlsafe_unpadded: string }[];
}

const vectors = readVectors<ReferenceVectors>('reference-vectors.json');
const paths = kernelsUnderTest();

describe('reference vectors: canonical JSON', () => {
  it(`all ${vectors.canonical_json.length} inputs give the reference bytes, as bytes and as a string, one by one and in a batch`, () => {
    checkAll(vectors.canonical_json, (v, i) => {
      expectOnEveryPath(paths, `canonical_json[${i}] (bytes)`, v.input, (k) => k.canonicalJson(utf8(v.input)), okBytes(v.canonical));
      expectOnEveryPath(paths, `canonical_json[${i}] (string)`, v.input, (k) => k.canonicalJson(v.input), okBytes(v.canonical));
    });
    for (const k of paths) {
      const out = k.canonicalJsonBatch(vectors.canonical_json.map((v) => utf8(v.input)));
      for (const [i, v] of vectors.canonical_json.entries()) {
        expectOnEveryPath([k], `canonical_json[${i}] (batch)`, v.input, () => {
          const r = out[i]!;
          if (r instanceof Error) throw r;
          return r;
        }, okBytes(v.canonical));
      }
    }
  });
});

describe('reference vectors: signing', () => {
  it(`all ${vectors.signing.length} cases: public key from seed, signature, and verification`, () => {
    checkAll(vectors.signing, (v, i) => {
      const seed = b64decode(v.seed);
      const publicKey = b64decode(v.public_key);
      const signature = b64decode(v.signature);
      expectOnEveryPath(paths, `signing[${i}] public key`, v.seed, (k) => k.ed25519PublicKey(seed), okBytes(publicKey));
      // the signed bytes are the canonical JSON of the unsigned input: each path makes them itself
      expectOnEveryPath(paths, `signing[${i}] signature`, v.unsigned_input,
        (k) => k.ed25519Sign(seed, k.canonicalJson(utf8(v.unsigned_input))), okBytes(signature));
      expectOnEveryPath(paths, `signing[${i}] verify`, v.unsigned_input,
        (k) => k.ed25519Verify(publicKey, k.canonicalJson(utf8(v.unsigned_input)), signature), { ok: 'true' });
    });
  });

  it('verifyBatch accepts every signed object and rejects each under another key', () => {
    const objects = vectors.signing.map((v) => utf8(v.signed));
    const required = vectors.signing.map((v) => [{ server: v.server, keyId: v.key_id, publicKey: b64decode(v.public_key) }]);
    const stranger = opensslPublicKey(Buffer.alloc(32, 7));
    const wrongKey = vectors.signing.map((v) => [{ server: v.server, keyId: v.key_id, publicKey: stranger }]);
    for (const k of paths) {
      const good = k.verifyBatch({ objects, required, mode: 'strict' });
      const bad = k.verifyBatch({ objects, required: wrongKey, mode: 'strict' });
      for (const [i] of vectors.signing.entries()) {
        expectOnEveryPath([k], `signing[${i}] verifyBatch`, vectors.signing[i]!.signed, () => JSON.stringify(good[i]), { ok: JSON.stringify({ ok: true }) });
        expectOnEveryPath([k], `signing[${i}] verifyBatch under another key`, vectors.signing[i]!.signed,
          () => (bad[i]!.ok ? 'ok' : bad[i]!.reason), { ok: 'invalid_signature' });
      }
    }
  });

  it('the signed object carries the signature over its own signing input (cross-check of the vectors)', () => {
    for (const [i, v] of vectors.signing.entries()) {
      const signed = JSON.parse(v.signed) as Record<string, unknown>;
      const input = signingInputModel(signed);
      expectOnEveryPath(paths, `signing[${i}] model input`, input,
        (k) => k.ed25519Verify(b64decode(v.public_key), input, b64decode(v.signature)), { ok: 'true' });
    }
  });
});

describe('reference vectors: sha256', () => {
  it(`all ${vectors.sha256.length} inputs hash (after canonicalization) to the reference, standard and URL-safe base64`, () => {
    checkAll(vectors.sha256, (v, i) => {
      expectOnEveryPath(paths, `sha256[${i}] std`, v.input, (k) => k.base64Encode(k.sha256(k.canonicalJson(utf8(v.input)))), { ok: v.sha256_unpadded_b64 });
      expectOnEveryPath(paths, `sha256[${i}] url`, v.input, (k) => k.base64Encode(k.sha256(k.canonicalJson(utf8(v.input))), true), { ok: v.sha256_urlsafe_unpadded_b64 });
      // hashing an object with no signatures/unsigned/hashes is its content hash
      const parsed = JSON.parse(v.input) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && !['signatures', 'unsigned', 'hashes', 'age_ts', 'outlier', 'destinations'].some((key) => key in parsed)) {
        expectOnEveryPath(paths, `sha256[${i}] contentHash`, v.input, (k) => b64std(k.contentHash(utf8(v.input))), { ok: v.sha256_unpadded_b64 });
      }
    });
  });
});

describe('reference vectors: base64', () => {
  it(`all ${vectors.base64.length} byte strings encode and decode in both alphabets`, () => {
    checkAll(vectors.base64, (v, i) => {
      const raw = Buffer.from(v.hex, 'hex');
      expectOnEveryPath(paths, `base64[${i}] encode std`, raw, (k) => k.base64Encode(raw), { ok: v.std_unpadded });
      expectOnEveryPath(paths, `base64[${i}] encode url`, raw, (k) => k.base64Encode(raw, true), { ok: v.urlsafe_unpadded });
      expectOnEveryPath(paths, `base64[${i}] decode std`, v.std_unpadded, (k) => k.base64Decode(v.std_unpadded), okBytes(raw));
      expectOnEveryPath(paths, `base64[${i}] decode url`, v.urlsafe_unpadded, (k) => k.base64Decode(v.urlsafe_unpadded, true), okBytes(raw));
      const padded = v.std_unpadded + '='.repeat((4 - (v.std_unpadded.length % 4)) % 4);
      expectOnEveryPath(paths, `base64[${i}] decode padded`, padded, (k) => k.base64Decode(padded), okBytes(raw));
    });
  });
});
