// The m.login.password check shared by POST /login and the UIA m.login.password stage:
// which user the request names (identifier m.id.user, or the deprecated `user`), and
// whether the password matches. Spec: client-server-api#password-based, #identifier-types.
import { MatrixError, forbidden, missingParam, userDeactivated } from '../api/errors.js';
import { UiaWrongUser } from './uia.js';
import { randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword } from '../store/password.js';
import type { UsersContext } from './context.js';
import { localUserIdOf } from './ids.js';

/** The user id a login/UIA body names, or throws (M_UNKNOWN for an unsupported identifier type). */
export function userNamedBy(body: Record<string, unknown>, serverName: string): string {
  const identifier = body.identifier;
  let user: unknown;
  if (identifier !== undefined) {
    if (typeof identifier !== 'object' || identifier === null || Array.isArray(identifier)) {
      throw new MatrixError(400, 'M_BAD_JSON', 'identifier must be an object');
    }
    const id = identifier as Record<string, unknown>;
    if (id.type !== 'm.id.user') throw new MatrixError(400, 'M_UNKNOWN', `Unsupported identifier type: ${String(id.type)}`);
    user = id.user;
  } else {
    user = body.user;
    // Neither form names a user (Synapse: "'identifier' dict has no key 'type'", M_MISSING_PARAM).
    if (user === undefined) throw missingParam('identifier');
  }
  if (typeof user !== 'string' || user === '') throw new MatrixError(400, 'M_BAD_JSON', 'identifier.user must be a non-empty string');
  // Users of other servers cannot log in here: the same answer as a wrong password.
  const userId = localUserIdOf(user, serverName);
  if (userId === undefined) throw forbidden('Invalid username or password');
  return userId;
}

let decoy: Promise<string> | undefined;
function decoyHash(ctx: UsersContext): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'), ctx.passwordHashing);
  return decoy;
}

/** Checks the password of `userId`; throws M_FORBIDDEN (wrong, or no password set) or M_USER_DEACTIVATED. */
export async function checkPassword(ctx: UsersContext, userId: string, password: unknown): Promise<void> {
  if (password === undefined) throw missingParam('password');
  if (typeof password !== 'string') throw new MatrixError(400, 'M_BAD_JSON', 'password must be a string');
  const { store } = ctx;
  const account = await store.read((tx) => store.accounts.get(tx, userId));
  // Unknown users cost a hash too, so response times do not reveal which accounts exist.
  const ok = account?.passwordHash !== undefined
    ? await verifyPassword(password, account.passwordHash)
    : (await verifyPassword(password, await decoyHash(ctx)), false);
  if (!ok) throw forbidden('Invalid username or password');
  if (account!.deactivated) throw userDeactivated();
}

/** A UIA verifier offering m.login.password for `expectedUser` (the requester), or for whoever the body names. */
export function passwordStage(ctx: UsersContext, expectedUser: string | undefined) {
  return async (stage: string, auth: Record<string, unknown>): Promise<{ userId?: string }> => {
    if (stage !== 'm.login.password') throw forbidden(`Unsupported stage ${stage}`);
    const named = auth.identifier === undefined && auth.user === undefined && expectedUser !== undefined
      ? expectedUser
      : userNamedBy(auth, ctx.serverName);
    await checkPassword(ctx, named, auth.password);
    // Another account's right password: a plain 403, not another round (Synapse; sytest
    // "DELETE /device/{deviceId} requires UI auth user to match device owner").
    if (expectedUser !== undefined && named !== expectedUser) throw new UiaWrongUser('The authenticated user does not match the logged-in user');
    return { userId: named };
  };
}

export const PASSWORD_FLOWS = { flows: [{ stages: ['m.login.password'] }] } as const;
