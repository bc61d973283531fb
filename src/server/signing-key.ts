// Our server signing key: an Ed25519 seed generated on first start (through the kernels)
// and kept in the store's server-keys repository; later starts reuse the newest unexpired one.
// Key ids are `ed25519:a_<4 random chars>` like Synapse's, so a future rotation gets a new id.
import { randomBytes } from 'node:crypto';
import type { Kernels } from '../accel/types.js';
import type { SigningKey } from '../matrix/signing.js';
import type { Store } from '../store/index.js';

export interface LoadedSigningKey extends SigningKey {
  /** unpadded base64 of the public key, as published in /_matrix/key/v2/server */
  readonly publicKeyBase64: string;
  /** true when this start generated it */
  readonly generated: boolean;
}

export async function loadOrCreateSigningKey(store: Store, kernels: Kernels, serverName: string, now = Date.now()): Promise<LoadedSigningKey> {
  const keys = store.serverKeys;
  const existing = (await store.read((tx) => keys.own(tx))).filter((k) => k.expiredTs === undefined);
  existing.sort((a, b) => b.createdTs - a.createdTs);
  let generated = false;
  let record = existing[0];
  if (!record) {
    const seed = new Uint8Array(randomBytes(32));
    const keyId = `ed25519:a_${kernels.base64Encode(new Uint8Array(randomBytes(3)), true)}`;
    record = { keyId, seed: kernels.base64Encode(seed), createdTs: now };
    const toStore = record;
    await store.write(function* (tx) { yield* keys.putOwn(tx, toStore); });
    generated = true;
  }
  const seed = kernels.base64Decode(record.seed);
  if (seed.length !== 32) throw new Error(`stored signing key ${record.keyId} has a ${seed.length}-byte seed (expected 32)`);
  return {
    seed,
    keyId: record.keyId,
    serverName,
    publicKeyBase64: kernels.base64Encode(kernels.ed25519PublicKey(seed)),
    generated,
  };
}
