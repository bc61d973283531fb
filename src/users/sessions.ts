// Devices with their access tokens: issued at login/registration, revoked at logout,
// device deletion, password change and deactivation. Device list changes go on the
// e2ee device_lists stream (other users' clients re-fetch keys).
import type { Requester } from '../api/route.js';
import type { Op, WriteTx } from '../store/trees.js';
import type { UsersContext } from './context.js';
import { accessTokenId, newAccessToken, newDeviceId } from './ids.js';

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

/** Inside a write: delete devices (tokens and e2ee keys with them). Returns the device list position if any existed. */
export function* deleteDevicesOf(ctx: UsersContext, tx: WriteTx, userId: string, deviceIds: readonly string[]): Op<number | undefined> {
  const { store } = ctx;
  let any = false;
  for (const deviceId of deviceIds) {
    const existed = yield* store.devices.delete(tx, userId, deviceId);
    yield* store.e2eKeys.deleteDevice(tx, userId, deviceId);
    any ||= existed;
  }
  return any ? yield* store.e2eKeys.markDeviceListChanged(tx, userId) : undefined;
}

export function notifyDeviceList(ctx: UsersContext, userId: string, pos: number | undefined): void {
  if (pos !== undefined) ctx.events.deviceListChanged?.(userId, pos);
}

/** last_seen_ts is written at most this often per device (a write per request would cost every request). */
const LAST_SEEN_EVERY_MS = 5 * 60 * 1000;

/** Record that a device was used (GET /devices shows last_seen_ts); throttled, never fails the request. */
function touchDevice(ctx: UsersContext, userId: string, deviceId: string, now: number): void {
  const key = `${userId}|${deviceId}`;
  const last = ctx.lastSeen.get(key);
  if (last !== undefined && now - last < LAST_SEEN_EVERY_MS) return;
  ctx.lastSeen.set(key, now);
  const { store } = ctx;
  void (async () => {
    try {
      await store.write(function* (tx) {
        const device = yield* store.devices.get(tx, userId, deviceId);
        if (device !== undefined) yield* store.devices.upsert(tx, { ...device, lastSeenTs: now });
      });
    } catch (err) {
      ctx.log?.debug({ err, user_id: userId }, 'could not record device last_seen_ts');
    }
  })();
}

/** The requester of a token, or null (unknown, expired, or the account is gone). */
export function authenticateToken(ctx: UsersContext, token: string): Promise<Requester | null> | Requester | null {
  const { store } = ctx;
  const now = ctx.clock.now();
  // LMDB answers synchronously: no promise (and no event-loop hop) per authenticated request.
  const result = store.read(function* (tx): Op<Requester | null> {
    const owner = yield* store.devices.accessToken(tx, token);
    if (owner === undefined) return null;
    if (owner.expiresTs !== undefined && owner.expiresTs <= now) return null;
    const account = yield* store.accounts.get(tx, owner.userId);
    if (account === undefined || account.deactivated) return null;
    return { userId: owner.userId, deviceId: owner.deviceId, accessTokenId: accessTokenId(token), isGuest: account.guest };
  });
  if (isPromiseLike(result)) {
    return Promise.resolve(result).then((r) => {
      if (r !== null) touchDevice(ctx, r.userId, r.deviceId, now);
      return r;
    });
  }
  if (result !== null) touchDevice(ctx, result.userId, result.deviceId, now);
  return result;
}

function isPromiseLike<T>(v: T | PromiseLike<T>): v is PromiseLike<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
