// Devices with their access tokens: issued at login/registration, revoked at logout,
// device deletion, password change and deactivation. Device list changes go on the
// e2ee device_lists stream (other users' clients re-fetch keys).
import type { Requester } from '../api/route.js';
import type { Op, ReadTx, WriteTx } from '../store/trees.js';
import { joinedRooms } from '../e2ee/keys.js';
import type { UsersContext } from './context.js';
import { accessTokenId, newAccessToken, newDeviceId } from './ids.js';
import { deletePushersOfDevices } from './pushers.js';

export interface IssuedSession {
  readonly deviceId: string;
  readonly accessToken: string;
}

/**
 * Inside a write: reuse `deviceId` if the user has it, else create it (or a fresh id),
 * and add a new access token for it. Returns the device list stream position when a
 * device was created.
 */
export function* issueSession(
  ctx: UsersContext, tx: WriteTx, userId: string, deviceId: string | undefined, displayName: string | undefined,
): Op<IssuedSession & { deviceListPos?: number }> {
  const { store } = ctx;
  const id = deviceId ?? newDeviceId();
  const existing = yield* store.devices.get(tx, userId, id);
  let deviceListPos: number | undefined;
  if (existing === undefined) {
    yield* store.devices.upsert(tx, {
      userId, deviceId: id, createdTs: ctx.clock.now(),
      ...(displayName !== undefined ? { displayName } : {}),
    });
    deviceListPos = yield* store.e2eKeys.markDeviceListChanged(tx, userId);
  }
  const accessToken = newAccessToken();
  yield* store.devices.addAccessToken(tx, accessToken, { userId, deviceId: id });
  return { deviceId: id, accessToken, ...(deviceListPos !== undefined ? { deviceListPos } : {}) };
}

/** Inside a write: delete devices (tokens, e2ee keys and pushers with them). Returns the device list position if any existed. */
export function* deleteDevicesOf(ctx: UsersContext, tx: WriteTx, userId: string, deviceIds: readonly string[]): Op<number | undefined> {
  const { store } = ctx;
  let any = false;
  for (const deviceId of deviceIds) {
    const existed = yield* store.devices.delete(tx, userId, deviceId);
    yield* store.e2eKeys.deleteDevice(tx, userId, deviceId);
    any ||= existed;
  }
  yield* deletePushersOfDevices(ctx, tx, userId, deviceIds);
  return any ? yield* store.e2eKeys.markDeviceListChanged(tx, userId) : undefined;
}

/**
 * A device came or went: wake the user's own long-polls and those of everyone sharing a room
 * with them, at once (a co-member who learns of a new device only at its next wake would send
 * room keys without it, and the new device could not decrypt what comes meanwhile).
 */
export async function notifyDeviceList(ctx: UsersContext, userId: string, pos: number | undefined): Promise<void> {
  if (pos === undefined || ctx.events.deviceListChanged === undefined) return;
  const { store } = ctx;
  ctx.events.deviceListChanged(userId, pos, await store.read((tx) => joinedRooms(store, tx, userId)));
}

/** last_seen_ts is written at most this often per device (a write per request would cost every request). */
const LAST_SEEN_EVERY_MS = 5 * 60 * 1000;

/**
 * Record that a device was used (GET /devices shows last_seen_ts and
 * last_seen_ip); throttled, never fails the request. `ipOf` is asked only when
 * a record is written (reading the peer address costs more than the check).
 */
function touchDevice(ctx: UsersContext, userId: string, deviceId: string, now: number, ipOf?: () => string): void {
  const key = `${userId}|${deviceId}`;
  const last = ctx.lastSeen.get(key);
  if (last !== undefined && now - last < LAST_SEEN_EVERY_MS) return;
  ctx.lastSeen.set(key, now);
  const { store } = ctx;
  let ip: string | undefined;
  try {
    ip = ipOf?.() || undefined;
  } catch {
    ip = undefined;
  }
  void (async () => {
    try {
      await store.write(function* (tx) {
        const device = yield* store.devices.get(tx, userId, deviceId);
        if (device !== undefined) yield* store.devices.upsert(tx, { ...device, lastSeenTs: now, ...(ip !== undefined ? { lastSeenIp: ip } : {}) });
      });
    } catch (err) {
      ctx.log?.debug({ err, user_id: userId }, 'could not record device last_seen_ts');
    }
  })();
}

/**
 * Access tokens this process has authenticated: token → requester, with the device_lists stream
 * position it was checked at. That position is the revocation generation: every way a token
 * ends (logout, logout/all, device deletion, password change with logout_devices, deactivation)
 * deletes its device through deleteDevicesOf, which moves device_lists in the same transaction.
 * So a hit costs one counter read, and is valid for every process sharing the store; when the
 * position moved (any device change, anyone's), the token's own record is read again.
 * Deactivation marks the account before it revokes the tokens: this process drops the user's
 * entries at that write (forgetUser); another process's deactivation is seen once its
 * revocation lands, milliseconds later.
 */
interface CachedSession {
  readonly requester: Requester;
  readonly expiresTs: number | undefined;
  /** device_lists position when the token was last read from the store */
  readonly generation: number;
}

export class SessionCache {
  private readonly byToken = new Map<string, CachedSession>();
  static readonly MAX = 50_000;

  get(token: string): CachedSession | undefined {
    return this.byToken.get(token);
  }

  set(token: string, session: CachedSession): void {
    if (!this.byToken.has(token) && this.byToken.size >= SessionCache.MAX) this.byToken.delete(this.byToken.keys().next().value!);
    this.byToken.set(token, session);
  }

  delete(token: string): void {
    this.byToken.delete(token);
  }

  /** Drop every cached token of a user (deactivation). */
  forgetUser(userId: string): void {
    for (const [token, e] of this.byToken) if (e.requester.userId === userId) this.byToken.delete(token);
  }
}

/**
 * The token's requester inside a read (a module-level generator: one made per call would cost
 * V8 a new prototype and map each time, ~4 µs per authenticated request).
 */
function* readSession(ctx: UsersContext, tx: ReadTx, token: string, cached: CachedSession | undefined, now: number): Op<Requester | null> {
  const { store, sessions } = ctx;
  const generation = yield* store.positions.current(tx, 'device_lists');
  if (cached !== undefined && cached.generation === generation) {
    return cached.expiresTs !== undefined && cached.expiresTs <= now ? null : cached.requester;
  }
  const owner = yield* store.devices.accessToken(tx, token);
  if (owner === undefined) return null;
  if (owner.expiresTs !== undefined && owner.expiresTs <= now) return null;
  let requester: Requester;
  if (cached !== undefined && cached.requester.userId === owner.userId && cached.requester.deviceId === owner.deviceId) {
    requester = cached.requester;
  } else {
    const account = yield* store.accounts.get(tx, owner.userId);
    if (account === undefined || account.deactivated) return null;
    requester = { userId: owner.userId, deviceId: owner.deviceId, accessTokenId: accessTokenId(token), isGuest: account.guest };
  }
  sessions.set(token, { requester, expiresTs: owner.expiresTs, generation });
  return requester;
}

/** The requester of a token, or null (unknown, expired, or the account is gone). */
export function authenticateToken(ctx: UsersContext, token: string, ipOf?: () => string): Promise<Requester | null> | Requester | null {
  const { store, sessions } = ctx;
  const now = ctx.clock.now();
  const cached = sessions.get(token);
  // LMDB answers synchronously: no promise (and no event-loop hop) per authenticated request.
  const result = store.read((tx) => readSession(ctx, tx, token, cached, now));
  if (isPromiseLike(result)) {
    return Promise.resolve(result).then((r) => {
      if (r !== null) touchDevice(ctx, r.userId, r.deviceId, now, ipOf);
      else sessions.delete(token);
      return r;
    });
  }
  if (result !== null) touchDevice(ctx, result.userId, result.deviceId, now, ipOf);
  else if (cached !== undefined) sessions.delete(token);
  return result;
}

function isPromiseLike<T>(v: T | PromiseLike<T>): v is PromiseLike<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
