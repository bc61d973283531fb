// Device management: list, get, rename, delete (UIA m.login.password).
// Spec: client-server-api#device-management.
import { invalidParam, notFound } from '../api/errors.js';
import type { Requester } from '../api/route.js';
import type { Device } from '../store/repositories/devices.js';
import type { UsersContext } from './context.js';
import { MAX_DEVICE_ID_LENGTH } from './ids.js';
import { PASSWORD_FLOWS, passwordStage } from './password-stage.js';
import type { DeviceInfo, UiaAuth } from './service.js';
import { deleteDevicesOf, notifyDeviceList } from './sessions.js';

export const MAX_DEVICE_DISPLAY_NAME = 100;

function info(d: Device): DeviceInfo {
  return {
    device_id: d.deviceId,
    ...(d.displayName !== undefined ? { display_name: d.displayName } : {}),
    ...(d.lastSeenIp !== undefined ? { last_seen_ip: d.lastSeenIp } : {}),
    ...(d.lastSeenTs !== undefined ? { last_seen_ts: d.lastSeenTs } : {}),
  };
}

export async function listDevices(ctx: UsersContext, requester: Requester): Promise<DeviceInfo[]> {
  const { store } = ctx;
  return (await store.read((tx) => store.devices.list(tx, requester.userId))).map(info);
}

export async function getDevice(ctx: UsersContext, requester: Requester, deviceId: string): Promise<DeviceInfo> {
  const { store } = ctx;
  const d = await store.read((tx) => store.devices.get(tx, requester.userId, deviceId));
  if (d === undefined) throw notFound('Unknown device');
  return info(d);
}

export async function updateDevice(ctx: UsersContext, requester: Requester, deviceId: string, displayName: string | undefined): Promise<void> {
  if (displayName !== undefined && displayName.length > MAX_DEVICE_DISPLAY_NAME) {
    throw invalidParam(`display_name: longer than ${MAX_DEVICE_DISPLAY_NAME} characters`);
  }
  const { store } = ctx;
  const found = await store.write(function* (tx) {
    const d = yield* store.devices.get(tx, requester.userId, deviceId);
    if (d === undefined) return false;
    if (displayName !== undefined) yield* store.devices.upsert(tx, { ...d, displayName });
    return true;
  });
  if (!found) throw notFound('Unknown device');
}

export async function deleteDevices(ctx: UsersContext, requester: Requester, deviceIds: readonly string[], auth: UiaAuth | undefined): Promise<void> {
  for (const id of deviceIds) {
    if (id.length === 0 || id.length > MAX_DEVICE_ID_LENGTH) throw invalidParam('devices: device ids are 1 to 255 characters');
  }
  // The session is bound to exactly these devices: a password typed to delete one cannot delete another.
  const op = `delete_devices:${requester.userId}:${JSON.stringify([...new Set(deviceIds)].sort())}`;
  const { sessionId } = await ctx.uia.check(op, auth, PASSWORD_FLOWS, passwordStage(ctx, requester.userId));
  const { store } = ctx;
  const pos = await store.write((tx) => deleteDevicesOf(ctx, tx, requester.userId, deviceIds));
  await ctx.uia.finish(sessionId);
  await notifyDeviceList(ctx, requester.userId, pos);
}
