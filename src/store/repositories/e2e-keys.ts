// End-to-end encryption keys: device keys, one-time keys (claimed once),
// fallback keys, cross-signing keys, and the device-list change stream.
// Key objects are stored as the JSON bytes the client uploaded (they carry
// signatures, so they must come back byte-for-byte meaningful).

import { NidKind, TREES } from '../catalogue.js';
import { ByteReader, ByteWriter, jsonValue, parseJsonValue, uintKey } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';
import type { Interner } from './intern.js';
import type { StreamPositions } from './positions.js';

export interface OneTimeKey {
  /** e.g. signed_curve25519 */
  readonly algorithm: string;
  readonly keyId: string;
  readonly key: Uint8Array;
}

export interface FallbackKey extends OneTimeKey {
  readonly used: boolean;
}

export interface E2eKeysRepository {
  setDeviceKeys(tx: WriteTx, userId: string, deviceId: string, keys: Uint8Array): Op<void>;
  deviceKeys(tx: ReadTx, userId: string): Op<Map<string, Uint8Array>>;
  deleteDevice(tx: WriteTx, userId: string, deviceId: string): Op<void>;
  /** Add one-time keys; an existing (algorithm, key id) keeps its first upload. */
  addOneTimeKeys(tx: WriteTx, userId: string, deviceId: string, keys: readonly OneTimeKey[]): Op<void>;
  /** Unclaimed one-time keys per algorithm. */
  oneTimeKeyCounts(tx: ReadTx, userId: string, deviceId: string): Op<Record<string, number>>;
  /** Claim one key of an algorithm: a one-time key (removed), else the fallback key (marked used). */
  claim(tx: WriteTx, userId: string, deviceId: string, algorithm: string): Op<OneTimeKey | undefined>;
  setFallbackKey(tx: WriteTx, userId: string, deviceId: string, key: OneTimeKey): Op<void>;
  fallbackKeys(tx: ReadTx, userId: string, deviceId: string): Op<FallbackKey[]>;
  setCrossSigningKey(tx: WriteTx, userId: string, usage: string, key: Uint8Array): Op<void>;
  crossSigningKeys(tx: ReadTx, userId: string): Op<Map<string, Uint8Array>>;
  /** Record that a user's device list changed; returns the device_lists position. */
  markDeviceListChanged(tx: WriteTx, userId: string): Op<number>;
  /** Users whose device lists changed after a position. */
  deviceListChangesSince(tx: ReadTx, after: number, limit?: number): Op<{ userId: string; streamPos: number }[]>;
}

const dev = (userNid: number, deviceId: string): ByteWriter => new ByteWriter(64).uint(userNid).str(deviceId);

interface FallbackRecord {
  keyId: string;
  key: string;
  used: boolean;
}

export class E2eKeys implements E2eKeysRepository {
  constructor(
    private readonly intern: Interner,
    private readonly positions: StreamPositions,
  ) {}

  *setDeviceKeys(tx: WriteTx, userId: string, deviceId: string, keys: Uint8Array): Op<void> {
    const userNid = yield* this.intern.intern(tx, NidKind.user, userId);
    tx.put(TREES.deviceKeys, dev(userNid, deviceId).done(), keys);
  }

  *deviceKeys(tx: ReadTx, userId: string): Op<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return out;
    for (const e of yield* tx.prefix(TREES.deviceKeys, uintKey(userNid))) {
      const r = new ByteReader(e.key);
      r.uint();
      out.set(r.str(), e.value);
    }
    return out;
  }

  *deleteDevice(tx: WriteTx, userId: string, deviceId: string): Op<void> {
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return;
    tx.delete(TREES.deviceKeys, dev(userNid, deviceId).done());
    for (const tree of [TREES.oneTimeKeys, TREES.fallbackKeys] as const) {
      for (const e of yield* tx.prefix(tree, dev(userNid, deviceId).done())) tx.delete(tree, e.key);
    }
  }

  *addOneTimeKeys(tx: WriteTx, userId: string, deviceId: string, keys: readonly OneTimeKey[]): Op<void> {
    const userNid = yield* this.intern.intern(tx, NidKind.user, userId);
    for (const k of keys) {
      const id = dev(userNid, deviceId).str(k.algorithm).tail(k.keyId).done();
      if ((yield* tx.get(TREES.oneTimeKeys, id)) === undefined) tx.put(TREES.oneTimeKeys, id, k.key);
    }
  }

  *oneTimeKeyCounts(tx: ReadTx, userId: string, deviceId: string): Op<Record<string, number>> {
    const counts: Record<string, number> = {};
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return counts;
    const prefix = dev(userNid, deviceId).done();
    for (const e of yield* tx.prefix(TREES.oneTimeKeys, prefix)) {
      const r = new ByteReader(e.key);
      r.pos = prefix.length;
      const algorithm = r.str();
      counts[algorithm] = (counts[algorithm] ?? 0) + 1;
    }
    return counts;
  }

  *claim(tx: WriteTx, userId: string, deviceId: string, algorithm: string): Op<OneTimeKey | undefined> {
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return undefined;
    const prefix = dev(userNid, deviceId).str(algorithm).done();
    const [first] = yield* tx.prefix(TREES.oneTimeKeys, prefix, { limit: 1 });
    if (first !== undefined) {
      tx.delete(TREES.oneTimeKeys, first.key);
      const r = new ByteReader(first.key);
      r.pos = prefix.length;
      return { algorithm, keyId: r.tail(), key: first.value };
    }
    const fk = dev(userNid, deviceId).tail(algorithm).done();
    const v = yield* tx.get(TREES.fallbackKeys, fk);
    if (v === undefined) return undefined;
    const record = parseJsonValue<FallbackRecord>(v);
    tx.put(TREES.fallbackKeys, fk, jsonValue({ ...record, used: true }));
    return { algorithm, keyId: record.keyId, key: Buffer.from(record.key, 'base64') };
  }

  *setFallbackKey(tx: WriteTx, userId: string, deviceId: string, key: OneTimeKey): Op<void> {
    const userNid = yield* this.intern.intern(tx, NidKind.user, userId);
    const record: FallbackRecord = { keyId: key.keyId, key: Buffer.from(key.key).toString('base64'), used: false };
    tx.put(TREES.fallbackKeys, dev(userNid, deviceId).tail(key.algorithm).done(), jsonValue(record));
  }

  *fallbackKeys(tx: ReadTx, userId: string, deviceId: string): Op<FallbackKey[]> {
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return [];
    const prefix = dev(userNid, deviceId).done();
    return (yield* tx.prefix(TREES.fallbackKeys, prefix)).map((e) => {
      const r = new ByteReader(e.key);
      r.pos = prefix.length;
      const record = parseJsonValue<FallbackRecord>(e.value);
      return { algorithm: r.tail(), keyId: record.keyId, key: Buffer.from(record.key, 'base64'), used: record.used };
    });
  }

  *setCrossSigningKey(tx: WriteTx, userId: string, usage: string, key: Uint8Array): Op<void> {
    const userNid = yield* this.intern.intern(tx, NidKind.user, userId);
    tx.put(TREES.crossSigningKeys, new ByteWriter(32).uint(userNid).tail(usage).done(), key);
  }

  *crossSigningKeys(tx: ReadTx, userId: string): Op<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return out;
    for (const e of yield* tx.prefix(TREES.crossSigningKeys, uintKey(userNid))) {
      const r = new ByteReader(e.key);
      r.uint();
      out.set(r.tail(), e.value);
    }
    return out;
  }

  *markDeviceListChanged(tx: WriteTx, userId: string): Op<number> {
    const userNid = yield* this.intern.intern(tx, NidKind.user, userId);
    const pos = yield* this.positions.next(tx, 'device_lists');
    tx.put(TREES.deviceListStream, uintKey(pos), uintKey(userNid));
    return pos;
  }

  *deviceListChangesSince(tx: ReadTx, after: number, limit?: number): Op<{ userId: string; streamPos: number }[]> {
    const out: { userId: string; streamPos: number }[] = [];
    for (const e of yield* tx.range(TREES.deviceListStream, { gte: uintKey(after + 1), limit })) {
      out.push({ userId: yield* this.intern.string(tx, NidKind.user, new ByteReader(e.value).uint()), streamPos: new ByteReader(e.key).uint() });
    }
    return out;
  }
}
