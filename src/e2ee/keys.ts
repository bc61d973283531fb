// End-to-end encryption keys for clients: upload, query, claim, changes (spec:
// client-server-api#end-to-end-encryption, modules/end_to_end_encryption). Local users
// only: federation does not exist yet, so users of other servers are reported in
// `failures` under their server name (as Synapse does for an unreachable server).
// Key objects are stored as the JSON the client sent (they carry signatures).
import { badJson, invalidParam } from '../api/errors.js';
import type { Requester } from '../api/route.js';
import { domainOf, isValidUserId } from '../matrix/ids.js';
import { NidKind, TREES } from '../store/catalogue.js';
import type { Store } from '../store/index.js';
import { ByteWriter } from '../store/keys.js';
import type { Op, ReadTx, WriteTx } from '../store/trees.js';
import type { SyncToken } from '../sync/tokens.js';

export interface E2eeDeps {
  readonly store: Store;
  readonly serverName: string;
  /** wakes /sync waiters (src/sync/notifier.ts) */
  readonly notifier: { deviceListChanged?(userId: string, streamPos: number, rooms?: readonly string[]): void };
}

export type JsonObject = Record<string, unknown>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const toBytes = (v: unknown): Uint8Array => encoder.encode(JSON.stringify(v));
const fromBytes = (b: Uint8Array): unknown => JSON.parse(decoder.decode(b));

/** JSON with sorted keys: the same key uploaded twice compares equal whatever its key order. */
export function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${sortedJson((v as JsonObject)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "algorithm:id" → [algorithm, id]; 400 for anything else. */
function splitKeyId(field: string, keyId: string): [string, string] {
  const i = keyId.indexOf(':');
  if (i <= 0 || i === keyId.length - 1) throw invalidParam(`${field}: key id ${JSON.stringify(keyId)} is not algorithm:id`);
  return [keyId.slice(0, i), keyId.slice(i + 1)];
}

function checkUserId(field: string, userId: string): void {
  if (!isValidUserId(userId)) throw invalidParam(`${field}: ${JSON.stringify(userId)} is not a user id`);
}

/** The not-reachable answer for users of another server (federation does not exist yet). */
const REMOTE_FAILURE = Object.freeze({ status: 503, message: 'Federation is not available on this server' });

function otkKey(userNid: number, deviceId: string, algorithm: string, keyId: string): Buffer {
  return new ByteWriter(64).uint(userNid).str(deviceId).str(algorithm).tail(keyId).done();
}

/**
 * The same keys uploaded again keep the signatures made since by others (a self-signing key's,
 * merged in by /keys/signatures/upload): the client re-sends only its own.
 */
function keepingSignatures(old: JsonObject, next: JsonObject): JsonObject {
  if (sortedJson(old.keys) !== sortedJson(next.keys) || !isObject(old.signatures)) return next;
  const sigs: Record<string, JsonObject> = {};
  for (const [u, s] of Object.entries(old.signatures)) if (isObject(s)) sigs[u] = { ...s };
  if (isObject(next.signatures)) for (const [u, s] of Object.entries(next.signatures)) if (isObject(s)) sigs[u] = { ...(sigs[u] ?? {}), ...s };
  return { ...next, signatures: sigs };
}

/** The rooms whose members see the user's device list changes (their /sync waiters are woken). */
export function* joinedRooms(store: Store, tx: ReadTx, userId: string): Op<string[]> {
  return (yield* store.membership.ofUser(tx, userId, 'join')).map((m) => m.roomId);
}

export interface UploadBody {
  readonly device_keys?: JsonObject;
  readonly one_time_keys?: JsonObject;
  readonly fallback_keys?: JsonObject;
  readonly 'org.matrix.msc2732.fallback_keys'?: JsonObject;
}

/** POST /keys/upload: returns one_time_key_counts. */
export async function uploadKeys(deps: E2eeDeps, requester: Requester, body: UploadBody): Promise<{ one_time_key_counts: Record<string, number> }> {
  const { store } = deps;
  const { userId, deviceId } = requester;
  const deviceKeys = body.device_keys;
  if (deviceKeys !== undefined) {
    if (deviceKeys.user_id !== userId) throw invalidParam('device_keys.user_id does not match the user of the access token');
    if (deviceKeys.device_id !== deviceId) throw invalidParam('device_keys.device_id does not match the device of the access token');
    if (!isObject(deviceKeys.keys)) throw badJson('device_keys.keys must be an object');
    if (deviceKeys.algorithms !== undefined && !Array.isArray(deviceKeys.algorithms)) throw badJson('device_keys.algorithms must be an array');
    if (deviceKeys.signatures !== undefined && !isObject(deviceKeys.signatures)) throw badJson('device_keys.signatures must be an object');
  }
  const oneTime: { algorithm: string; keyId: string; value: unknown }[] = [];
  for (const [id, value] of Object.entries(body.one_time_keys ?? {})) {
    const [algorithm, keyId] = splitKeyId('one_time_keys', id);
    if (typeof value !== 'string' && !isObject(value)) throw badJson(`one_time_keys.${id} must be a string or an object`);
    oneTime.push({ algorithm, keyId, value });
  }
  const fallback: { algorithm: string; keyId: string; value: unknown }[] = [];
  for (const [id, value] of Object.entries(body.fallback_keys ?? body['org.matrix.msc2732.fallback_keys'] ?? {})) {
    const [algorithm, keyId] = splitKeyId('fallback_keys', id);
    if (typeof value !== 'string' && !isObject(value)) throw badJson(`fallback_keys.${id} must be a string or an object`);
    fallback.push({ algorithm, keyId, value });
  }

  const result = await store.write(function* (tx: WriteTx) {
    let changedPos: number | undefined;
    if (deviceKeys !== undefined) {
      const oldBytes = (yield* store.e2eKeys.deviceKeys(tx, userId)).get(deviceId);
      const old = oldBytes !== undefined ? fromBytes(oldBytes) as JsonObject : undefined;
      const merged = old !== undefined ? keepingSignatures(old, deviceKeys) : deviceKeys;
      if (old === undefined || sortedJson(old) !== sortedJson(merged)) {
        yield* store.e2eKeys.setDeviceKeys(tx, userId, deviceId, toBytes(merged));
        changedPos = yield* store.e2eKeys.markDeviceListChanged(tx, userId);
      }
    }
    if (oneTime.length > 0) {
      const userNid = yield* store.intern.intern(tx, NidKind.user, userId);
      const fresh: { algorithm: string; keyId: string; key: Uint8Array }[] = [];
      for (const k of oneTime) {
        const existing = yield* tx.get(TREES.oneTimeKeys, otkKey(userNid, deviceId, k.algorithm, k.keyId));
        if (existing !== undefined) {
          // The same key again is a retry; a different key under the same id is a client bug (Synapse: 400).
          if (sortedJson(fromBytes(existing)) !== sortedJson(k.value)) {
            throw invalidParam(`One time key ${k.algorithm}:${k.keyId} already exists with different content`);
          }
          continue;
        }
        fresh.push({ algorithm: k.algorithm, keyId: k.keyId, key: toBytes(k.value) });
      }
      yield* store.e2eKeys.addOneTimeKeys(tx, userId, deviceId, fresh);
    }
    if (fallback.length > 0) {
      const current = yield* store.e2eKeys.fallbackKeys(tx, userId, deviceId);
      for (const k of fallback) {
        const old = current.find((c) => c.algorithm === k.algorithm);
        // Re-uploading the current fallback key keeps its used flag (Synapse).
        if (old !== undefined && old.keyId === k.keyId && sortedJson(fromBytes(old.key)) === sortedJson(k.value)) continue;
        yield* store.e2eKeys.setFallbackKey(tx, userId, deviceId, { algorithm: k.algorithm, keyId: k.keyId, key: toBytes(k.value) });
      }
    }
    const counts = yield* store.e2eKeys.oneTimeKeyCounts(tx, userId, deviceId);
    const rooms = changedPos !== undefined ? yield* joinedRooms(store, tx, userId) : [];
    return { counts, changedPos, rooms };
  });
  if (result.changedPos !== undefined) deps.notifier.deviceListChanged?.(userId, result.changedPos, result.rooms);
  return { one_time_key_counts: { signed_curve25519: 0, ...result.counts } };
}

export interface QueryResult {
  device_keys: Record<string, Record<string, unknown>>;
  master_keys: Record<string, unknown>;
  self_signing_keys: Record<string, unknown>;
  user_signing_keys: Record<string, unknown>;
  failures: Record<string, unknown>;
}

/**
 * A cross-signing key as `viewer` sees it: the owner's signatures and the viewer's own (a
 * user-signing signature says whom its maker trusts: only the maker sees it, as Synapse).
 */
function signedFor(key: JsonObject, owner: string, viewer: string): JsonObject {
  if (!isObject(key.signatures)) return key;
  const sigs: JsonObject = {};
  for (const [u, s] of Object.entries(key.signatures)) if (u === owner || u === viewer) sigs[u] = s;
  return { ...key, signatures: sigs };
}

/** POST /keys/query */
export async function queryKeys(deps: E2eeDeps, requester: Requester, wanted: Record<string, unknown>): Promise<QueryResult> {
  const { store, serverName } = deps;
  const local: [string, string[] | undefined][] = [];
  const failures: Record<string, unknown> = {};
  for (const [userId, devices] of Object.entries(wanted)) {
    checkUserId('device_keys', userId);
    if (!Array.isArray(devices) || devices.some((d) => typeof d !== 'string')) throw badJson(`device_keys.${userId} must be a list of device ids`);
    if (domainOf(userId) !== serverName) {
      failures[domainOf(userId)!] = REMOTE_FAILURE;
      continue;
    }
    local.push([userId, devices.length === 0 ? undefined : devices as string[]]);
  }
  return store.read(function* (tx: ReadTx) {
    const out: QueryResult = { device_keys: {}, master_keys: {}, self_signing_keys: {}, user_signing_keys: {}, failures };
    for (const [userId, only] of local) {
      const byDevice: Record<string, unknown> = {};
      const keys = yield* store.e2eKeys.deviceKeys(tx, userId);
      for (const [deviceId, bytes] of keys) {
        if (only !== undefined && !only.includes(deviceId)) continue;
        const obj = fromBytes(bytes) as JsonObject;
        const device = yield* store.devices.get(tx, userId, deviceId);
        if (device === undefined) continue;
        const unsigned = isObject(obj.unsigned) ? { ...obj.unsigned } : {};
        if (device.displayName !== undefined) unsigned.device_display_name = device.displayName;
        byDevice[deviceId] = { ...obj, unsigned };
      }
      out.device_keys[userId] = byDevice;
      const cross = yield* store.e2eKeys.crossSigningKeys(tx, userId);
      const master = cross.get('master');
      if (master !== undefined) out.master_keys[userId] = signedFor(fromBytes(master) as JsonObject, userId, requester.userId);
      const selfSigning = cross.get('self_signing');
      if (selfSigning !== undefined) out.self_signing_keys[userId] = signedFor(fromBytes(selfSigning) as JsonObject, userId, requester.userId);
      const userSigning = cross.get('user_signing');
      // A user-signing key is only ever shown to its owner (spec).
      if (userSigning !== undefined && userId === requester.userId) out.user_signing_keys[userId] = fromBytes(userSigning);
    }
    return out;
  });
}

/** POST /keys/claim: one key per (user, device, algorithm), each one-time key handed out once. */
export async function claimKeys(deps: E2eeDeps, wanted: Record<string, unknown>): Promise<{ one_time_keys: Record<string, Record<string, Record<string, unknown>>>; failures: Record<string, unknown> }> {
  const { store, serverName } = deps;
  const failures: Record<string, unknown> = {};
  const local: { userId: string; deviceId: string; algorithm: string }[] = [];
  for (const [userId, devices] of Object.entries(wanted)) {
    checkUserId('one_time_keys', userId);
    if (!isObject(devices)) throw badJson(`one_time_keys.${userId} must be an object of device id to algorithm`);
    if (domainOf(userId) !== serverName) {
      failures[domainOf(userId)!] = REMOTE_FAILURE;
      continue;
    }
    for (const [deviceId, algorithm] of Object.entries(devices)) {
      if (typeof algorithm !== 'string') throw badJson(`one_time_keys.${userId}.${deviceId} must be an algorithm name`);
      local.push({ userId, deviceId, algorithm });
    }
  }
  const oneTimeKeys: Record<string, Record<string, Record<string, unknown>>> = {};
  if (local.length > 0) {
    await store.write(function* (tx: WriteTx) {
      for (const { userId, deviceId, algorithm } of local) {
        const k = yield* store.e2eKeys.claim(tx, userId, deviceId, algorithm);
        if (k === undefined) continue;
        ((oneTimeKeys[userId] ??= {})[deviceId] ??= {})[`${k.algorithm}:${k.keyId}`] = fromBytes(k.key);
      }
    });
  }
  return { one_time_keys: oneTimeKeys, failures };
}

/** At most this many room events are looked at for membership changes in one /keys/changes window. */
const MAX_EVENTS_SCANNED = 10_000;

/**
 * GET /keys/changes: users sharing a joined room with the requester whose device lists changed
 * in (from, to], plus users newly sharing a room in the window (as /sync's device_lists);
 * `left`: users of the window's leaves who share no joined room any more.
 */
export async function keyChanges(deps: E2eeDeps, requester: Requester, from: SyncToken, to: SyncToken): Promise<{ changed: string[]; left: string[] }> {
  const { store } = deps;
  const me = requester.userId;
  return store.read(function* (tx: ReadTx) {
    const joined = (yield* store.membership.ofUser(tx, me, 'join')).map((m) => m.roomId);
    const shares = function* (u: string): Op<boolean> {
      if (u === me) return true;
      for (const r of joined) if ((yield* store.membership.get(tx, r, u))?.membership === 'join') return true;
      return false;
    };
    const changed = new Set<string>();
    const gone = new Set<string>();
    if (to.deviceLists > from.deviceLists) {
      for (const c of yield* store.e2eKeys.deviceListChangesSince(tx, from.deviceLists, to.deviceLists - from.deviceLists)) {
        if (c.streamPos <= to.deviceLists) changed.add(c.userId);
      }
    }
    if (to.events > from.events) {
      const myRooms = new Set((yield* store.membership.ofUser(tx, me)).map((m) => m.roomId));
      const entries = yield* store.events.stream(tx, from.events, Math.min(to.events - from.events, MAX_EVENTS_SCANNED));
      for (const e of entries) {
        if (e.streamPos > to.events || !myRooms.has(e.roomId)) continue;
        const ev = yield* store.events.get(tx, e.eventId);
        if (ev === undefined || ev.type !== 'm.room.member' || ev.stateKey === undefined) continue;
        const joinedNow = ev.membership === 'join';
        const leftNow = ev.membership === 'leave' || ev.membership === 'ban';
        if (ev.stateKey === me) {
          // The requester joined: every member is newly shared; left: every member may be gone.
          if (!joinedNow && !leftNow) continue;
          for (const m of yield* store.membership.ofRoom(tx, e.roomId, 'join')) (joinedNow ? changed : gone).add(m.userId);
        } else if (joinedNow) {
          changed.add(ev.stateKey);
        } else if (leftNow) {
          gone.add(ev.stateKey);
        }
      }
    }
    const left: string[] = [];
    for (const u of gone) {
      if (u === me) continue;
      if (!(yield* shares(u))) {
        left.push(u);
        changed.delete(u);
      }
    }
    const out: string[] = [];
    for (const u of changed) if (yield* shares(u)) out.push(u);
    return { changed: out, left };
  });
}
