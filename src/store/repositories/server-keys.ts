// Server signing keys: ours (with the private seed) and the verify keys we
// fetched from other servers (directly or through a notary), with validity.

import { TREES } from '../catalogue.js';
import { ByteReader, ByteWriter, jsonValue, parseJsonValue } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';

export interface OwnSigningKey {
  /** e.g. ed25519:a_1 */
  readonly keyId: string;
  /** the 32-byte Ed25519 seed, unpadded base64 */
  readonly seed: string;
  readonly createdTs: number;
  /** set once the key is retired (then published as an old_verify_key) */
  readonly expiredTs?: number;
}

export interface RemoteVerifyKey {
  readonly serverName: string;
  readonly keyId: string;
  /** the public key, unpadded base64 */
  readonly key: string;
  readonly validUntilTs: number;
  /** for old_verify_keys: when the server stopped using it */
  readonly expiredTs?: number;
  readonly fetchedTs: number;
  /** the server we got it from (itself or a notary) */
  readonly fetchedFrom: string;
}

export interface ServerKeysRepository {
  putOwn(tx: WriteTx, key: OwnSigningKey): Op<void>;
  own(tx: ReadTx): Op<OwnSigningKey[]>;
  putRemote(tx: WriteTx, key: RemoteVerifyKey): Op<void>;
  remote(tx: ReadTx, serverName: string, keyId: string): Op<RemoteVerifyKey | undefined>;
  remoteOf(tx: ReadTx, serverName: string): Op<RemoteVerifyKey[]>;
}

type RemoteRecord = Omit<RemoteVerifyKey, 'serverName' | 'keyId'>;

export class ServerKeys implements ServerKeysRepository {
  *putOwn(tx: WriteTx, key: OwnSigningKey): Op<void> {
    tx.put(TREES.ownSigningKeys, Buffer.from(key.keyId, 'utf8'), jsonValue(key));
  }

  *own(tx: ReadTx): Op<OwnSigningKey[]> {
    return (yield* tx.range(TREES.ownSigningKeys, {})).map((e) => parseJsonValue<OwnSigningKey>(e.value));
  }

  *putRemote(tx: WriteTx, key: RemoteVerifyKey): Op<void> {
    const { serverName, keyId, ...record } = key;
    tx.put(TREES.remoteSigningKeys, new ByteWriter(64).str(serverName).tail(keyId).done(), jsonValue(record));
  }

  *remote(tx: ReadTx, serverName: string, keyId: string): Op<RemoteVerifyKey | undefined> {
    const v = yield* tx.get(TREES.remoteSigningKeys, new ByteWriter(64).str(serverName).tail(keyId).done());
    return v === undefined ? undefined : { serverName, keyId, ...parseJsonValue<RemoteRecord>(v) };
  }

  *remoteOf(tx: ReadTx, serverName: string): Op<RemoteVerifyKey[]> {
    const prefix = new ByteWriter(64).str(serverName).done();
    return (yield* tx.prefix(TREES.remoteSigningKeys, prefix)).map((e) => {
      const r = new ByteReader(e.key);
      r.pos = prefix.length;
      return { serverName, keyId: r.tail(), ...parseJsonValue<RemoteRecord>(e.value) };
    });
  }
}
