// Account registration: username checks, UIA (m.login.dummy when registration is open,
// m.login.registration_token otherwise), guests, and the first device.
// Spec: client-server-api#post_matrixclientv3register, #get_matrixclientv3registeravailable,
// #token-authenticated-registration.
import { timingSafeEqual } from 'node:crypto';
import { forbidden, invalidParam, missingParam, userInUse } from '../api/errors.js';
import { hashPassword } from '../store/password.js';
import type { UsersContext } from './context.js';
import { generatedLocalpart, guestLocalpart, userIdFor } from './ids.js';
import type { RegisterRequest, RegisterResult } from './service.js';
import { authenticateToken, issueSession, notifyDeviceList } from './sessions.js';
import type { UiaOffer } from './uia.js';

/** Longer passwords only cost hashing time (Synapse's limit too). */
export const MAX_PASSWORD_LENGTH = 512;

export async function checkUsernameAvailable(ctx: UsersContext, username: string): Promise<string> {
  const userId = userIdFor(username, ctx.serverName);
  const { store } = ctx;
  const taken = (await store.read((tx) => store.accounts.get(tx, userId))) !== undefined;
  if (taken) throw userInUse();
  return userId;
}

export function registrationTokenValid(ctx: UsersContext, token: string): boolean {
  const expected = ctx.registration.token;
  if (ctx.registration.open || !ctx.registration.enabled || expected === undefined) return false;
  const a = Buffer.from(token, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function registrationOffer(ctx: UsersContext): UiaOffer {
  return ctx.registration.open
    ? { flows: [{ stages: ['m.login.dummy'] }] }
    : { flows: [{ stages: ['m.login.registration_token'] }] };
}

export async function register(ctx: UsersContext, request: RegisterRequest, kind: string): Promise<RegisterResult> {
  if (kind !== 'user' && kind !== 'guest') throw invalidParam(`kind must be "user" or "guest"`);
  if (!ctx.registration.enabled) throw forbidden('Registration is disabled on this server');
  if (request.password !== undefined && request.password.length > MAX_PASSWORD_LENGTH) {
    throw invalidParam(`password: longer than ${MAX_PASSWORD_LENGTH} characters`);
  }
  if (kind === 'guest') {
    if (!ctx.registration.allowGuests) throw forbidden('Guest access is disabled on this server');
    // Guests choose no name and no password (spec: #guest-access); of the body only
    // initial_device_display_name counts ("all parameters ... MUST BE ignored").
    const only = request.initial_device_display_name !== undefined ? { initial_device_display_name: request.initial_device_display_name } : {};
    return createAccount(ctx, `@${guestLocalpart()}:${ctx.serverName}`, undefined, only, true);
  }

  const upgrading = request.guest_access_token !== undefined ? await guestToUpgrade(ctx, request) : undefined;
  // Name problems are reported before any auth round, so clients can ask again at once.
  // The name this session already registered is no conflict: that is a retry (below).
  if (request.username !== undefined && upgrading === undefined) {
    const registered = (await ctx.uia.savedOf('register', request.auth?.session))?.registered_user_id;
    if (registered === undefined || registered !== userIdFor(request.username, ctx.serverName)) await checkUsernameAvailable(ctx, request.username);
  }

  // The first request's parameters are kept with the session, so the request that completes
  // it may carry only `auth` (Synapse; sytest "registration remembers parameters"). Not the
  // password: keeping it would cost a second scrypt hash per registration (~0.4 s at the
  // production cost) for clients that all send it again; Synapse keeps its hash.
  const uia = await ctx.uia.check('register', request.auth, registrationOffer(ctx), (stage, auth) => {
    if (stage === 'm.login.dummy') return {};
    if (stage === 'm.login.registration_token') {
      if (typeof auth.token !== 'string' || !registrationTokenValid(ctx, auth.token)) throw forbidden('Invalid registration token');
      return {};
    }
    throw forbidden(`Unsupported stage ${stage}`);
  }, {
    username: request.username,
    device_id: request.device_id,
    initial_device_display_name: request.initial_device_display_name,
    inhibit_login: request.inhibit_login,
  });

  if (upgrading !== undefined) {
    const result = await upgradeGuest(ctx, upgrading, request);
    await ctx.uia.finish(uia.sessionId);
    return result;
  }
  const saved = uia.saved as { username?: string; device_id?: string; initial_device_display_name?: string; inhibit_login?: boolean; registered_user_id?: string };
  const effective: RegisterRequest = {
    ...(saved.device_id !== undefined ? { device_id: saved.device_id } : {}),
    ...(saved.initial_device_display_name !== undefined ? { initial_device_display_name: saved.initial_device_display_name } : {}),
    ...(saved.inhibit_login !== undefined ? { inhibit_login: saved.inhibit_login } : {}),
    ...request,
  };
  // A completed session asked again (the client lost the answer): the same account, a new
  // login (Synapse; sytest "registration is idempotent").
  if (saved.registered_user_id !== undefined) return loginRegistered(ctx, saved.registered_user_id, effective);
  const username = request.username ?? saved.username;
  const userId = username !== undefined ? userIdFor(username, ctx.serverName) : `@${generatedLocalpart()}:${ctx.serverName}`;
  const hash = request.password !== undefined ? await hashPassword(request.password, ctx.passwordHashing) : undefined;
  const result = await createAccount(ctx, userId, hash, effective, false);
  await ctx.uia.complete(uia.sessionId, { registered_user_id: userId });
  return result;
}

/** The registration answer again for an account this session already created. */
async function loginRegistered(ctx: UsersContext, userId: string, request: RegisterRequest): Promise<RegisterResult> {
  if (request.inhibit_login === true) return { user_id: userId, home_server: ctx.serverName };
  const { store } = ctx;
  const session = await store.write(function* (tx) {
    const account = yield* store.accounts.get(tx, userId);
    if (account === undefined || account.deactivated) return undefined;
    return yield* issueSession(ctx, tx, userId, request.device_id, request.initial_device_display_name);
  });
  if (session === undefined) throw forbidden(`${userId} can no longer be logged in to`);
  await notifyDeviceList(ctx, userId, session.deviceListPos);
  return { user_id: userId, access_token: session.accessToken, device_id: session.deviceId, home_server: ctx.serverName };
}

/**
 * The guest that `guest_access_token` belongs to, when the request may upgrade it: the token
 * is a guest's and `username` is that guest's own localpart (spec: #guest-access).
 */
async function guestToUpgrade(ctx: UsersContext, request: RegisterRequest): Promise<string> {
  const guest = await authenticateToken(ctx, request.guest_access_token!);
  if (guest === null) throw forbidden('guest_access_token is not a valid access token');
  if (!guest.isGuest) throw forbidden('guest_access_token does not belong to a guest account');
  if (request.username === undefined) throw missingParam('username', 'Upgrading a guest needs username: the guest\'s own localpart');
  // Compared as given: guests' localparts are numeric, which new usernames may not be.
  if (`@${request.username.toLowerCase()}:${ctx.serverName}` !== guest.userId) throw forbidden('A guest can only upgrade its own account');
  return guest.userId;
}

/** The guest becomes a full account (with the password, if given) and gets a new session. */
async function upgradeGuest(ctx: UsersContext, userId: string, request: RegisterRequest): Promise<RegisterResult> {
  const passwordHash = request.password === undefined ? undefined : await hashPassword(request.password, ctx.passwordHashing);
  const { store } = ctx;
  const outcome = await store.write(function* (tx) {
    const account = yield* store.accounts.get(tx, userId);
    if (account === undefined || !account.guest) return undefined;
    yield* store.accounts.update(tx, userId, { guest: false });
    if (passwordHash !== undefined) yield* store.accounts.setPasswordHash(tx, userId, passwordHash);
    if (request.inhibit_login === true) return { session: undefined };
    return { session: yield* issueSession(ctx, tx, userId, request.device_id, request.initial_device_display_name) };
  });
  if (outcome === undefined) throw forbidden(`${userId} is no longer a guest account`);
  // Tokens already authenticated as the guest are guests no more.
  ctx.sessions.forgetUser(userId);
  ctx.log?.info({ user_id: userId }, 'guest upgraded');
  if (outcome.session === undefined) return { user_id: userId, home_server: ctx.serverName };
  await notifyDeviceList(ctx, userId, outcome.session.deviceListPos);
  return { user_id: userId, access_token: outcome.session.accessToken, device_id: outcome.session.deviceId, home_server: ctx.serverName };
}

async function createAccount(
  ctx: UsersContext, userId: string, passwordHash: string | undefined, request: RegisterRequest, guest: boolean,
): Promise<RegisterResult> {
  const { store } = ctx;
  const now = ctx.clock.now();
  const localpart = userId.slice(1, userId.indexOf(':'));
  const outcome = await store.write(function* (tx) {
    const created = yield* store.accounts.create(tx, {
      userId, createdTs: now, guest, ...(passwordHash !== undefined ? { passwordHash } : {}),
    });
    if (!created) return undefined;
    // Like Synapse, a new user starts with their localpart as display name.
    yield* store.profiles.put(tx, userId, { displayname: localpart });
    if (request.inhibit_login === true) return { session: undefined };
    return { session: yield* issueSession(ctx, tx, userId, request.device_id, request.initial_device_display_name) };
  });
  if (outcome === undefined) throw userInUse();
  ctx.log?.info({ user_id: userId, guest }, 'registered');
  if (outcome.session === undefined) return { user_id: userId, home_server: ctx.serverName };
  await notifyDeviceList(ctx, userId, outcome.session.deviceListPos);
  return { user_id: userId, access_token: outcome.session.accessToken, device_id: outcome.session.deviceId, home_server: ctx.serverName };
}
