// Ed25519 through node:crypto (OpenSSL), with libsodium's acceptance policy
// in front of verification (see ../ed25519-policy.ts).
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { passesEd25519Policy } from '../ed25519-policy.js';

// DER wrappings of raw Ed25519 keys (RFC 8410): PKCS#8 for a seed, SPKI for a public key.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Key objects are costly to build; servers reuse a few keys many times. */
class KeyCache<T> {
  private readonly map = new Map<string, T>();
  constructor(private readonly limit: number) {}
  get(id: string, build: () => T): T {
    let v = this.map.get(id);
    if (v === undefined) {
      v = build();
      if (this.map.size >= this.limit) this.map.delete(this.map.keys().next().value as string);
      this.map.set(id, v);
    }
    return v;
  }
}

const privateKeys = new KeyCache<KeyObject>(16);
const publicKeys = new KeyCache<KeyObject>(1024);

function privateKey(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new Error(`an Ed25519 seed is 32 bytes, not ${seed.length}`);
  // keyed by a digest so that no string in the heap spells the seed
  const id = createHash('sha256').update(seed).digest('hex');
  return privateKeys.get(id, () =>
    createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' }),
  );
}

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('hex');
  return publicKeys.get(id, () =>
    createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' }),
  );
}

function plain(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  const spki = createPublicKey(privateKey(seed)).export({ format: 'der', type: 'spki' });
  return plain(spki).slice(SPKI_PREFIX.length);
}

export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return plain(sign(null, message, privateKey(seed)));
}

export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!passesEd25519Policy(publicKey, signature)) return false;
  try {
    return verify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    return false; // a key OpenSSL cannot decode as a point
  }
}
