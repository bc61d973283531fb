// The verify keys the pipeline checks signatures with: ours (from our signing
// seed) and any others added explicitly (tests' simulated remote servers;
// federation will add fetched and cached keys behind the same KeyRing interface).
import type { Kernels } from '../accel/types.js';
import type { SigningKey } from '../matrix/signing.js';
import type { KeyRing } from './pipeline/types.js';

export class StaticKeyRing implements KeyRing {
  private readonly keys = new Map<string, Uint8Array>();

  constructor(private readonly kernels: Kernels) {}

  /** Trust `publicKey` as `serverName`'s `keyId`. */
  add(serverName: string, keyId: string, publicKey: Uint8Array): this {
    this.keys.set(`${serverName}\u0000${keyId}`, publicKey);
    return this;
  }

  /** Trust a signing key's public half. */
  addSigningKey(key: SigningKey): this {
    return this.add(key.serverName, key.keyId, this.kernels.ed25519PublicKey(key.seed));
  }

  verifyKey(serverName: string, keyId: string): Uint8Array | undefined {
    return this.keys.get(`${serverName}\u0000${keyId}`);
  }
}
