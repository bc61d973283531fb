// Login with a password, whoami, logout and logout/all.
// Spec: client-server-api#login, #get_matrixclientv3accountwhoami, #post_matrixclientv3logout.
import { MatrixError, invalidParam } from '../api/errors.js';
import type { Requester } from '../api/route.js';
import type { UsersContext } from './context.js';
import { MAX_DEVICE_ID_LENGTH } from './ids.js';
import { checkPassword, userNamedBy } from './password-stage.js';
import type { LoginRequest, LoginResult } from './service.js';
import { deleteDevicesOf, issueSession, notifyDeviceList } from './sessions.js';

export const LOGIN_FLOWS: readonly { type: string }[] = [{ type: 'm.login.password' }];

export async function login(ctx: UsersContext, request: LoginRequest): Promise<LoginResult> {
  if (request.type !== 'm.login.password') throw new MatrixError(400, 'M_UNKNOWN', `Unsupported login type: ${request.type}`);
  if (request.device_id !== undefined && (request.device_id === '' || request.device_id.length > MAX_DEVICE_ID_LENGTH)) {
    throw invalidParam('device_id: must be 1 to 255 characters');
  }
  const userId = userNamedBy(request as unknown as Record<string, unknown>, ctx.serverName);
  await checkPassword(ctx, userId, request.password);
  const { store } = ctx;
  const session = await store.write((tx) => issueSession(ctx, tx, userId, request.device_id, request.initial_device_display_name));
  await notifyDeviceList(ctx, userId, session.deviceListPos);
  return { user_id: userId, access_token: session.accessToken, device_id: session.deviceId, home_server: ctx.serverName };
}

export function whoami(requester: Requester): { user_id: string; device_id: string; is_guest: boolean } {
  return { user_id: requester.userId, device_id: requester.deviceId, is_guest: requester.isGuest };
}

/** The spec deletes the device with its token (and so its keys). */
export async function logout(ctx: UsersContext, requester: Requester): Promise<void> {
  const { store } = ctx;
  const pos = await store.write((tx) => deleteDevicesOf(ctx, tx, requester.userId, [requester.deviceId]));
  await notifyDeviceList(ctx, requester.userId, pos);
}

export async function logoutAll(ctx: UsersContext, requester: Requester): Promise<void> {
  await revokeAllDevices(ctx, requester.userId, undefined);
}

/** Delete every device of `userId` except `keep` (tokens and keys with them). */
export async function revokeAllDevices(ctx: UsersContext, userId: string, keep: string | undefined): Promise<void> {
  const { store } = ctx;
  const pos = await store.write(function* (tx) {
    const devices = yield* store.devices.list(tx, userId);
    return yield* deleteDevicesOf(ctx, tx, userId, devices.map((d) => d.deviceId).filter((id) => id !== keep));
  });
  await notifyDeviceList(ctx, userId, pos);
}
