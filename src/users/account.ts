// Password change and account deactivation, both behind UIA m.login.password. Without an
// access token (the spec allows it) the password stage's identifier says whose account.
// Spec: client-server-api#post_matrixclientv3accountpassword, #post_matrixclientv3accountdeactivate.
import { invalidParam } from '../api/errors.js';
import type { Requester } from '../api/route.js';
import { hashPassword } from '../store/password.js';
import type { UsersContext } from './context.js';
import { revokeAllDevices } from './login.js';
import { PASSWORD_FLOWS, passwordStage } from './password-stage.js';
import { MAX_PASSWORD_LENGTH } from './registration.js';
import type { UiaAuth } from './service.js';

async function uiaPassword(ctx: UsersContext, op: string, requester: Requester | undefined, auth: UiaAuth | undefined) {
  const result = await ctx.uia.check(`${op}:${requester?.userId ?? ''}`, auth, PASSWORD_FLOWS, passwordStage(ctx, requester?.userId));
  // A completed flow always ran the password stage, which named the user.
  return { sessionId: result.sessionId, userId: requester?.userId ?? result.userId! };
}

export async function changePassword(
  ctx: UsersContext, requester: Requester | undefined, request: { new_password: string; logout_devices?: boolean; auth?: UiaAuth },
): Promise<void> {
  if (request.new_password.length === 0) throw invalidParam('new_password: must not be empty');
  if (request.new_password.length > MAX_PASSWORD_LENGTH) throw invalidParam(`new_password: longer than ${MAX_PASSWORD_LENGTH} characters`);
  const { sessionId, userId } = await uiaPassword(ctx, 'password', requester, request.auth);
  const hash = await hashPassword(request.new_password, ctx.passwordHashing);
  const { store } = ctx;
  await store.write((tx) => store.accounts.setPasswordHash(tx, userId, hash));
  await ctx.uia.finish(sessionId);
  // Other sessions end (spec default); the one that asked keeps working.
  if (request.logout_devices !== false) await revokeAllDevices(ctx, userId, requester?.userId === userId ? requester.deviceId : undefined);
  ctx.log?.info({ user_id: userId }, 'password changed');
}

export async function deactivate(
  ctx: UsersContext, requester: Requester | undefined, request: { auth?: UiaAuth; erase?: boolean },
): Promise<{ id_server_unbind_result: 'success' | 'no-support' }> {
  const { sessionId, userId } = await uiaPassword(ctx, 'deactivate', requester, request.auth);
  const { store } = ctx;
  const memberships = await store.write(function* (tx) {
    yield* store.accounts.update(tx, userId, { deactivated: true });
    yield* store.accounts.setPasswordHash(tx, userId, undefined);
    if (request.erase === true) yield* store.profiles.put(tx, userId, {});
    yield* store.keyBackups.deleteAll(tx, userId); // server-side key backups go with the account (as Synapse)
    return (yield* store.membership.ofUser(tx, userId)).filter((m) => m.membership === 'join' || m.membership === 'invite' || m.membership === 'knock');
  });
  ctx.sessions.forgetUser(userId); // refused from now on, before the tokens are revoked below
  await ctx.uia.finish(sessionId);
  await revokeAllDevices(ctx, userId, undefined);

  // Leave (or reject invites to / retract knocks on) every room, as the user.
  const rooms = ctx.rooms();
  const as: Requester = { userId, deviceId: requester?.deviceId ?? '', accessTokenId: 'deactivation', isGuest: false };
  for (const m of memberships) {
    try {
      await rooms?.leave(as, m.roomId, { reason: 'Account deactivated' });
    } catch (err) {
      ctx.log?.warn({ err, user_id: userId, room_id: m.roomId }, 'deactivation: could not leave room');
    }
  }
  ctx.log?.info({ user_id: userId, rooms_left: memberships.length }, 'account deactivated');
  // No identity server binding is ever made here, so there is nothing to unbind.
  return { id_server_unbind_result: 'no-support' };
}
