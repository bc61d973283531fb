// Devices and their access tokens. Tokens are stored as SHA-256 digests:
// a leaked store does not leak usable tokens, and lookups stay one get.

import { createHash } from 'node:crypto';
import { NidKind, TREES } from '../catalogue.js';
import { ByteReader, ByteWriter, EMPTY, jsonValue, parseJsonValue, uintKey } from '../keys.js';
import type { Op, ReadTx, WriteTx } from '../trees.js';
import type { Interner } from './intern.js';

export interface Device {
  readonly userId: string;
  readonly deviceId: string;
  readonly displayName?: string;
  readonly createdTs: number;
  readonly lastSeenTs?: number;
  readonly lastSeenIp?: string;
}

export interface AccessToken {
  readonly userId: string;
  readonly deviceId: string;
  /** absent: never expires */
  readonly expiresTs?: number;
}

export interface DevicesRepository {
  /** Create or update a device (fields given replace stored ones). */
  upsert(tx: WriteTx, device: Device): Op<void>;
  get(tx: ReadTx, userId: string, deviceId: string): Op<Device | undefined>;
  list(tx: ReadTx, userId: string): Op<Device[]>;
  /** Delete a device and every access token of it. */
  delete(tx: WriteTx, userId: string, deviceId: string): Op<boolean>;
  addAccessToken(tx: WriteTx, token: string, owner: AccessToken): Op<void>;
  /** Who a token belongs to (expiry is the caller's check: it knows the clock). */
  accessToken(tx: ReadTx, token: string): Op<AccessToken | undefined>;
  deleteAccessToken(tx: WriteTx, token: string): Op<boolean>;
  deleteAccessTokensOf(tx: WriteTx, userId: string, deviceId: string): Op<number>;
}

type DeviceRecord = Omit<Device, 'userId' | 'deviceId'>;

const tokenDigest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

function deviceKey(userNid: number, deviceId: string): Buffer {
  return new ByteWriter(32).uint(userNid).str(deviceId).done();
}

export class Devices implements DevicesRepository {
  constructor(private readonly intern: Interner) {}

  *upsert(tx: WriteTx, device: Device): Op<void> {
    const userNid = yield* this.intern.intern(tx, NidKind.user, device.userId);
    const k = deviceKey(userNid, device.deviceId);
    const old = yield* tx.get(TREES.devices, k);
    const { userId: _u, deviceId: _d, ...fields } = device;
    const record: DeviceRecord = { ...(old === undefined ? {} : parseJsonValue<DeviceRecord>(old)), ...fields };
    tx.put(TREES.devices, k, jsonValue(record));
  }

  *get(tx: ReadTx, userId: string, deviceId: string): Op<Device | undefined> {
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return undefined;
    const v = yield* tx.get(TREES.devices, deviceKey(userNid, deviceId));
    return v === undefined ? undefined : { userId, deviceId, ...parseJsonValue<DeviceRecord>(v) };
  }

  *list(tx: ReadTx, userId: string): Op<Device[]> {
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return [];
    return (yield* tx.prefix(TREES.devices, uintKey(userNid))).map((e) => {
      const r = new ByteReader(e.key);
      r.uint();
      return { userId, deviceId: r.str(), ...parseJsonValue<DeviceRecord>(e.value) };
    });
  }

  *delete(tx: WriteTx, userId: string, deviceId: string): Op<boolean> {
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return false;
    const k = deviceKey(userNid, deviceId);
    const existed = (yield* tx.get(TREES.devices, k)) !== undefined;
    tx.delete(TREES.devices, k);
    yield* this.deleteAccessTokensOf(tx, userId, deviceId);
    return existed;
  }

  *addAccessToken(tx: WriteTx, token: string, owner: AccessToken): Op<void> {
    const userNid = yield* this.intern.intern(tx, NidKind.user, owner.userId);
    const digest = tokenDigest(token);
    tx.put(TREES.accessTokens, digest, jsonValue(owner));
    tx.put(TREES.tokensByDevice, new ByteWriter(64).uint(userNid).str(owner.deviceId).bytes(digest).done(), EMPTY);
  }

  *accessToken(tx: ReadTx, token: string): Op<AccessToken | undefined> {
    const v = yield* tx.get(TREES.accessTokens, tokenDigest(token));
    return v === undefined ? undefined : parseJsonValue<AccessToken>(v);
  }

  *deleteAccessToken(tx: WriteTx, token: string): Op<boolean> {
    const digest = tokenDigest(token);
    const v = yield* tx.get(TREES.accessTokens, digest);
    if (v === undefined) return false;
    const owner = parseJsonValue<AccessToken>(v);
    const userNid = yield* this.intern.intern(tx, NidKind.user, owner.userId);
    tx.delete(TREES.accessTokens, digest);
    tx.delete(TREES.tokensByDevice, new ByteWriter(64).uint(userNid).str(owner.deviceId).bytes(digest).done());
    return true;
  }

  *deleteAccessTokensOf(tx: WriteTx, userId: string, deviceId: string): Op<number> {
    const userNid = yield* this.intern.nid(tx, NidKind.user, userId);
    if (userNid === undefined) return 0;
    const prefix = deviceKey(userNid, deviceId);
    const entries = yield* tx.prefix(TREES.tokensByDevice, prefix);
    for (const e of entries) {
      tx.delete(TREES.accessTokens, e.key.subarray(prefix.length));
      tx.delete(TREES.tokensByDevice, e.key);
    }
    return entries.length;
  }
}
